"""The plan as a tree: one line per KPI (glyph, title, latest value, change, sparkline and its
range) under the plan's sections and objectives, or the national priorities, and its legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from pcp_tui.framework import Kpi, PlanNode
from pcp_tui.periods import Quarter
from pcp_tui.render import (
    ALERTING,
    LAGGING_MARK,
    LAGGING_MEANING,
    RAG_GLYPHS,
    histories,
    kpi_glyph,
    literal,
    pct_text,
    range_text,
    rollup_counts,
    sparkline,
    status_legend,
    value_text,
)

if TYPE_CHECKING:
    from pcp_tui.rules.assess import Assessment, KpiStatus


def _ordered_children(node: PlanNode) -> list[PlanNode | Kpi]:
    """A node's own KPIs, then its sub-nodes, each in the plan's order.

    Not by the KPIs' order numbers: a KPI listed under a second place (`also_in`) keeps the
    number of its first place and would pull its second node out of the plan's order.
    """
    return [*node.kpis, *node.children]


def _leaf_value(status: KpiStatus) -> Text:
    value = Text(value_text(status))
    if status.kpi.target.kind != "commitment" and status.freshness == "lagging":
        value.append(LAGGING_MARK, style="yellow")  # a stale figure has its own glyph
    return value


def kpi_line(status: KpiStatus, history: Sequence[tuple[Quarter, float]], *,
             spark_points: int = 12, value_width: int = 10, range_width: int = 13,
             national: bool = False) -> Table:
    """One KPI as a tree leaf: glyph, title, latest value, change on baseline, sparkline, range.

    The columns right of the title have fixed widths, so leaves at every depth line up. With
    `national`, the change is against the national baseline (12 months ending June 2019).
    """
    kpi = status.kpi
    glyph = kpi_glyph(status)
    values = [v for _, v in history][-spark_points:] if kpi.is_numeric else []
    line = Table.grid(padding=(0, 1, 0, 0), expand=True)
    line.add_column(width=1, no_wrap=True)
    line.add_column(ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)
    line.add_column(width=value_width, justify="right", no_wrap=True, overflow="ellipsis")
    line.add_column(width=7, justify="right", no_wrap=True)
    line.add_column(width=spark_points, no_wrap=True)
    line.add_column(width=range_width, no_wrap=True, overflow="ellipsis")
    line.add_row(
        Text(glyph.char, style=glyph.style),
        literal(kpi.short or kpi.title),
        _leaf_value(status),
        Text(pct_text(status.national_change_pct if national else status.change_pct)
             if kpi.is_numeric else ""),
        Text(sparkline(values), style=glyph.style if status.rag in ("red", "amber") else ""),
        Text(range_text(kpi.unit, values), style="dim"),
    )
    return line


class SummaryTree:
    """The plan (or the national priorities) as a Rich tree with glyphs and sparklines.

    Depth counts levels below the heading: 1 sections (or priorities), 2 objectives, 3
    sub-objectives and the KPIs placed directly under an objective, 4 every KPI.
    `only_alerts` keeps the KPIs with a breach, warning or signal alert and their ancestors.
    Below 100 columns the sparklines show 8 quarters instead of 12, to leave room for titles.
    """

    def __init__(self, assessment: Assessment, *, by: str = "plan", depth: int | None = None,
                 only_alerts: bool = False) -> None:
        self.assessment = assessment
        self.by = by
        self.depth = depth
        self.only_alerts = only_alerts

    def tree(self, width: int) -> Tree:
        assessment = self.assessment
        framework = assessment.config.framework
        settings = assessment.config.settings
        statuses = assessment.home_statuses
        series = histories(assessment)
        points = 12 if width >= 100 else 8
        flagged = {a.kpi for a in assessment.alerts if a.severity in ALERTING}
        quarter = assessment.as_of.label if assessment.as_of else "no data"
        heading = "National priorities" if self.by == "priority" else "Police and Crime Plan"
        root = Tree(Text.assemble(
            literal(settings.forces[settings.home_force].name, "bold"), " · ", heading,
            " · as of ", (quarter, "bold")), guide_style="dim")
        nodes = framework.by_priority() if self.by == "priority" else framework.by_plan()
        value_w = min(14, max((_leaf_value(s).cell_len for s in statuses.values()), default=5))
        range_w = min(17, max((len(range_text(k.unit, [v for _, v in series.get(k.id, [])]
                                              [-points:])) for k in framework.kpis), default=5))

        def keep(item: PlanNode | Kpi) -> bool:
            if not self.only_alerts:
                return True
            if isinstance(item, PlanNode):
                return any(k.id in flagged for k in item.walk_kpis())
            return item.id in flagged

        def add(parent: Tree, item: PlanNode | Kpi, level: int) -> None:
            if (self.depth is not None and level > self.depth) or not keep(item):
                return
            if isinstance(item, PlanNode):
                counts = assessment.rollup(item)
                rollup = rollup_counts(counts)
                if counts.get("monitor"):
                    if rollup:
                        rollup.append(" ")
                    rollup.append(f"{RAG_GLYPHS[None].char}{counts['monitor']}",
                                  style=RAG_GLYPHS[None].style)
                branch = parent.add(Text.assemble(
                    literal(item.title, "bold" if level == 1 else ""), "  ", rollup))
                # the national-only node stands for a section and an objective at once
                step = 2 if item.kind == "unplaced" else 1
                for child in _ordered_children(item):
                    add(branch, child, level + (step if isinstance(child, Kpi) else 1))
            else:
                parent.add(kpi_line(statuses[item.id], series.get(item.id, []),
                                    spark_points=points, value_width=value_w,
                                    range_width=range_w, national=self.by == "priority"))

        for node in nodes:
            add(root, node, 1)
        return root

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.tree(options.max_width)


def summary_tree(
    assessment: Assessment, *, by: str = "plan", depth: int | None = None,
    only_alerts: bool = False,
) -> SummaryTree:
    """See `SummaryTree`."""
    return SummaryTree(assessment, by=by, depth=depth, only_alerts=only_alerts)


def summary_legend(by: str = "plan", points: int = 12) -> Text:
    glyphs = f"{status_legend()}\n{LAGGING_MARK} {LAGGING_MEANING}"
    baseline = ("12 months ending June 2019" if by == "priority"
                else "2019/20 for the plan, 12 months ending June 2019 for national measures")
    return Text(
        f"{glyphs}\nColumns: latest figure, change of the comparison value (rolling 12 months "
        f"for counts) on the baseline ({baseline}), the last {points} quarters as a sparkline "
        "scaled "
        "to its own range, and that range.",
        style="dim",
    )
