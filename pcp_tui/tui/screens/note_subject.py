"""`n` on a KPI that serves a national priority: is the note about the KPI or the priority?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pcp_tui.render import literal
from pcp_tui.tui.plan_items import PlanItem


class NoteSubjectScreen(ModalScreen[PlanItem | None]):
    """The KPI first, then each national priority it serves; Enter picks, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="note-subject.cancel"),
    ]

    DEFAULT_CSS = """
    NoteSubjectScreen {
        align: center middle;
        & > Vertical {
            width: 72;
            max-width: 100%;
            height: auto;
            border: round $primary;
            border-title-align: left;
            border-title-color: $text-primary;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
        }
        & OptionList { height: auto; max-height: 12; border: none; }
    }
    """

    def __init__(self, choices: Sequence[PlanItem]) -> None:
        super().__init__()
        self.choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "A note on…"
            box.border_subtitle = "Enter chooses · Esc cancels"
            options = []
            for index, item in enumerate(self.choices):
                words = Text("the KPI: " if item.kind == "kpi" else "the national priority: ")
                words.append_text(literal(item.title))
                options.append(Option(words, id=str(index)))
            yield OptionList(*options, id="note-subjects")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])
