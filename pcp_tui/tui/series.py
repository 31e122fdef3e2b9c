"""Each KPI's quarterly values, indexed once so that every quarter's sparkline is a slice.

The tree draws a sparkline for every KPI on each repaint after a quarter step; filtering the
observations frame per KPI would cost a Polars query each. One pass over the frame builds
sorted per-series lists; `up_to()` cuts them with a binary search.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import polars as pl

from pcp_tui.periods import Quarter
from pcp_tui.rules.figures import figure_series


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    quarter: Quarter
    value: float
    file: str
    lower: float | None = None  # a survey estimate's confidence interval
    upper: float | None = None


@dataclass
class SeriesIndex:
    """Figures per KPI × force, oldest first (nulls dropped); built lazily per force."""

    frame: pl.DataFrame
    _by_force: dict[str, dict[str, tuple[list[int], list[SeriesPoint]]]] = field(
        default_factory=dict, repr=False
    )

    def _force(self, force: str) -> dict[str, tuple[list[int], list[SeriesPoint]]]:
        if force not in self._by_force:
            # quarterly values; a series of published 12-month figures only is those
            rows = figure_series(self.frame.filter(pl.col("force") == force)).select(
                "kpi", "period", "value", "file", "lower", "upper")
            series: dict[str, tuple[list[int], list[SeriesPoint]]] = {}
            for kpi, period, value, file, lower, upper in rows.iter_rows():
                quarter = Quarter.from_date(period)
                ordinals, points = series.setdefault(kpi, ([], []))
                ordinals.append(quarter.ordinal)
                points.append(SeriesPoint(quarter, value, file, lower, upper))
            self._by_force[force] = series
        return self._by_force[force]

    def up_to(self, kpi: str, force: str, quarter: Quarter | None) -> list[SeriesPoint]:
        """The points of a series up to and including `quarter` (all of them for None)."""
        ordinals, points = self._force(force).get(kpi, ([], []))
        if quarter is None:
            return list(points)
        return points[: bisect_right(ordinals, quarter.ordinal)]

    def values_up_to(self, kpi: str, force: str, quarter: Quarter | None) -> list[float]:
        return [point.value for point in self.up_to(kpi, force, quarter)]
