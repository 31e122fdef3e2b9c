"""Notes are never lost: killed writers, two writers at once, damaged and newer files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcp_tui.notes import NotesError, NotesLog
from pcp_tui.periods import Quarter

ROOT = Path(__file__).resolve().parents[1]
Q = Quarter(2021, 2)

# A writer that prints each note's id once `add()` has returned (the note is acknowledged).
WRITER = """
import sys
sys.path.insert(0, {root!r})
from pcp_tui.notes import NotesLog
from pcp_tui.periods import Quarter
log = NotesLog({path!r})
tag = {tag!r}
for i in range({count}):
    note = log.add("homicides", Quarter(2021, 2), "reflection", f"{{tag}} note {{i}} " + "x" * 400)
    print(note.id, flush=True)
"""


def start_writer(path: Path, tag: str, count: int) -> subprocess.Popen[str]:
    code = WRITER.format(root=str(ROOT), path=str(path), tag=tag, count=count)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_notes_acknowledged_before_a_kill_survive_it(tmp_path):
    path = tmp_path / "notes.jsonl"
    acknowledged: list[str] = []
    kills = 0
    for round_ in range(30):
        writer = start_writer(path, f"round{round_}", 10_000)
        # let it write for a moment, then kill it in the middle of whatever it is doing
        deadline = time.monotonic() + 0.05 + 0.02 * (round_ % 5)
        assert writer.stdout is not None
        while time.monotonic() < deadline:
            line = writer.stdout.readline()
            if line:
                acknowledged.append(line.strip())
        writer.send_signal(signal.SIGKILL)
        rest = writer.stdout.read()
        writer.wait()
        acknowledged += rest.split()
        kills += 1
    notes, problems = NotesLog(path).read()
    ids = {note.id for note in notes}
    assert kills == 30
    assert len(acknowledged) >= 30  # the writers really were writing when killed
    assert set(acknowledged) <= ids  # every acknowledged note is read back
    for note in notes:  # and nothing half-written is read as a note
        assert note.text.endswith("x" * 400)
    assert len(problems) <= kills  # at most one torn line per kill, each reported


def test_two_writers_at_once_lose_and_interleave_nothing(tmp_path):
    path = tmp_path / "notes.jsonl"
    writers = [start_writer(path, tag, 300) for tag in ("alpha", "beta")]
    ids = []
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        ids += out.split()
    notes, problems = NotesLog(path).read()
    assert problems == []
    assert len(notes) == 600
    assert {n.id for n in notes} == set(ids)
    for tag in ("alpha", "beta"):
        mine = [n.text.split()[2] for n in notes if n.text.startswith(tag)]
        assert mine == [str(i) for i in range(300)]  # each writer's notes in its own order


def test_a_newer_format_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.jsonl"
    original = json.dumps({"format": "pcp-tui-notes", "version": 99}) + "\n{}\n"
    path.write_text(original, encoding="utf-8")
    log = NotesLog(path)
    with pytest.raises(NotesError, match="newer pcp-tui"):
        log.read()
    with pytest.raises(NotesError, match="newer pcp-tui"):
        log.add("homicides", Q, "action", "must not be written")
    assert path.read_text(encoding="utf-8") == original


def test_a_file_that_is_not_a_notes_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("my shopping list\n", encoding="utf-8")
    with pytest.raises(NotesError, match="not a pcp-tui notes file"):
        NotesLog(path).add("homicides", Q, "action", "text")
    assert path.read_text(encoding="utf-8") == "my shopping list\n"


def test_notes_file_is_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "notes.jsonl"
    NotesLog(path).add("homicides", Q, "reflection", "text")
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_torn_last_line_does_not_damage_the_next_note(tmp_path):
    path = tmp_path / "notes.jsonl"
    log = NotesLog(path)
    first = log.add("homicides", Q, "reflection", "before")
    with path.open("ab") as handle:
        handle.write(b'{"note":{"id":"torn","subject":"homicides","quar')
    last = log.add("homicides", Q, "action", "after")
    notes, problems = log.read()
    assert [n.id for n in notes] == [first.id, last.id]
    assert len(problems) == 1


def test_a_tampered_note_fails_its_checksum(tmp_path):
    path = tmp_path / "notes.jsonl"
    NotesLog(path).add("homicides", Q, "reflection", "the original words")
    text = path.read_text(encoding="utf-8").replace("original", "changed!")
    path.write_text(text, encoding="utf-8")
    notes, problems = NotesLog(path).read()
    assert notes == [] and len(problems) == 1


def test_editing_appends_a_version_and_the_latest_wins(tmp_path):
    log = NotesLog(tmp_path / "notes.jsonl")
    note = log.add("homicides", Q, "reflection", "draft")
    log.add("homicides", Q, "reflection", "final", note_id=note.id)
    notes, _ = log.read()
    assert [(n.id, n.text) for n in notes] == [(note.id, "final")]
    assert (tmp_path / "notes.jsonl").read_text(encoding="utf-8").count("draft") == 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_in_a_notes_file_give_notes_or_a_notes_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("notes") / "notes.jsonl"
    header = json.dumps({"format": "pcp-tui-notes", "version": 1}).encode() + b"\n"
    for content in (data, header + data):
        path.write_bytes(content)
        try:
            notes, problems = NotesLog(path).read()
        except NotesError:
            continue
        assert all(n.kind in ("reflection", "action") for n in notes)
        assert all(p.line >= 2 for p in problems)
