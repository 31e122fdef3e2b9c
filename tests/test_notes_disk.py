"""A disk that refuses: full, read-only, a folder where the notes file should be, a home that
cannot be written, a data folder that cannot be listed. Nothing is claimed that was not saved.

Tests run as root in CI, where permission bits are not enforced, so refusals are made by
standing in for the system call; the few tests that use real permission bits skip under root.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pcp_tui import cli
from pcp_tui.notes import NotesError, NotesIOError, NotesLog
from pcp_tui.periods import Quarter

ROOT = Path(__file__).resolve().parents[1]
Q = Quarter(2021, 2)
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

real_write = os.write


class SmallDisk:
    """`os.write` on a disk with `room` bytes left for the notes file: a write gets what
    fits (a short write, as write(2) gives), and the next one ENOSPC. Other files are not
    touched, so the test's own output is not affected."""

    def __init__(self, path: Path, room: int, *, chunk: int | None = None) -> None:
        self.path, self.room, self.chunk = path, room, chunk
        self.calls = 0

    def _is_notes(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def __call__(self, fd: int, data) -> int:
        if not self._is_notes(fd):
            return real_write(fd, data)
        self.calls += 1
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        size = min(len(data), self.room, self.chunk or len(data))
        written = real_write(fd, bytes(data[:size]))
        self.room -= written
        return written


def note_add(config_path: Path, notes: Path, text: str, *extra: str) -> list[str]:
    return ["note", "add", "pcsos", "--kind", "action", "--quarter", "2021/22 Q2",
            "--config", str(config_path), "--notes", str(notes), "--text", text, *extra]


# a full disk ---------------------------------------------------------------------------------


def test_a_full_disk_fails_note_add_and_leaves_the_file_as_it_was(
    config_path, tmp_path, monkeypatch, capsys,
):
    notes = tmp_path / "notes.jsonl"
    NotesLog(notes).add("pcsos", Q, "reflection", "written while there was room")
    before = notes.read_bytes()
    disk = SmallDisk(notes, room=150)  # part of the next line fits, the rest does not
    monkeypatch.setattr(os, "write", disk)

    status = cli.main(note_add(config_path, notes, "a long planned action " * 40))

    out, err = capsys.readouterr()
    assert status == 1
    assert "disk full" in err
    assert "Added" not in out and "Added" not in err
    assert "unexpected error" not in err
    assert disk.calls >= 2  # the short write was carried on, and the next one refused
    assert notes.read_bytes() == before  # the part that fitted was cut off again
    saved, problems = NotesLog(notes).read()
    assert [n.text for n in saved] == ["written while there was room"]
    assert problems == []


def test_a_full_disk_on_a_new_notes_file_leaves_no_half_header(tmp_path, monkeypatch):
    notes = tmp_path / "notes.jsonl"
    monkeypatch.setattr(os, "write", SmallDisk(notes, room=20))
    with pytest.raises(NotesIOError, match="disk full"):
        NotesLog(notes).add("pcsos", Q, "action", "text")
    assert notes.read_bytes() == b""
    monkeypatch.undo()
    # once there is room, the file is used as if nothing had happened
    note = NotesLog(notes).add("pcsos", Q, "action", "again")
    assert NotesLog(notes).read() == ([note], [])


def test_a_write_that_takes_nothing_is_a_full_disk(tmp_path, monkeypatch):
    notes = tmp_path / "notes.jsonl"
    NotesLog(notes).add("pcsos", Q, "action", "first")
    before = notes.read_bytes()
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(NotesIOError, match="disk full"):
        NotesLog(notes).add("pcsos", Q, "action", "second")
    monkeypatch.undo()
    assert notes.read_bytes() == before


def test_short_writes_with_room_to_spare_still_write_the_whole_note(tmp_path, monkeypatch):
    notes = tmp_path / "notes.jsonl"
    disk = SmallDisk(notes, room=1 << 20, chunk=7)
    monkeypatch.setattr(os, "write", disk)
    note = NotesLog(notes).add("pcsos", Q, "action", "ünïcödé " * 50)
    monkeypatch.undo()
    assert disk.calls > 10
    assert NotesLog(notes).read() == ([note], [])


def test_a_failed_fsync_is_not_acknowledged(config_path, tmp_path, monkeypatch, capsys):
    notes = tmp_path / "notes.jsonl"
    NotesLog(notes).add("pcsos", Q, "action", "first")
    before = notes.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fsync)
    status = cli.main(note_add(config_path, notes, "second"))
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert status == 1
    assert "Added" not in out and "nothing was saved" in err
    assert notes.read_bytes() == before


