"""The notes file as the detail pane reads it: once, and again only after a write or a reload."""

from __future__ import annotations

from pcp_tui.notes import Note


class NotesShelf:
    """The notes file read once and again only after a write or a reload (not per keypress)."""

    def __init__(self, read) -> None:  # read: () -> list[Note]
        self._read = read
        self._notes: list[Note] | None = None
        self.error: str | None = None
        self.generation = 0  # counts the invalidations: what is drawn from the notes is kept
        # only as long as it stays the same

    def invalidate(self) -> None:
        self._notes = None
        self.generation += 1

    def for_subject(self, subject: str) -> list[Note]:
        if self._notes is None:
            try:
                self._notes = self._read()
                self.error = None
            except Exception as err:  # a damaged or foreign notes file must not stop the app
                self._notes = []
                self.error = str(err)
        return [note for note in self._notes if note.subject == subject]

    def shown(self, subject: str, as_of: str) -> list[Note]:
        """The subject's notes in the order the pane lists them: the `as_of` quarter's first,
        then the rest, newest first."""
        notes = self.for_subject(subject)
        return ([n for n in reversed(notes) if n.quarter == as_of]
                + [n for n in reversed(notes) if n.quarter != as_of])
