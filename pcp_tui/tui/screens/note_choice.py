"""`e`: pick one of the notes shown for a KPI or national priority, to edit or withdraw it.

Neither changes the notes file in place: editing appends a new version of the note and
withdrawing appends a last version that says so (`NotesLog.edit`, `NotesLog.withdraw`), as
`pcp-tui note edit` and `note withdraw` do. Withdrawing asks first (`ConfirmWithdraw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from pcp_tui.notes import Note
from pcp_tui.render import literal

EDIT, WITHDRAW = "edit", "withdraw"
FIRST_LINE = 60  # characters of a note's text shown in the list


def note_line(note: Note) -> Text:
    """`2021/22 Q2 · reflection · alice · 2021-11-20: the first words of the text…`"""
    words = f"{note.quarter} · {note.kind}"
    if note.author:
        words += f" · {note.author}"
    words += f" · {note.written_at[:10]}: "
    text = " ".join(note.text.split())
    if len(text) > FIRST_LINE:
        text = text[:FIRST_LINE - 1] + "…"
    return literal(words + text)


class NoteChoiceScreen(ModalScreen[tuple[str, Note] | None]):
    """The notes as the detail pane lists them; Enter or e edits the highlighted one, w
    withdraws it, Esc cancels. Dismisses with (what to do, the note)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "choose('edit')", "Edit the note", id="note-choice.edit"),
        Binding("w", "choose('withdraw')", "Withdraw the note", id="note-choice.withdraw"),
        Binding("escape", "dismiss(None)", "Cancel", id="note-choice.cancel"),
    ]

    DEFAULT_CSS = """
    NoteChoiceScreen {
        align: center middle;
        & > Vertical {
            width: 90;
            max-width: 100%;
            height: auto;
            border: round $primary;
            border-title-align: left;
            border-title-color: $text-primary;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
        }
        & OptionList { height: auto; max-height: 14; border: none; }
    }
    """

    def __init__(self, subject_title: str, notes: Sequence[Note]) -> None:
        super().__init__()
        self.subject_title = subject_title
        self.notes = tuple(notes)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Change a note"
            box.border_subtitle = "Enter or e edits · w withdraws · Esc cancels"
            about = Text("On ")
            about.append_text(literal(self.subject_title, style="bold"))
            yield Static(about, id="note-choice-about")
            yield OptionList(*(Option(note_line(note), id=note.id) for note in self.notes),
                             id="note-choices")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.notes else None
        options.focus()

    @property
    def highlighted(self) -> Note | None:
        index = self.query_one(OptionList).highlighted
        return self.notes[index] if index is not None and index < len(self.notes) else None

    def action_choose(self, what: str) -> None:
        note = self.highlighted
        if note is not None:
            self.dismiss((what, note))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((EDIT, self.notes[event.option_index]))


class ConfirmWithdraw(ModalScreen[bool]):
    """Withdraw this note? y or the button withdraws; n, Esc or the other button keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Withdraw", id="note-withdraw.yes"),
        Binding("n,escape", "answer(False)", "Keep the note", id="note-withdraw.no"),
    ]

    DEFAULT_CSS = """
    ConfirmWithdraw {
        align: center middle;
        & > Vertical {
            width: 80;
            max-width: 100%;
            height: auto;
            border: round $warning;
            border-title-align: left;
            background: $surface;
            padding: 0 1;
        }
        & #withdraw-note { height: auto; max-height: 12; }
        & #withdraw-buttons { height: auto; align-horizontal: right; }
        & Button { margin: 0 0 0 1; }
    }
    """

    def __init__(self, note: Note) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Withdraw this note?"
            box.border_subtitle = "y withdraws · n or Esc keeps it"
            words = Text(f"{self.note.quarter} · {self.note.kind}"
                         f"{' · ' if self.note.author else ''}")
            words.append_text(literal(self.note.author))
            words.append("\n")
            words.append_text(literal(self.note.text, newlines=True))
            words.append("\n\nIt leaves the detail pane and the report; the notes file keeps "
                         "every version (note list --history shows them).")
            yield Static(words, id="withdraw-note")
            with Horizontal(id="withdraw-buttons"):
                yield Button("Withdraw", variant="warning", id="withdraw-yes")
                yield Button("Keep it", variant="primary", id="withdraw-no")

    def on_mount(self) -> None:
        self.query_one("#withdraw-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "withdraw-yes")
