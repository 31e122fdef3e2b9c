"""The analyst's reflections and planned actions: an append-only log that never loses a note.

Format: UTF-8 JSON lines. The first line is a header naming the format and its version; every
other line is one note with a SHA-256 checksum of its own content. Writing a note appends one
line under an exclusive lock (so two copies of the app can write at once), then flushes and
fsyncs before `add()` returns: a note acknowledged is on disk. Every write is checked to the
last byte; when the disk is full (or any write or fsync fails) the file is cut back to its size
before the note and `add()` raises, so nothing is acknowledged that is not whole on disk. A line
cut short by a crash fails to parse or fails its checksum and is skipped when reading (reported,
never shown as a note); the next write starts on a fresh line, so it cannot damage the notes
after it.

Nothing is ever rewritten. Editing a note appends a new version with the same `id` (`change`
"edit"); withdrawing it appends a version with `change` "withdraw" and the text it had. Reading
gives the latest version of each note and leaves withdrawn notes out; `history()` gives every
version. A reflection on a KPI may be offered as a national priority's commentary
(`offered_to` = `priority:<id>`), so the analyst need not write it twice. These three fields
are optional: a line without them is a first version, written as it is.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import json
import os
import re
import tempfile
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from pcp_tui.periods import Quarter

FORMAT = "pcp-tui-notes"
VERSION = 1
KINDS = ("reflection", "action")
CHANGES = ("add", "edit", "withdraw")
MAX_TEXT = 20_000

try:  # POSIX advisory locks; Windows falls back to msvcrt below
    import fcntl
except ImportError:  # pragma: no cover - not on the machines this runs on
    fcntl = None  # type: ignore[assignment]


class NotesError(Exception):
    """The notes file cannot be used; the message says why and what to do.

    `exit_status` is 2 when the path is the wrong thing (a folder, not a notes file, a newer
    format, a note that is refused): choose another file or fix the note."""

    exit_status = 2


class NotesIOError(NotesError):
    """The machine refused (disk full, no permission, a read-only disk, an I/O error); nothing
    was written. Exit status 1: the command was right, the disk would not take it."""

    exit_status = 1


def notes_os_error(path: Path, err: OSError, doing: str) -> NotesError:
    """An OSError on the notes file as a message that says what happened and what to do."""
    code = err.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return NotesIOError(
            f"disk full: the disk holding {path} has no room for the note, so the note was "
            "not saved and the notes file is as it was. Free some space and save it again.")
    if code in (errno.EACCES, errno.EPERM):
        return NotesIOError(
            f"{path} cannot be {doing}: permission denied (a read-only file or folder, or "
            "one owned by someone else). Nothing was saved. Choose a notes file you can "
            "write with --notes FILE or settings.notes_file.")
    if code == errno.EROFS:
        return NotesIOError(
            f"{path} cannot be {doing}: it is on a read-only file system. Nothing was saved. "
            "Choose another notes file with --notes FILE or settings.notes_file.")
    if code == errno.EISDIR:
        return NotesError(
            f"{path} is a folder, not a notes file; it was left untouched. Give a file name "
            "with --notes FILE or settings.notes_file (for example notes.jsonl in that folder).")
    if code in (errno.ENOTDIR, errno.EEXIST):
        return NotesError(
            f"{path} cannot be {doing}: a part of its folder path is a file, not a folder. "
            "Choose another notes file with --notes FILE or settings.notes_file.")
    return NotesIOError(f"{path} cannot be {doing} ({err.strerror or err}); nothing was saved.")


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise: a short write is carried on from where it stopped, and a
    write that takes nothing is a full disk."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    subject: str  # a KPI id, or `priority:<id>` for a national priority
    quarter: str  # `2021/22 Q2`
    kind: str  # reflection | action
    text: str
    author: str
    written_at: str  # ISO 8601, UTC
    change: str = "add"  # add | edit | withdraw: what this version did
    offered_to: str = ""  # `priority:<id>` when a KPI's reflection stands as its commentary
    version: int = 1  # 1 for the first version, counting every version of the note

    @property
    def withdrawn(self) -> bool:
        return self.change == "withdraw"

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


def login_name() -> str:
    """Who is writing, when neither `--author` nor `settings.author` says: the login name."""
    for name in ("USER", "LOGNAME", "USERNAME"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user database entry (a container's uid)
        return ""


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
        author: str | None = None, note_id: str | None = None, offered_to: str = "",
    ) -> Note:
        """Append a note (or a new version of `note_id`) and return once it is on disk."""
        if note_id is not None:
            current = self.current(note_id)
            return self._version(current, change="edit", text=text, author=author,
                                 offered_to=offered_to or current.offered_to)
        return self._write(Note(
            id=uuid.uuid4().hex, subject=subject, quarter=quarter.label, kind=kind, text=text,
            author=author or "", written_at="", offered_to=offered_to))

    def edit(self, note_id: str, text: str, *, author: str | None = None) -> Note:
        """A new version of the note with `text`; the old version stays in the file."""
        return self._version(self.current(note_id), change="edit", text=text, author=author)

    def withdraw(self, note_id: str, *, author: str | None = None) -> Note:
        """Withdraw the note: a last version that says so, keeping its text; nothing is cut."""
        current = self.current(note_id)
        return self._version(current, change="withdraw", text=current.text, author=author)

    def offer(self, note_id: str, priority_subject: str, *, author: str | None = None) -> Note:
        """Offer a KPI's reflection as a national priority's commentary (`""` takes it back)."""
        current = self.current(note_id)
        if current.kind != "reflection" or current.subject.startswith("priority:"):
            raise NotesError("only a reflection on a KPI can be offered as a national "
                             "priority's commentary")
        return self._version(current, change="edit", text=current.text, author=author,
                             offered_to=priority_subject)

    def current(self, note_id: str) -> Note:
        """The latest version of the note whose id is or begins with `note_id`; a withdrawn
        note cannot be changed again."""
        notes = {n.id: n for n in self.history()}
        found = [n for i, n in notes.items() if i == note_id] or [
            n for i, n in notes.items() if len(note_id) >= 4 and i.startswith(note_id)]
        if not found:
            raise NotesError(f"no note with the id {note_id!r} in {self.path} "
                             "(note list --history shows every id)")
        if len(found) > 1:
            raise NotesError(f"{note_id!r} is the start of {len(found)} note ids; give more "
                             "of it")
        if found[0].withdrawn:
            raise NotesError(f"the note {found[0].id[:8]} was withdrawn on "
                             f"{found[0].written_at[:10]}; add a new note instead")
        return found[0]

    def _version(self, current: Note, *, change: str, text: str, author: str | None,
                 offered_to: str | None = None) -> Note:
        return self._write(Note(
            id=current.id, subject=current.subject, quarter=current.quarter, kind=current.kind,
            text=text, author=author or "", written_at="", change=change,
            offered_to=current.offered_to if offered_to is None else offered_to,
            version=current.version + 1))

    def _write(self, draft: Note) -> Note:
        kind, text = draft.kind, draft.text
        if kind not in KINDS:
            raise NotesError(f"a note is a {' or an '.join(KINDS)}, not {kind!r}")
        if not text.strip():
            raise NotesError("a note needs some text")
        if len(text) > MAX_TEXT:
            raise NotesError(f"a note holds at most {MAX_TEXT:,} characters")
        note = replace(
            draft, author=draft.author or login_name(),
            written_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        payload = asdict(note)
        if note.change == "add" and note.version == 1:  # a first version as it always was
            del payload["change"], payload["version"]
        if not note.offered_to:
            del payload["offered_to"]
        record = {"note": payload, "sha256": _checksum(payload)}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))
        return note

    def _append(self, line: bytes) -> None:
        """Append one whole line under the lock and fsync it, or leave the file as it was."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise notes_os_error(self.path.parent, err, "created as the notes folder") from None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as err:
            raise notes_os_error(self.path, err, "opened for writing") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed
            start = os.fstat(fd).st_size
            if start == 0:
                prefix = (json.dumps({"format": FORMAT, "version": VERSION}) + "\n").encode()
            else:
                self._parse_header(os.pread(fd, 4096, 0).split(b"\n", 1)[0])
                # a crash may have left a line without its newline: start a fresh one
                prefix = b"" if os.pread(fd, 1, start - 1) == b"\n" else b"\n"
            try:
                _write_all(fd, prefix + line)
                os.fsync(fd)
            except OSError as err:
                self._roll_back(fd, start)
                raise notes_os_error(self.path, err, "written") from None
        except OSError as err:  # fstat, pread or the lock
            raise notes_os_error(self.path, err, "written") from None
        finally:
            os.close(fd)

    @staticmethod
    def _roll_back(fd: int, size: int) -> None:
        """Cut off whatever part of the line reached the file. Should even this fail, the part
        is a damaged line that reading skips and the next write starts after."""
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            pass

    def _parse_header(self, first: bytes) -> None:
        try:
            header = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
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
        """Every note that stands (the latest version of each, withdrawn notes left out),
        oldest first, and any damaged lines."""
        versions, problems = self._read_versions()
        latest: dict[str, Note] = {}
        for note in versions:
            latest[note.id] = note  # dicts keep the first note's place: oldest first
        return [n for n in latest.values() if not n.withdrawn], problems

    def history(self) -> list[Note]:
        """Every version of every note, in the order written."""
        return self._read_versions()[0]

    def _read_versions(self) -> tuple[list[Note], list[NotesProblem]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], []
        except OSError as err:
            raise notes_os_error(self.path, err, "read") from None
        if not raw:
            return [], []
        lines = raw.split(b"\n")
        self._parse_header(lines[0])
        versions: list[Note] = []
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
            versions.append(note)
        return versions, problems

    @staticmethod
    def _parse_line(line: bytes) -> Note | None:
        try:
            record = json.loads(line.decode("utf-8"))
            payload = record["note"]
            if record.get("sha256") != _checksum(payload):
                return None
            fields = {key: str(payload[key]) for key in REQUIRED_FIELDS}
            fields["change"] = str(payload.get("change", "add"))
            fields["offered_to"] = str(payload.get("offered_to", ""))
            version = payload.get("version", 1)
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                return None
            note = Note(**fields, version=version)
            Quarter.parse(note.quarter)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            # RecursionError: a line of thousands of nested `[` is damage, not a crash
            return None
        if note.kind not in KINDS or note.change not in CHANGES:
            return None
        return note

    def for_subject(self, subject: str, quarter: Quarter | None = None) -> list[Note]:
        notes, _ = self.read()
        return [n for n in notes if n.subject == subject
                and (quarter is None or n.quarter == quarter.label)]


