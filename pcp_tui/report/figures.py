"""What each of the paper's charts shows, taken once from the assessment: the quarterly series,
the target, the baseline window, the SPC centre line and limits (with the points where they were
rebased), a survey's confidence band and the notes written against the KPI. `charts.py` draws
it; every format draws the same figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from pcp_tui.framework import Threshold, Trajectory, Unit
from pcp_tui.periods import Quarter, Window
from pcp_tui.render import national_heading, number_text
from pcp_tui.rules.national import NationalPosition, judgement_words

if TYPE_CHECKING:
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment, KpiStatus

MAX_QUARTERS = 20  # five years of quarters: the baseline year stays in view


@dataclass(frozen=True)
class Marker:
    """A note drawn on the chart: its number in the legend, the quarter it is for."""

    number: int
    index: int
    quarter: str
    text: str  # `reflection by A. Analyst: Homicides are …` (shortened)


@dataclass(frozen=True)
class Figure:
    id: str  # unique in the paper: `fig-3`
    number: int
    title: str
    unit: Unit
    y_label: str  # the axis title: the unit in words
    quarters: tuple[Quarter, ...]
    values: tuple[float | None, ...]
    lower: tuple[float | None, ...]  # a survey estimate's confidence interval, or ()
    upper: tuple[float | None, ...]
    mean: tuple[float | None, ...]  # per point: the limits may be rebased
    lpl: tuple[float | None, ...]
    upl: tuple[float | None, ...]
    rebased: tuple[int, ...]  # indices where new limits start
    target: float | None
    target_label: str
    baseline: tuple[int, int] | None  # first and last index inside the baseline window
    baseline_label: str
    markers: tuple[Marker, ...]
    status_word: str  # the glyph word of the latest point: red, amber, green, signal, …
    status_style: str

    @property
    def has_data(self) -> bool:
        return any(v is not None for v in self.values)

    def fmt(self, value: float | None) -> str:
        return number_text(self.unit, value)

    @property
    def alt(self) -> str:
        """The chart in words: its text alternative and its caption."""
        points = [(q, v) for q, v in zip(self.quarters, self.values) if v is not None]
        if not points:
            return f"{self.title}: no figures to chart."
        (first, _), (last, latest) = points[0], points[-1]
        low = min(points, key=lambda p: p[1])
        high = max(points, key=lambda p: p[1])
        parts = [
            f"{self.title}, {self.y_label}, quarterly from {first.label} to {last.label}",
            f"latest {self.unit.format(latest)} in {last.label} ({self.status_word})",
            f"lowest {self.unit.format(low[1])} in {low[0].label}, highest "
            f"{self.unit.format(high[1])} in {high[0].label}",
        ]
        if self.target is not None:
            parts.append(f"target line {self.target_label}")
        if self.baseline is not None:
            parts.append(f"baseline {self.baseline_label} shaded")
        means = [m for m in self.mean if m is not None]
        if means:
            last_mean = next(m for m in reversed(self.mean) if m is not None)
            lo = next((v for v in reversed(self.lpl) if v is not None), None)
            hi = next((v for v in reversed(self.upl) if v is not None), None)
            parts.append(f"SPC mean {self.fmt(last_mean)}, process limits {self.fmt(lo)} to "
                         f"{self.fmt(hi)}")
        if self.rebased:
            parts.append("limits rebased at " + ", ".join(self.quarters[i].label
                                                          for i in self.rebased))
        if any(v is not None for v in self.lower):
            parts.append("the shaded band is the survey's confidence interval")
        if self.markers:
            parts.append(f"{len(self.markers)} dated note{'s' if len(self.markers) > 1 else ''}"
                         " marked")
        return "; ".join(parts) + "."


def _window(kpi, settings) -> Window | None:  # noqa: ANN001 - the framework's own types
    if isinstance(kpi.target, Trajectory):
        return kpi.target.baseline
    return settings.baselines.get("plan" if kpi.objective is not None else "national")


def build_figure(assessment: Assessment, status: KpiStatus, notes: Sequence[Note],
                 number: int, style: str, word: str) -> Figure:
    kpi = status.kpi
    force = status.force
    history = assessment.history(kpi.id, force)[-MAX_QUARTERS:]
    quarters = tuple(q for q, _ in history)
    index = {q: i for i, q in enumerate(quarters)}
    values = tuple(v for _, v in history)

    lower: list[float | None] = []
    upper: list[float | None] = []
    if status.latest_lower is not None and quarters:
        frame = assessment.timeline.observations.frame.filter(
            (pl.col("kpi") == kpi.id) & (pl.col("force") == force)
            & pl.col("lower").is_not_null())
        bands = {Quarter.from_date(d): (lo, hi) for d, lo, hi in
                 frame.select("period", "lower", "upper").iter_rows()}
        lower = [bands.get(q, (None, None))[0] for q in quarters]
        upper = [bands.get(q, (None, None))[1] for q in quarters]

    mean: list[float | None] = [None] * len(quarters)
    lpl: list[float | None] = [None] * len(quarters)
    upl: list[float | None] = [None] * len(quarters)
    rebased = []
    # limits on the change each quarter do not belong on a chart of the levels
    if status.spc.limits_on_values:
        previous = None
        for quarter, m, lo, hi in assessment.spc_limits(kpi.id, force):
            i = index.get(quarter)
            if previous is not None and m is not None and abs(m - previous) > 1e-9 \
                    and i is not None:
                rebased.append(i)
            previous = m
            if i is not None:
                mean[i], lpl[i], upl[i] = m, lo, hi

    target = kpi.target
    target_value = None
    target_label = ""
    if isinstance(target, Threshold):
        target_value = target.value
        target_label = target.words(kpi.unit)
    elif status.milestone_planned is not None:
        target_value = status.milestone_planned
        target_label = f"{kpi.unit.format(status.milestone_planned)} planned for " \
                       f"{status.as_of.label}"

    window = _window(kpi, assessment.config.settings)
    baseline = None
    if window is not None:
        inside = [i for i, q in enumerate(quarters) if window.first <= q <= window.last]
        if inside:
            baseline = (inside[0], inside[-1])

    markers = []
    for note in sorted((n for n in notes if n.subject == kpi.id), key=lambda n: n.as_quarter):
        i = index.get(note.as_quarter)
        if i is None:
            continue
        text = " ".join(note.text.split())
        text = text if len(text) <= 90 else text[:89] + "…"
        markers.append(Marker(len(markers) + 1, i, note.quarter,
                              f"{note.kind} by {note.author or 'unknown author'}: {text}"))

    return Figure(
        id=f"fig-{number}", number=number, title=kpi.title, unit=kpi.unit,
        y_label=kpi.unit.words, quarters=quarters, values=values,
        lower=tuple(lower), upper=tuple(upper), mean=tuple(mean), lpl=tuple(lpl),
        upl=tuple(upl), rebased=tuple(rebased), target=target_value, target_label=target_label,
        baseline=baseline, baseline_label=window.label if window else "",
        markers=tuple(markers), status_word=word, status_style=style,
    )


@dataclass(frozen=True)
class FunnelFigure:
    """The home force among every force with a figure for the window: each force's rate
    against its population, the national rate and the 95 % and 99.8 % funnel limits (widened
    by the between-force variance τ² the position carries). `charts.funnel_svg` draws it."""

    id: str  # unique in the paper: `funnel-2`
    number: int
    kpi_title: str
    position: NationalPosition
    names: dict[str, str]  # force id → the name to label it with (data text)
    better: int  # +1 higher is better, −1 lower is, 0 neither
    window: str  # `the 12 months to 2019/20 Q3; from published 12-month figures`

    @property
    def title(self) -> str:
        return f"Funnel plot {self.number}: {self.kpi_title}, all forces"

    @property
    def y_label(self) -> str:
        return f"Rate {self.position.basis_words}"

    @property
    def home_name(self) -> str:
        return self.names.get(self.position.force, self.position.force)

    @property
    def alt(self) -> str:
        """The chart in words: its text alternative and its caption."""
        p, fun = self.position, self.position.funnel
        lowest, highest = p.forces[0], p.forces[-1]
        spread = (f"the limits are widened for the spread between forces (τ = "
                  f"{fun.tau:,.2f} {p.basis_words})" if fun.overdispersed else
                  "no spread between forces beyond chance, so the limits are Poisson's")
        rank = f", rank {p.home.rank} of {p.n}" if p.home.rank else ""
        return (
            f"{self.kpi_title}, {self.window}: the rate {p.basis_words} of each of the {p.n} "
            f"forces with a figure against its population; the national rate is "
            f"{fun.target:,.2f}, with funnel limits at 95 % and 99.8 % that narrow as the "
            f"population grows; {spread}. {self.home_name}, marked, has {p.home.rate:,.2f} "
            f"for a population of {p.home.population:,.0f}{rank}: "
            f"{judgement_words(p, self.better)}. Rates run from {lowest.rate:,.2f} "
            f"({self.names.get(lowest.force, lowest.force)}) to {highest.rate:,.2f} "
            f"({self.names.get(highest.force, highest.force)}).")


def build_funnels(statuses: Sequence[KpiStatus], names: dict[str, str]) -> tuple[FunnelFigure,
                                                                                  ...]:
    """A funnel for each KPI with a national position, in the order given."""
    out = []
    for status in statuses:
        if status.national is None:
            continue
        out.append(FunnelFigure(
            id=f"funnel-{len(out) + 1}", number=len(out) + 1, kpi_title=status.kpi.title,
            position=status.national, names=names,
            better={"higher": 1, "lower": -1}.get(status.kpi.better, 0),
            window=national_heading(status.national)))
    return tuple(out)
