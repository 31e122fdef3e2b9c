"""`n`: write a reflection or a planned action on a KPI or national priority for a quarter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static, TextArea

from pcp_tui.render import literal


@dataclass(frozen=True)
class NoteDraft:
    kind: str  # reflection | action
    text: str


class NoteEditor(ModalScreen[NoteDraft | None]):
    """A modal editor; dismisses with the draft, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save the note", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
        & > Vertical {
            width: 80;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-align: left;
            background: $surface;
            padding: 0 1;
        }
        & #note-about { height: auto; }
        & RadioSet { layout: horizontal; height: auto; width: auto; }
        & TextArea { height: 10; min-height: 3; }
        & #note-buttons { height: auto; align-horizontal: right; }
        & Button { margin: 0 0 0 1; }
    }
    """

    def __init__(self, subject_title: str, quarter_label: str) -> None:
        super().__init__()
        self.subject_title = subject_title
        self.quarter_label = quarter_label

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Note for {self.quarter_label}"
            box.border_subtitle = "Ctrl+S saves · Esc cancels"
            about = Text("On ")
            about.append_text(literal(self.subject_title, style="bold"))
            yield Static(about, id="note-about")
            with RadioSet(id="note-kind"):
                yield RadioButton("Reflection", value=True, id="kind-reflection")
                yield RadioButton("Planned action", id="kind-action")
            yield TextArea(id="note-text", soft_wrap=True, tab_behavior="focus")
            with Horizontal(id="note-buttons"):
                yield Button("Save", variant="primary", id="note-save")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        self._mark_kind()
        self.query_one(TextArea).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._mark_kind()

    def _mark_kind(self) -> None:
        """Say which kind is chosen in words too: the radio dots differ only by colour."""
        chosen = self.kind
        for button, kind, words in ((self.query_one("#kind-reflection", RadioButton),
                                     "reflection", "Reflection"),
                                    (self.query_one("#kind-action", RadioButton), "action",
                                     "Planned action")):
            button.label = Text(f"{words} ✓" if kind == chosen else words)

    @property
    def kind(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return "action" if pressed is not None and pressed.id == "kind-action" else "reflection"

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("A note needs some text.", severity="warning", markup=False)
            return
        self.dismiss(NoteDraft(self.kind, text))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "note-save":
            self.action_save()
        else:
            self.action_cancel()
