"""The notes log: append-only, crash-safe, latest version wins, never loses a note."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pcp_tui.notes import MAX_TEXT, NotesError, NotesLog, priority_subject
from pcp_tui.periods import Quarter

Q2 = Quarter(2021, 2)
Q1 = Quarter(2021, 1)


@pytest.fixture
def log(tmp_path: Path) -> NotesLog:
    return NotesLog(tmp_path / "sub" / "notes.jsonl")


def test_a_note_round_trips(log: NotesLog) -> None:
    note = log.add("homicides", Q2, "reflection", "Up by one.\nSecond line.", author="me")
    notes, problems = log.read()
    assert notes == [note]
    assert problems == []
    assert note.quarter == "2021/22 Q2"
    assert note.as_quarter == Q2
    header = json.loads(log.path.read_text(encoding="utf-8").splitlines()[0])
    assert header == {"format": "pcp-tui-notes", "version": 1}


def test_no_file_means_no_notes(tmp_path: Path) -> None:
    assert NotesLog(tmp_path / "absent.jsonl").read() == ([], [])


def test_for_subject_filters_by_subject_and_quarter(log: NotesLog) -> None:
    log.add(priority_subject("homicide"), Q2, "reflection", "a")
    log.add(priority_subject("homicide"), Q1, "action", "b")
    log.add("homicides", Q2, "action", "c")
    assert [n.text for n in log.for_subject("priority:homicide")] == ["a", "b"]
    assert [n.text for n in log.for_subject("priority:homicide", Q2)] == ["a"]
    assert [n.text for n in log.for_subject("homicides", Q1)] == []


def test_editing_appends_a_version_and_the_latest_wins(log: NotesLog) -> None:
    first = log.add("pcsos", Q2, "action", "draft")
    log.add("pcsos", Q2, "reflection", "other")
    log.add("pcsos", Q2, "action", "final", note_id=first.id)
    notes, _ = log.read()
    assert [(n.id == first.id, n.text) for n in notes] == [(True, "final"), (False, "other")]
    assert len(log.path.read_text(encoding="utf-8").splitlines()) == 4  # header + 3 versions


@pytest.mark.parametrize(("kind", "text"), [("comment", "x"), ("action", "   "),
                                             ("action", "x" * (MAX_TEXT + 1))])
def test_bad_notes_are_refused(log: NotesLog, kind: str, text: str) -> None:
    with pytest.raises(NotesError):
        log.add("pcsos", Q2, kind, text)
    assert not log.path.exists()


def test_a_line_cut_short_by_a_crash_is_skipped_and_later_notes_are_kept(
    log: NotesLog,
) -> None:
    log.add("pcsos", Q2, "action", "before")
    with log.path.open("ab") as handle:
        handle.write(b'{"note": {"id": "x", "subject": "pcs')  # no newline: the crash
    log.add("pcsos", Q2, "action", "after")
    notes, problems = log.read()
    assert [n.text for n in notes] == ["before", "after"]
    assert [p.line for p in problems] == [3]


def test_a_tampered_note_fails_its_checksum(log: NotesLog) -> None:
    log.add("pcsos", Q2, "action", "original")
    lines = log.path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("original", "forged")
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes, problems = log.read()
    assert notes == []
    assert len(problems) == 1


def test_a_file_that_is_not_a_notes_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text("quarter,text\n2021/22 Q2,hello\n", encoding="utf-8")
    log = NotesLog(path)
    with pytest.raises(NotesError, match="not a pcp-tui notes file"):
        log.add("pcsos", Q2, "action", "x")
    with pytest.raises(NotesError):
        log.read()
    assert path.read_text(encoding="utf-8") == "quarter,text\n2021/22 Q2,hello\n"


def test_a_newer_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"format": "pcp-tui-notes", "version": 99}\n', encoding="utf-8")
    with pytest.raises(NotesError, match="newer pcp-tui"):
        NotesLog(path).add("pcsos", Q2, "action", "x")


def test_text_is_kept_exactly(log: NotesLog) -> None:
    text = "[red]x[/red] | `code` <b> & \u2028 \x1b[31m ünïcödé\n\n  indented"
    log.add("pcsos", Q2, "reflection", text)
    assert log.read()[0][0].text == text


def test_writers_in_several_processes_lose_nothing(log: NotesLog) -> None:
    code = (
        "import sys\n"
        "from pcp_tui.notes import NotesLog\n"
        "from pcp_tui.periods import Quarter\n"
        "log = NotesLog(sys.argv[1])\n"
        "for i in range(25):\n"
        "    log.add('pcsos', Quarter(2021, 2), 'action', f'{sys.argv[2]}-{i}')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(log.path), f"w{n}"])
             for n in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    notes, problems = log.read()
    assert problems == []
    assert sorted(n.text for n in notes) == sorted(f"w{n}-{i}" for n in range(4)
                                                   for i in range(25))