REQUIRED_FIELDS = ("id", "subject", "quarter", "kind", "text", "author", "written_at")


def priority_subject(priority_id: str) -> str:
    return f"priority:{priority_id}"


# a draft that could not be saved ---------------------------------------------------------------


def draft_file_name(subject: str, quarter_label: str, now: datetime | None = None) -> str:
    """`pcp-tui-note-draft-priority-homicide-2021-22-q2-20211126-142233.txt`: says what it is."""
    def slug(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "note"

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"pcp-tui-note-draft-{slug(subject)}-{slug(quarter_label)}-{stamp}.txt"


def draft_folders() -> list[Path]:
    """Where a draft may go when the notes file will not take it, likeliest first."""
    folders = []
    for folder in (Path.home(), Path.cwd(), Path(tempfile.gettempdir())):
        try:
            if folder.is_dir() and os.access(folder, os.W_OK) and folder not in folders:
                folders.append(folder)
        except OSError:
            continue
    return folders


def write_draft(target: Path, text: str, name: str) -> Path:
    """Write a note's text alone to a new file (never over an existing one), readable by its
    owner only; `target` may be a folder, in which case the file is `name` inside it. Returns
    the file written; raises NotesIOError saying why not."""
    path = target
    try:
        if target.is_dir():
            path = target / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise NotesIOError(f"{path} already exists; choose another file name") from None
    except OSError as err:
        raise NotesIOError(f"{path} cannot be written ({err.strerror or err}); "
                           "choose another place") from None
    try:
        _write_all(fd, text.encode("utf-8", errors="surrogatepass"))
        os.fsync(fd)
    except OSError as err:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise NotesIOError(f"{path} cannot be written ({err.strerror or err}); "
                           "choose another place") from None
    os.close(fd)
    return path
