"""Writing, editing and withdrawing notes from the app (`n`, `e`): the editor and the choices
are screens of their own, imported when first opened. The notes file only ever gains lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pcp_tui.notes import NotesError
from pcp_tui.tui.plan_items import PlanItem
from pcp_tui.tui.widgets.kpi_detail import KpiDetail

if TYPE_CHECKING:
    from pcp_tui.tui.screens.note_editor import NoteDraft


class NoteActions:
    """The app's note keys. A mixin of `PcpApp`: it uses the app's notes, framework, as-of
    quarter and author, and pushes the note screens."""

    config: Any
    notes_log: Any
    notes: Any
    as_of: Any
    author: str | None
    query_one: Any
    tell: Any
    push_screen: Any

    def action_note(self) -> None:
        item = self.query_one(KpiDetail).item
        if item is None or item.note_subject is None or self.as_of is None:
            self.tell("Notes are written on a KPI, or on a national priority (press p to "
                        "group by priority).", severity="warning")
            return
        priorities = self._priorities_of(item)
        if not priorities:
            self._write_note(item)
            return
        from pcp_tui.tui.screens.note_subject import NoteSubjectScreen

        def chosen(choice: PlanItem | None) -> None:
            if choice is not None:
                self._write_note(choice)

        self.push_screen(NoteSubjectScreen([item, *priorities]), chosen)

    def _priorities_of(self, item: PlanItem) -> list[PlanItem]:
        """The national priorities a KPI serves, as items a note can be about."""
        if item.kind != "kpi" or item.kpi is None:
            return []
        from pcp_tui.tui.plan_items import plan_item

        return [plan_item(node) for node in self.config.framework.by_priority()
                if node.id in item.kpi.priorities]

    def _write_note(self, item: PlanItem) -> None:
        from pcp_tui.tui.screens.note_editor import NoteEditor

        if self.as_of is None or item.note_subject is None:
            return
        quarter = self.as_of
        subject = item.note_subject

        def save(draft: NoteDraft) -> None:  # in the editor: a failure keeps it open
            self.notes_log.add(subject, quarter, draft.kind, draft.text, author=self.author)

        def saved(draft: NoteDraft | None) -> None:
            if draft is None:
                return
            self.notes.invalidate()
            self.query_one(KpiDetail).show()
            self.tell(f"Note saved for {quarter.label}.", timeout=3)

        self.push_screen(NoteEditor(item.title, quarter.label, save=save, subject=subject,
                                    saved_to=self.notes_log.path), saved)

    def action_change_note(self) -> None:
        """Pick one of the notes the detail pane shows; edit it (a new version) or withdraw it
        (after a confirmation). The notes file only ever gains lines."""
        from pcp_tui.tui.screens.note_choice import WITHDRAW, ConfirmWithdraw, NoteChoiceScreen
        from pcp_tui.tui.screens.note_editor import NoteEditor

        item = self.query_one(KpiDetail).item
        subject = item.note_subject if item is not None else None
        notes = self.notes.shown(subject, self.as_of.label if self.as_of else "") if subject \
            else []
        if item is None or not notes:
            self.tell("No notes here to change: notes are written with n on a KPI or a "
                      "national priority.", severity="warning")
            return
        log, author = self.notes_log, self.author

        def changed(words: str) -> None:
            self.notes.invalidate()
            self.query_one(KpiDetail).show()
            self.tell(words, timeout=3)

        def confirmed(note, yes: bool | None) -> None:
            if not yes:
                return
            try:
                log.withdraw(note.id, author=author)
            except (NotesError, OSError) as err:
                self.tell(f"The note was not withdrawn: {err}", severity="error")
                return
            changed("Note withdrawn; the notes file keeps every version.")

        def chosen(choice) -> None:
            if choice is None:
                return
            what, note = choice
            if what == WITHDRAW:
                self.push_screen(ConfirmWithdraw(note), lambda yes: confirmed(note, yes))
                return
            self.push_screen(NoteEditor(
                item.title, note.quarter, subject=note.subject, saved_to=log.path, editing=note,
                save=lambda draft: log.edit(note.id, draft.text, author=author)),
                lambda draft: draft is not None and changed("New version of the note saved."))

        self.push_screen(NoteChoiceScreen(item.title, notes), chosen)
