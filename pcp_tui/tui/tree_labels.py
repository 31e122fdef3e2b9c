"""The labels of the plan's tree: a KPI's line (status glyph, short title, latest value,
sparkline) and a heading's (its title and the rollup of its KPIs, `✖3 ▲2 ●9`), each fitted to
the cells its line has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from pcp_tui.framework import Kpi
from pcp_tui.render import sparkline, visible
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.plan_items import PlanItem, status_value, widest_figure
from pcp_tui.tui.tones import component_style, kpi_mark, rollup_text, status_mark, tone_style

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

# The value column is as wide as the widest figure the tree shows at any quarter, mark and all
# (`44,804 12m`), from room for a six-figure count with its unit (`47,795h`) up to the cap; a
# value wider still (a commitment's `not started`) takes the room from its own line's title.
VALUE_MIN, VALUE_CAP = 8, 12
# A sparkline's cells and the title cells it must leave: the sparkline goes before the title
# narrows further, and the title before the figure.
SPARK_STEPS = ((10, 24), (6, 18))


def kpi_columns(width: int, column: int, value: int) -> tuple[int, int, int]:
    """The title's, the value's and the sparkline's cells on a KPI line `width` cells wide:
    glyph, title, value, sparkline, each after a space. The value column is `column` cells
    at every line of the width, so the sparklines line up; a value of more cells takes them
    from its own title, then from its sparkline, and is cut only when no title is left."""
    rest = width - 2 - column - 1
    spark = next((cells for cells, title in SPARK_STEPS if rest - cells - 1 >= title), 0)
    title = rest - (spark + 1 if spark else 0) - max(0, value - column)
    cells = max(column, value)
    if title < 0 and spark:
        title, spark = title + spark + 1, 0
    if title < 0:
        title, cells = 0, max(0, cells + title)
    return title, cells, spark


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


class TreeLabels:
    """A mixin of `ObjectiveTree`: it reads the tree's series, home force and theme."""

    series: Any
    home_force: str
    _value_width: tuple[object, int]

    def _build_label(self, node: TreeNode[PlanItem], width: int,
                     assessment: Assessment | None) -> Text:
        item = node.data
        if item is None:
            return Text("")
        if item.kpi is not None:
            return self._kpi_label(item.kpi, width, assessment)
        return self._node_label(item, width, assessment)

    def _node_label(self, item: PlanItem, width: int, assessment: Assessment | None) -> Text:
        counts = (
            rollup_text(self, assessment.rollup(item.node))
            if assessment is not None and item.node is not None else Text()
        )
        room = width - counts.cell_len - (1 if counts else 0)
        title_style = (component_style(self, "objective-tree--section")
                       if item.kind in ("section", "unplaced", "priority") else Style())
        text = Text(_fit(visible(item.title), room).ljust(room), style=title_style,
                    no_wrap=True)
        if counts:
            text.append(" ")
            text.append_text(counts)
        return text

    def _value_column(self, assessment: Assessment) -> int:
        """The value column's cells, worked out once per timeline (a reload brings a new one)."""
        timeline = assessment.timeline
        if self._value_width[0] is not timeline:
            widest = widest_figure(timeline, self.home_force, compact=True)
            self._value_width = (timeline, min(VALUE_CAP, max(VALUE_MIN, widest)))
        return self._value_width[1]

    def _kpi_label(self, kpi: Kpi, width: int, assessment: Assessment | None) -> Text:
        text = Text(no_wrap=True)
        if assessment is None or assessment.as_of is None:
            glyph, glyph_style = status_mark(self, "grey")
            text.append(f"{glyph.char} ", style=glyph_style)
            text.append(_fit(visible(kpi.short), width - 2))
            return text
        status = assessment.home_statuses[kpi.id]
        glyph, glyph_style = kpi_mark(self, status)
        value = status_value(status, compact=True)
        title_width, value_width, spark_width = kpi_columns(
            width, self._value_column(assessment), cell_len(value))
        stale = status.freshness in ("stale", "none")
        value_style = (tone_style(self, "muted") if stale
                       else component_style(self, "objective-tree--value"))
        text.append(f"{glyph.char} ", style=glyph_style)
        text.append(_fit(visible(kpi.short), title_width).ljust(title_width))
        text.append(" ")
        text.append(_fit(value, value_width).rjust(value_width), style=value_style)
        if spark_width:
            values = self.series.values_up_to(kpi.id, self.home_force, assessment.as_of)
            spark = sparkline(values, spark_width)
            text.append(" ")
            text.append(spark.ljust(spark_width),
                        style=component_style(self, "objective-tree--spark"))
        return text