# a notes file the machine will not let us use ---------------------------------------------


def test_a_notes_path_that_is_a_folder_is_a_clear_error(config_path, tmp_path, capsys):
    folder = tmp_path / "notes-folder"
    folder.mkdir()
    assert cli.main(note_add(config_path, folder, "text")) == 2
    err = capsys.readouterr().err
    assert "is a folder, not a notes file" in err
    assert "unexpected error" not in err and "unexpected" not in err
    assert list(folder.iterdir()) == []

    listing = ["note", "list", "--config", str(config_path), "--notes", str(folder)]
    assert cli.main(listing) == 2
    assert "is a folder, not a notes file" in capsys.readouterr().err


def _refuse(monkeypatch, target: Path, code: int = errno.EACCES) -> None:
    """Make opening `target` (or making a folder at it) fail as the kernel would."""
    real_open, real_mkdir = os.open, os.mkdir

    def refusing_open(path, flags, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    def refusing_mkdir(path, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(code, os.strerror(code), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "mkdir", refusing_mkdir)


def test_a_read_only_notes_folder_is_a_clear_failure(config_path, tmp_path, monkeypatch,
                                                    capsys):
    notes = tmp_path / "locked" / "notes.jsonl"
    notes.parent.mkdir()
    _refuse(monkeypatch, notes)
    status = cli.main(note_add(config_path, notes, "text"))
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert status == 1
    assert "permission denied" in err and "--notes FILE" in err
    assert "Added" not in out and "unexpected error" not in err
    assert not notes.exists()


def test_a_read_only_file_system_is_a_clear_failure(tmp_path, monkeypatch):
    notes = tmp_path / "notes.jsonl"

    def read_only(path, flags, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(NotesIOError, match="read-only file system"):
        NotesLog(notes).add("pcsos", Q, "action", "text")


def test_an_unwritable_home_is_a_clear_failure(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./config.toml: the bundled framework, notes under HOME
    _refuse(monkeypatch, home / ".local")
    status = cli.main(["note", "add", "pcsos", "--kind", "action", "--quarter", "2021/22 Q2",
                       "--text", "text"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 1
    assert "permission denied" in err and "notes folder" in err
    assert "unexpected error" not in err


def test_a_notes_path_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "plain").write_text("not a folder", encoding="utf-8")
    with pytest.raises(NotesError, match="not a folder") as caught:
        NotesLog(tmp_path / "plain" / "notes.jsonl").add("pcsos", Q, "action", "text")
    assert caught.value.exit_status == 2


@pytest.mark.skipif(AS_ROOT, reason="root ignores permission bits (the monkeypatched tests "
                    "above cover this)")
def test_a_really_read_only_folder(config_path, tmp_path, capsys):  # pragma: no cover - root
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert cli.main(note_add(config_path, folder / "notes.jsonl", "text")) == 1
        assert "permission denied" in capsys.readouterr().err
    finally:
        folder.chmod(0o700)


# a data folder that cannot be listed ------------------------------------------------------


def test_a_data_folder_without_read_permission_is_a_problem(config_path, tmp_path,
                                                            monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    good = tmp_path / "2021-22_Q2.csv"
    good.write_text("kpi,force,value\npcsos,west-midlands,500\n", encoding="utf-8")
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    status = cli.main(["validate", "--config", str(config_path), "--data", str(locked),
                       "--data", str(good), "--width", "200"])
    out = capsys.readouterr().out
    assert status == 1
    assert str(locked) in out and "cannot be read" in out
    assert "1 row," in out  # the readable return still loads


def test_a_data_folder_whose_files_cannot_be_looked_at_is_a_problem(config, tmp_path,
                                                                    monkeypatch):
    from pcp_tui.dataset import load_observations

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "2021-22_Q2.csv").write_text("kpi,force,value\npcsos,west-midlands,500\n",
                                           encoding="utf-8")
    real_is_file = Path.is_file

    def is_file(self):
        if self.parent == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_is_file(self)

    monkeypatch.setattr(Path, "is_file", is_file)
    observations = load_observations([folder], config)
    monkeypatch.undo()
    assert [(p.file, "cannot be read" in p.found) for p in observations.problems] == [
        (str(folder / "2021-22_Q2.csv"), True)]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_real_full_device_through_the_command(config_path):
    """/dev/full refuses every write with ENOSPC, as a full disk does: the whole command."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pcp_tui", *note_add(config_path, Path("/dev/full"), "text")],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )
    assert result.returncode == 1
    assert "disk full" in result.stderr and "Added" not in result.stdout
    assert "Traceback" not in result.stderr
