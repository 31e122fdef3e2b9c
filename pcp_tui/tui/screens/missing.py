"""`M`: the chase list, the KPIs due a figure in the newest quarter that have none yet."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from pcp_tui.render import literal
from pcp_tui.returns import QuarterReturn


class MissingScreen(ModalScreen[None]):
    """Each missing KPI with its usual source, shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close the missing list", id="missing.close"),
    ]

    DEFAULT_CSS = """
    MissingScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            height: 80%;
            border: round $warning;
            border-title-color: $text-warning;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
        }
        & DataTable { height: 1fr; }
        & Static { height: auto; padding: 0 1; color: $pcp-text-muted; }
    }
    """

    def __init__(self, found: QuarterReturn) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Missing this quarter · {self.found.headline}"
            box.border_subtitle = "Esc closes"
            yield Static(Text("KPIs due a figure this quarter that have none yet, with "
                              "where it usually comes from."
                              if self.found.missing else "Nothing missing this quarter."))
            yield DataTable(id="missing-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#missing-table", DataTable)
        table.add_column(Text("KPI"), key="kpi")
        table.add_column(Text("usual source"), key="source")
        for kpi in self.found.missing:
            table.add_row(literal(kpi.title), literal(kpi.source), key=kpi.id)
        table.focus()
