"""`n`: write a reflection or a planned action on a KPI or national priority for a quarter.

The editor saves the note itself (through the `save` it is given) and closes only once the note
is on disk. When saving fails (a full disk, a read-only folder, a notes path that is a folder,
a note over the size limit) it stays open with the error and the text, and offers to write the
text to a file elsewhere, so that a draft is never thrown away.

Given a note (`editing`), it opens with that note's text and kind, and the save writes a new
version of it (the kind stays: a version changes the words, not what the note is).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static, TextArea

from pcp_tui.notes import Note, NotesError, draft_file_name, draft_folders, write_draft
from pcp_tui.render import literal


@dataclass(frozen=True)
class NoteDraft:
    kind: str  # reflection | action
    text: str


# saves a draft as a note, or raises NotesError / OSError saying why it could not
SaveNote = Callable[[NoteDraft], None]


class NoteEditor(ModalScreen[NoteDraft | None]):
    """A modal editor; dismisses with the draft once `save` has taken it, or None when
    cancelled. Without `save` it dismisses with the draft at once."""

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
            border-title-color: $text-primary;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
            padding: 0 1;
        }
        & #note-about { height: auto; }
        & #note-where { height: auto; color: $pcp-text-muted; }
        & RadioSet { layout: horizontal; height: auto; width: auto; }
        & TextArea { height: 10; min-height: 3; }
        & #note-buttons { height: auto; align-horizontal: right; }
        & Button { margin: 0 0 0 1; }

        &.-not-saved TextArea { height: 1fr; max-height: 10; }
        & #note-error { height: auto; color: $text-error; }
        & #note-elsewhere { height: auto; }
        & #draft-path { width: 1fr; }
        & #draft-saved { height: auto; color: $text-success; }
        & #draft-saved.-failed { color: $text-error; }
    }
    """

    def __init__(self, subject_title: str, quarter_label: str, *,
                 save: SaveNote | None = None, subject: str = "",
                 saved_to: Path | None = None, editing: Note | None = None) -> None:
        super().__init__()
        self.editing = editing
        self.saved_to = saved_to
        self.subject_title = subject_title
        self.quarter_label = quarter_label
        self.subject = subject
        self._save = save
        self.error: str | None = None  # why the last save failed, as shown
        self.draft_file: Path | None = None  # where the text was written instead

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = (f"Editing the note for {self.quarter_label}"
                                if self.editing else f"Note for {self.quarter_label}")
            box.border_subtitle = "Ctrl+S saves · Esc cancels"
            about = Text("On ")
            about.append_text(literal(self.subject_title, style="bold"))
            yield Static(about, id="note-about")
            if self.saved_to is not None:
                where = Text("Saved to ", style="")
                where.append_text(literal(str(self.saved_to)))
                yield Static(where, id="note-where")
            action = self.editing is not None and self.editing.kind == "action"
            with RadioSet(id="note-kind", disabled=self.editing is not None):
                yield RadioButton("Reflection", value=not action, id="kind-reflection")
                yield RadioButton("Planned action", value=action, id="kind-action")
            yield TextArea(self.editing.text if self.editing else "", id="note-text",
                           soft_wrap=True, tab_behavior="focus")
            yield Static(id="note-error")
            with Horizontal(id="note-elsewhere"):
                yield Input(id="draft-path", placeholder="a file or folder for the draft")
                yield Button("Save draft as file", id="draft-save")
            yield Static(id="draft-saved")
            with Horizontal(id="note-buttons"):
                yield Button("Save", variant="primary", id="note-save")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        for hidden in ("#note-error", "#note-elsewhere", "#draft-saved"):
            self.query_one(hidden).display = False
        self._mark_kind()
        area = self.query_one(TextArea)
        area.focus()
        if self.editing is not None:
            area.move_cursor(area.document.end)

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
        draft = NoteDraft(self.kind, text)
        if self._save is not None:
            try:
                self._save(draft)
            except (NotesError, OSError) as err:
                self._not_saved(str(err))
                return
        self.dismiss(draft)

    def _not_saved(self, reason: str) -> None:
        """Keep the text, say why, and offer a file elsewhere for it."""
        self.error = reason
        self.add_class("-not-saved")  # the text area gives up lines to the error on a small screen
        self.query_one(Vertical).border_subtitle = "Ctrl+S tries again · Esc discards the text"
        message = Text("The note was not saved: ", style="bold")
        message.append_text(literal(reason))
        message.append("\nYour text is still here. Save it again (Ctrl+S) once that is put "
                       "right, or write it to a file below; Esc discards it.")
        error = self.query_one("#note-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#note-elsewhere").display = True
        path = self.query_one("#draft-path", Input)
        if not path.value:
            folders = draft_folders()
            name = draft_file_name(self.subject or self.subject_title, self.quarter_label)
            path.value = str(folders[0] / name) if folders else name
        path.focus()

    def save_draft_elsewhere(self) -> None:
        text = self.query_one(TextArea).text
        where = self.query_one("#draft-path", Input).value.strip()
        saved = self.query_one("#draft-saved", Static)
        if not where:
            self.notify("Give a file or folder for the draft.", severity="warning",
                        markup=False)
            return
        name = draft_file_name(self.subject or self.subject_title, self.quarter_label)
        try:
            path = write_draft(Path(where).expanduser(), text, name)
        except NotesError as err:
            saved.update(literal(f"The draft was not written either: {err}"))
            saved.set_class(True, "-failed")
            saved.display = True
            return
        self.draft_file = path
        message = Text("The draft is in ", style="bold")
        message.append_text(literal(str(path)))
        command = (f"pcp-tui note edit {self.editing.id[:8]} --text -" if self.editing else
                   f"pcp-tui note add {self.subject or 'SUBJECT'} --kind {self.kind} "
                   f"--quarter {shlex.quote(self.quarter_label)} --text -")
        message.append_text(literal(
            f". It is not in the notes file yet: feed it to `{command}` to "
            f"{'save the new version' if self.editing else 'add it'}."))
        saved.update(message)
        saved.set_class(False, "-failed")
        saved.display = True
        self.notify(f"Draft written to {path}", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "draft-path":
            self.save_draft_elsewhere()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "note-save":
            self.action_save()
        elif event.button.id == "draft-save":
            self.save_draft_elsewhere()
        else:
            self.action_cancel()
