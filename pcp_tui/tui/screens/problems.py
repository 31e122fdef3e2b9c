"""The data files' problems: file, row, column, what was found and what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from pcp_tui.dataset import Problem
from pcp_tui.render import literal


class ProblemsScreen(ModalScreen[None]):
    """Every Problem the loader found, shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close the problems", id="problems.close"),
    ]

    DEFAULT_CSS = """
    ProblemsScreen {
        align: center middle;
        & > Vertical {
            width: 95%;
            height: 90%;
            border: round $warning;
            border-title-align: left;
            border-title-color: $text-warning;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
        }
        & DataTable { height: 1fr; }
        & Static { height: auto; padding: 0 1; color: $pcp-text-muted; }
    }
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            count = len(self.problems)
            box.border_title = f"{count} problem{'s' if count != 1 else ''} in the data files"
            box.border_subtitle = "Esc closes"
            yield Static(Text("The rows named here were left out; everything else loaded. "
                              "Fix the file and it reloads by itself (or press r)."))
            yield DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#problems-table", DataTable)
        rows = [(literal(problem.file_label),
                 Text("" if problem.row is None else str(problem.row)),
                 literal(problem.column or ""), literal(problem.found),
                 literal(problem.expected)) for problem in self.problems]
        widths = column_widths(self.app.size.width * 95 // 100 - 2,
                               [max((row[i].cell_len for row in rows), default=0)
                                for i in range(3)])
        for label, width in zip(("file", "row", "column", "found", "expected"), widths):
            table.add_column(Text(label), key=label, width=width)
        for row in rows:
            # a row as tall as its wrapped text: every message is read whole
            table.add_row(*row, height=None)
        table.focus()


def column_widths(room: int, needed: list[int]) -> tuple[int, int, int, int, int]:
    """file, row, column, found, expected for a dialog `room` cells wide: the file, row and
    column get what their longest needs (up to a third, a tenth and a sixth of the room),
    the two messages share the rest and wrap in it."""
    cells = 5 * 2 + 1  # DataTable pads each cell by one either side; the scroll bar
    file = max(4, min(needed[0], room // 3))
    row = max(3, min(needed[1], room // 10))
    column = max(6, min(needed[2], room // 6))
    rest = max(20, room - cells - file - row - column)
    found = rest * 2 // 5
    return file, row, column, found, rest - found
