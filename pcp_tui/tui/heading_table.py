"""A heading's table of KPIs, as the detail pane shows it for a section, an objective or a
priority: each KPI's status mark, title, latest figure and target, laid out for the pane's
width (the target is left out below 64 columns, and the figures are written as compactly as
the tree's when the titles would have too little room beside them)."""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from pcp_tui.framework import Kpi, PlanNode
from pcp_tui.render import literal
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.cell_table import TableRows
from pcp_tui.tui.plan_items import status_value
from pcp_tui.tui.tones import kpi_mark

LATEST_CAP = 20  # a node's latest column; a wider figure is cut
TITLE_ROOM = 20  # a node's KPI titles beside it, before its figures are written compact
WITH_TARGET = 64  # the narrowest pane with room for the targets


class HeadingTables:
    """Draws headings' tables, keeping each KPI's title and target cells (literal and the
    same at every quarter) for the next quarter or heading."""

    def __init__(self) -> None:
        self._cells: dict[int, tuple[Kpi, Text, Text]] = {}

    def cells(self, kpi: Kpi) -> tuple[Text, Text]:
        """The KPI's title and target words as cells (cells are copied before they are cut,
        so one serves every quarter)."""
        kept = self._cells.get(id(kpi))
        if kept is None or kept[0] is not kpi:
            kept = self._cells[id(kpi)] = (kpi, literal(kpi.title),
                                           literal(kpi.target.words(kpi.unit)))
        return kept[1], kept[2]

    def table(self, widget: Widget, node: PlanNode, assessment: Assessment,
              label: Style) -> Callable[[int], TableRows]:
        """The node's KPIs (each once) at `assessment`, as a function of the pane's width;
        `widget` gives the status marks their themed styles, `label` styles the header."""
        rows: list[list[Text]] = []
        statuses = []
        for kpi in node.distinct_kpis():
            status = assessment.home_statuses[kpi.id]
            statuses.append(status)
            glyph, style = kpi_mark(widget, status)
            title, target = self.cells(kpi)
            rows.append([Text(glyph.char, style=style), title, Text(status_value(status)),
                         target])
        header = [Text(""), Text("KPI", style=label), Text("latest", style=label),
                  Text("target", style=label)]

        def widest(cells: list[Text]) -> int:
            # the node's widest figure with its mark, whole (`44,804 (12 months)`)
            return min(LATEST_CAP, max(cell.cell_len for cell in [header[2], *cells]))

        def table(width: int) -> TableRows:
            if width >= WITH_TARGET:
                latest = widest([row[2] for row in rows])
                room = width - 1 - latest - 3 * 2
                widths = [1, room - room * 2 // 5, latest, room * 2 // 5]
                return TableRows([header, *rows], widths, ["left", "left", "right", "left"])
            body, latest = [row[:3] for row in rows], widest([row[2] for row in rows])
            if width - 1 - latest - 2 * 2 < TITLE_ROOM:
                # the figures as compact as the tree's (`44,804 12m`), to leave the titles room
                compact = [Text(status_value(status, compact=True)) for status in statuses]
                body = [[*row[:2], figure] for row, figure in zip(rows, compact)]
                latest = widest(compact)
            widths = [1, max(8, width - 1 - latest - 2 * 2), latest]
            return TableRows([header[:3], *body], widths, ["left", "left", "right"])

        return table
