"""A partial return: which KPIs are due a figure in the newest quarter and have none yet.

A KPI is due in a quarter when its usual cadence (the shortest gap between its home force's
figures: 1 for a quarterly series, 2 for a half-yearly one) has passed since its last figure
before that quarter. The newest quarter is partial when some due KPIs have their figure and some
do not, more than one in ten (a survey published a quarter late is chased, not a partial return);
the last complete quarter is the newest one before it that is not partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pcp_tui.framework import Kpi
from pcp_tui.periods import Quarter


@dataclass(frozen=True)
class QuarterReturn:
    quarter: Quarter | None
    reported: tuple[Kpi, ...]  # due, with a figure (and any KPI with a figure)
    missing: tuple[Kpi, ...]  # due, without a figure: the chase list
    last_complete: Quarter | None  # the newest earlier quarter with nothing missing

    @property
    def expected(self) -> int:
        return len(self.reported) + len(self.missing)

    @property
    def partial(self) -> bool:
        """More than one in ten due KPIs without their figure (all of them, when only other
        forces' figures have come in for the quarter)."""
        return len(self.missing) * 10 > self.expected

    @property
    def headline(self) -> str:
        """`2021/22 Q3: 9 of 104 KPIs`."""
        label = self.quarter.label if self.quarter else "–"
        return f"{label}: {len(self.reported)} of {self.expected} KPIs"


def _due(ordinals: list[int], at: int) -> bool:
    """A KPI whose figures are at `ordinals` (sorted) is due one at quarter `at`."""
    before = [o for o in ordinals if o < at]
    if not before:
        return False
    gaps = [b - a for a, b in zip(ordinals, ordinals[1:]) if b > a]
    cadence = min(gaps, default=1)
    return at - before[-1] >= cadence


def _split(kpis: Iterable[Kpi], figures: Mapping[str, list[int]],
           at: int) -> tuple[list[Kpi], list[Kpi]]:
    reported, missing = [], []
    for kpi in kpis:
        ordinals = figures.get(kpi.id, [])
        if at in ordinals:
            reported.append(kpi)
        elif _due(ordinals, at):
            missing.append(kpi)
    return reported, missing


def quarter_return(kpis: Iterable[Kpi], figures: Mapping[str, Iterable[Quarter]],
                   quarter: Quarter | None = None) -> QuarterReturn:
    """The return for `quarter` (default: the newest quarter with a figure of the home
    force's): `figures` maps a KPI's id to the quarters its home force has a figure for. The
    views open on the newest quarter of any force's (`newest_quarter`), and pass it."""
    kpis = list(kpis)
    ordinals = {kpi: sorted({q.ordinal for q in quarters}) for kpi, quarters in figures.items()}
    every = sorted({o for found in ordinals.values() for o in found})
    if quarter is None and not every:
        return QuarterReturn(None, (), (), None)
    at = quarter.ordinal if quarter is not None else every[-1]
    reported, missing = _split(kpis, ordinals, at)
    last_complete = None
    for earlier in reversed([o for o in every if o < at]):
        done, left = _split(kpis, ordinals, earlier)
        if len(left) * 10 <= len(done) + len(left):
            last_complete = Quarter.from_ordinal(earlier)
            break
    return QuarterReturn(Quarter.from_ordinal(at), tuple(reported), tuple(missing),
                         last_complete)


def home_figures(observations, force: str) -> dict[str, list[Quarter]]:
    """KPI id → the quarters `force` has a figure for, from loaded observations: a quarter's
    value or the 12 months ending with it (the ONS tables publish only those)."""
    import polars as pl

    figure = pl.col("value").is_finite() | pl.col("value_12m").is_finite()
    frame = (observations.frame.filter((pl.col("force") == force) & figure.fill_null(False))
             .select("kpi", "period").unique())
    found: dict[str, list[Quarter]] = {}
    for kpi, period in frame.iter_rows():
        found.setdefault(kpi, []).append(Quarter.from_date(period))
    return found


def newest_quarter(observations) -> Quarter | None:
    """The newest quarter of any row loaded, any force's: the quarter the views open on."""
    periods = observations.frame.get_column("period")
    newest = periods.max() if len(periods) else None
    return Quarter.from_date(newest) if newest is not None else None


def newest_return(config, observations) -> QuarterReturn:
    """The home force's return for the newest quarter loaded."""
    return quarter_return(config.framework.kpis,
                          home_figures(observations, config.settings.home_force),
                          newest_quarter(observations))
