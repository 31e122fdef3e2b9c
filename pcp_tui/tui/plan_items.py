"""What a line of the objective tree stands for, and the small words the views share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl
from rich.cells import cell_len

from pcp_tui.framework import Framework, Kpi, PlanNode, Unit
from pcp_tui.notes import priority_subject
from pcp_tui.rules.assess import KpiStatus, Timeline
from pcp_tui.rules.status import twelve_month_only

ItemKind = Literal["section", "objective", "sub_objective", "unplaced", "priority", "kpi"]

KIND_WORDS = {
    "section": "section",
    "objective": "objective",
    "sub_objective": "sub-objective",
    "unplaced": "national measures",
    "priority": "national priority",
    "kpi": "KPI",
}

RAG_WORDS = {"red": "red", "amber": "amber", "green": "green", "grey": "no data"}

# Short unit marks for the tree, where ` per 1,000` would crowd out the title.
_COMPACT_SUFFIX = {
    "percent": "%",
    "per-1000": "‰",
    "ratio": "×",
    "days": "d",
    "hours": "h",
    "minutes": "m",
    "seconds": "s",
}


@dataclass(frozen=True)
class PlanItem:
    """A tree line: a node of the plan (or a national priority), or a KPI under one."""

    kind: ItemKind
    id: str
    title: str
    node: PlanNode | None = None
    kpi: Kpi | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    @property
    def note_subject(self) -> str | None:
        """What a note on this line is about: a KPI id or `priority:<id>`; None otherwise."""
        if self.kind == "kpi":
            return self.id
        if self.kind == "priority":
            return priority_subject(self.id)
        return None


def plan_item(node: PlanNode) -> PlanItem:
    return PlanItem(node.kind, node.id, node.title, node=node)


def kpi_item(kpi: Kpi) -> PlanItem:
    return PlanItem("kpi", kpi.id, kpi.title, kpi=kpi)


def node_children(node: PlanNode) -> list[PlanNode | Kpi]:
    """A node's sub-objectives and direct KPIs, in the plan's order (by first KPI)."""
    entries: list[tuple[int, int, PlanNode | Kpi]] = []
    for i, kpi in enumerate(node.kpis):
        entries.append((kpi.order, i, kpi))
    for i, child in enumerate(node.children):
        first = min((k.order for k in child.walk_kpis()), default=1 << 20)
        entries.append((first, len(node.kpis) + i, child))
    return [entry for _, _, entry in sorted(entries, key=lambda e: (e[0], e[1]))]


def is_signal(status: KpiStatus) -> bool:
    """A special-cause concern on enough history (the ◆ of a monitored KPI)."""
    return status.is_signal


def compact_value(unit: Unit, value: float | None) -> str:
    if value is None:
        return "–"
    suffix = _COMPACT_SUFFIX.get(unit.id, "")
    return f"{value:,.{unit.decimals}f}{suffix}"


def status_value(status: KpiStatus, *, compact: bool = False) -> str:
    """The latest figure as the tree and the detail show it (a commitment's status in words)."""
    return figure_words(status.kpi, status.latest_value, status.comparison,
                        status.commitment_status,
                        twelve_month=status.twelve_month_only, compact=compact)


def figure_words(kpi: Kpi, latest_value: float | None, comparison: float | None,
                 commitment_status: str | None, *, twelve_month: bool,
                 compact: bool = False) -> str:
    """`status_value` from a status's parts (an as-of quarter's row of the timeline)."""
    if kpi.target.kind == "commitment":
        return (commitment_status or "–").replace("-", " ")
    unit = kpi.unit
    if twelve_month and comparison is not None:
        # only published 12-month figures: the latest of them, marked as such
        figure = compact_value(unit, comparison) if compact else unit.format(comparison)
        return f"{figure} 12m" if compact else f"{figure} (12 months)"
    return compact_value(unit, latest_value) if compact else unit.format(latest_value)


def widest_figure(timeline: Timeline, force: str, *, compact: bool = False) -> int:
    """The cells of the widest figure `status_value` gives for any KPI of `force` at any
    as-of quarter of the timeline, with its mark (`12m`): a column this wide holds every
    figure of every quarter, so stepping through them never moves it. A commitment's status
    is words, not a figure, and is left out."""
    kpis = {kpi.id: kpi for kpi in timeline.config.framework.kpis
            if kpi.target.kind != "commitment"}
    # a figure's cells grow with its size, so each KPI's smallest and largest figures (of the
    # quarters with and without a quarterly figure apart) are the widest it gives
    bounds = (
        timeline.status.filter(pl.col("force") == force)
        .group_by("kpi", "source", pl.col("latest_value").is_null().alias("no_latest"))
        .agg(*(getattr(pl.col(c), f)().alias(f"{c}_{f}")
               for c in ("latest_value", "comparison") for f in ("min", "max")))
    )
    widest = cell_len("–")  # a KPI without a figure
    for row in bounds.iter_rows(named=True):
        kpi = kpis.get(row["kpi"])
        if kpi is None:
            continue
        for end in ("min", "max"):
            latest = row[f"latest_value_{end}"]
            words = figure_words(kpi, latest, row[f"comparison_{end}"], None,
                                 twelve_month=twelve_month_only(latest, row["source"]),
                                 compact=compact)
            widest = max(widest, cell_len(words))
    return widest


def all_items(framework: Framework) -> list[PlanItem]:
    """Every objective, sub-objective, national priority and KPI once (for the palette)."""
    items: list[PlanItem] = []
    seen: set[tuple[str, str]] = set()

    def visit(node: PlanNode) -> None:
        item = plan_item(node)
        if item.key not in seen:
            seen.add(item.key)
            items.append(item)
        for child in node.children:
            visit(child)

    for node in framework.by_plan():
        visit(node)
    for node in framework.by_priority():
        visit(node)
    for kpi in framework.kpis:
        items.append(kpi_item(kpi))
    return items
