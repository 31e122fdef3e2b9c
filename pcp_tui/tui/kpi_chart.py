"""What the detail pane's chart draws for one KPI, and the legend that names it: the series
with its SPC marks, and the plan's marks read from the KPI's target, its status, its
confidence intervals, its rebased limits and the quarters of its notes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from pcp_tui.framework import Milestone, Threshold, Trajectory
from pcp_tui.periods import Quarter
from pcp_tui.rules.explain import NO_SPC_WORDS
from pcp_tui.rules.status import KpiStatus
from pcp_tui.tui.series import SeriesPoint
from pcp_tui.tui.widgets.history_chart import ChartData


def kpi_chart(status: KpiStatus, history: Sequence[SeriesPoint],
              marks: dict[Quarter, str | None], noted: tuple[Quarter, ...]) -> ChartData:
    """The chart of one KPI's history up to the status's as-of quarter."""
    kpi = status.kpi
    spc = status.spc
    # limits and marks on the change each quarter are not drawn over the levels
    chart_marks = marks if spc.method == "xmr" else {}
    show_limits = spc.limits_on_values
    planned = planned_path(status, history)
    baseline = kpi.target.baseline if isinstance(kpi.target, Trajectory) else None
    return ChartData(
        unit=kpi.unit,
        points=tuple((p.quarter, p.value, chart_marks.get(p.quarter)) for p in history),
        mean=spc.mean if show_limits else None,
        lower=spc.lpl if show_limits else None,
        upper=spc.upl if show_limits else None,
        target=kpi.target.value if isinstance(kpi.target, Threshold) else None,
        planned=planned,
        goal=status.milestone_goal if planned else None,
        baseline=(baseline.first, baseline.last) if baseline is not None else None,
        band=tuple((p.quarter, p.lower, p.upper) for p in history
                   if p.lower is not None and p.upper is not None
                   and math.isfinite(p.lower) and math.isfinite(p.upper)),
        rebased=(tuple(q for q in kpi.spc_rebase if q <= status.as_of)
                 if spc.method == "xmr" else ()),
        notes=noted,
    )


def planned_path(status: KpiStatus, history: Sequence[SeriesPoint]) -> tuple:
    """A milestone's straight path from its start level to its goal, every quarter from the
    start to the deadline."""
    target = status.kpi.target
    if not isinstance(target, Milestone) or status.milestone_goal is None:
        return ()
    start_value = target.start_value
    if start_value is None:
        start_value = status.milestone_start
    if start_value is None:
        start_value = next((p.value for p in history if p.quarter == target.start), None)
    if start_value is None:
        return ()
    goal = status.milestone_goal
    span = max(1, target.deadline.ordinal - target.start.ordinal)
    return tuple(
        (Quarter.from_ordinal(ordinal),
         start_value + (goal - start_value) * (ordinal - target.start.ordinal) / span)
        for ordinal in range(target.start.ordinal, target.deadline.ordinal + 1))


def chart_legend(status: KpiStatus, data: ChartData, line_style: Callable[[str], Style],
                 label: Style, signal: Style) -> Text:
    """One entry for each thing the chart draws, then why SPC is not drawn where it is not."""
    kpi = status.kpi
    unit = kpi.unit
    spc = status.spc
    text = Text()

    def item(char: str, style: Style, words: str) -> None:
        if text:
            text.append("  ")
        text.append(char, style=style)
        text.append(f" {words}", style=label)

    item("⣀", line_style("series"),
         "published 12-month figures" if status.twelve_month_only else "quarterly values")
    if data.target is not None:
        item("━", line_style("target"), f"target {unit.format_target(data.target)}")
    if data.planned and isinstance(kpi.target, Milestone):
        item("·", line_style("target"), f"planned path from {kpi.target.start.label}")
        item("╌", line_style("target"),
             f"goal {unit.format(data.goal)} (◎ by {kpi.target.deadline.label})")
    if data.baseline is not None and isinstance(kpi.target, Trajectory):
        item("═", line_style("target"), f"baseline {kpi.target.baseline.label}")
    if data.band:
        item("░", line_style("band"), "95% confidence interval")
    if spc.limits_on_values:
        item("─", line_style("mean"), f"mean {unit.format(spc.mean)}")
        item("┄", line_style("limits"), f"limits {unit.format(spc.lpl)} to {unit.format(spc.upl)}")
    if data.rebased:
        item("┆", line_style("rebase"),
             "limits rebased from " + ", ".join(q.label for q in data.rebased))
    if data.notes:
        item("✎", line_style("note"), "a note" if len(data.notes) == 1 else "notes")
    if any(mark for _, _, mark in data.points):
        item("◆", signal, "special cause")
    if status.twelve_month_only:
        text.append("\nno control limits: consecutive 12-month totals share nine months, "
                    "so the XmR rules do not apply", style=label)
    elif spc.on_increments:
        text.append("\nSPC is on the change from quarter to quarter, not drawn over the "
                    "levels (a cumulative or planned series rises by design)", style=label)
    elif spc.method == "none":
        text.append(f"\n{NO_SPC_WORDS}", style=label)
    return text
