"""The analyst's reflections and planned actions: an append-only log that never loses a note.

Format: UTF-8 JSON lines. The first line is a header naming the format and its version; every
other line is one note with a SHA-256 checksum of its own content. Writing a note appends one
line under an exclusive lock (so two copies of the app can write at once), then flushes and
fsyncs before `add()` returns: a note acknowledged is on disk. A line cut short by a crash fails
to parse or fails its checksum and is skipped when reading (reported, never shown as a note);
the next write starts on a fresh line, so it cannot damage the notes after it. Editing a note
appends a new version with the same `id`; the latest version wins when reading.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from pcp_tui.periods import Quarter

FORMAT = "pcp-tui-notes"
VERSION = 1
KINDS = ("reflection", "action")
MAX_TEXT = 20_000

try:  # POSIX advisory locks; Windows falls back to msvcrt below
    import fcntl
except ImportError:  # pragma: no cover - not on the machines this runs on
    fcntl = None  # type: ignore[assignment]


class NotesError(Exception):
    """The notes file cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    subject: str  # a KPI id, or `priority:<id>` for a national priority
    quarter: str  # `2021/22 Q2`
    kind: str  # reflection | action
    text: str
    author: str
    written_at: str  # ISO 8601, UTC

    @property
    def as_quarter(self) -> Quarter:
        return Quarter.parse(self.quarter)


@dataclass(frozen=True, slots=True)
class NotesProblem:
    line: int
    message: str


def _checksum(payload: dict[str, str]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_notes_path(config_path: Path, bundled: bool) -> Path:
    """Beside the config; for the bundled config, in the user's data folder (it is writable)."""
    if not bundled:
        return config_path.parent / "notes.jsonl"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "pcp-tui" / "notes.jsonl"


class NotesLog:
    """One notes file. Cheap to create; reads the file on each `read()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # writing ---------------------------------------------------------------------------------

    def add(
        self, subject: str, quarter: Quarter, kind: str, text: str, *,
        author: str | None = None, note_id: str | None = None,
    ) -> Note:
        """Append a note (or a new version of `note_id`) and return once it is on disk."""
        if kind not in KINDS:
            raise NotesError(f"a note is a {' or an '.join(KINDS)}, not {kind!r}")
        if not text.strip():
            raise NotesError("a note needs some text")
        if len(text) > MAX_TEXT:
            raise NotesError(f"a note holds at most {MAX_TEXT:,} characters")
        note = Note(
            id=note_id or uuid.uuid4().hex,
            subject=subject,
            quarter=quarter.label,
            kind=kind,
            text=text,
            author=author or os.environ.get("USER") or os.environ.get("USERNAME") or "",
            written_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        payload = asdict(note)
        record = {"note": payload, "sha256": _checksum(payload)}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._locked_append() as handle:
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        return note

    @contextmanager
    def _locked_append(self) -> Iterator[object]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            handle = os.fdopen(fd, "r+b", buffering=0)
        except BaseException:
            os.close(fd)
            raise
        with handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    header = {"format": FORMAT, "version": VERSION}
                    handle.write((json.dumps(header) + "\n").encode("utf-8"))
                else:
                    self._check_header(handle)
                    # a crash may have left a line without its newline: start a fresh one
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        handle.write(b"\n")
                yield handle
            finally:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _check_header(self, handle: object) -> None:
        handle.seek(0)  # type: ignore[attr-defined]
        first = handle.readline(4096)  # type: ignore[attr-defined]
        self._parse_header(first)

    def _parse_header(self, first: bytes) -> None:
        try:
            header = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError):
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise NotesError(
                f"{self.path} is not a pcp-tui notes file (its first line is not the notes "
                "header); it was left untouched. Move it aside or choose another notes file."
            )
        version = header.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise NotesError(
                f"{self.path} was written by a newer pcp-tui (notes format {version}, this "
                f"version reads {VERSION}); it was left untouched. Upgrade pcp-tui to use it."
            )

    # reading ---------------------------------------------------------------------------------

    def read(self) -> tuple[list[Note], list[NotesProblem]]:
        """Every note (latest version of each), oldest first, and any damaged lines."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], []
        except OSError as err:
            raise NotesError(f"{self.path} cannot be read: {err.strerror or err}") from None
        if not raw:
            return [], []
        lines = raw.split(b"\n")
        self._parse_header(lines[0])
        latest: dict[str, Note] = {}
        order: list[str] = []
        problems: list[NotesProblem] = []
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            note = self._parse_line(line)
            if note is None:
                problems.append(NotesProblem(
                    number, "an incomplete or damaged note (for example from a crash while "
                    "writing); it is skipped and the notes after it are kept"))
                continue
            if note.id not in latest:
                order.append(note.id)
            latest[note.id] = note
        return [latest[i] for i in order], problems

    @staticmethod
    def _parse_line(line: bytes) -> Note | None:
        try:
            record = json.loads(line.decode("utf-8"))
            payload = record["note"]
            if record.get("sha256") != _checksum(payload):
                return None
            note = Note(**{key: str(payload[key]) for key in Note.__slots__})
            Quarter.parse(note.quarter)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if note.kind not in KINDS:
            return None
        return note

    def for_subject(self, subject: str, quarter: Quarter | None = None) -> list[Note]:
        notes, _ = self.read()
        return [n for n in notes if n.subject == subject
                and (quarter is None or n.quarter == quarter.label)]


def priority_subject(priority_id: str) -> str:
    return f"priority:{priority_id}"
