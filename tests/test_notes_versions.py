"""Notes fit for a paper: authors, edits and withdrawals as new versions, offered commentary."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.notes import NotesError, NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.report import render_html, render_markdown
from pcp_tui.rules.assess import build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
Q = Quarter(2021, 2)


def raw_versions(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["note"] for line in lines[1:]]


def test_edit_and_withdraw_keep_every_version_in_the_file(tmp_path: Path) -> None:
    log = NotesLog(tmp_path / "notes.jsonl")
    first = log.add("pcsos", Q, "action", "first draft", author="ann")
    log.edit(first.id, "second draft", author="bob")
    final = log.edit(first.id[:8], "final text", author="ann")
    assert (final.id, final.version, final.change) == (first.id, 3, "edit")
    other = log.add("pcsos", Q, "reflection", "to withdraw", author="ann")
    gone = log.withdraw(other.id, author="cat")
    assert gone.withdrawn and gone.text == "to withdraw" and gone.version == 2

    raw = raw_versions(log.path)  # the file itself: nothing rewritten, nothing cut
    assert [v["text"] for v in raw] == ["first draft", "second draft", "final text",
                                        "to withdraw", "to withdraw"]
    assert [v["author"] for v in raw] == ["ann", "bob", "ann", "ann", "cat"]
    assert [v.get("change", "add") for v in raw] == ["add", "edit", "edit", "add", "withdraw"]

    notes, problems = log.read()
    assert problems == []
    assert [(n.id, n.text) for n in notes] == [(first.id, "final text")]
    assert [n.version for n in log.history()] == [1, 2, 3, 1, 2]
    with pytest.raises(NotesError, match="withdrawn"):
        log.edit(other.id, "again")
    with pytest.raises(NotesError, match="no note"):
        log.withdraw("ffffffff")


def test_a_first_version_is_written_as_before(tmp_path: Path) -> None:
    """Old files read as they did, and a first version adds no new fields to the line."""
    log = NotesLog(tmp_path / "notes.jsonl")
    log.add("pcsos", Q, "action", "text", author="ann")
    assert set(raw_versions(log.path)[0]) == {"id", "subject", "quarter", "kind", "text",
                                              "author", "written_at"}


def test_the_author_is_the_login_name_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("USER", "analyst7")
    log = NotesLog(tmp_path / "notes.jsonl")
    assert log.add("pcsos", Q, "action", "text").author == "analyst7"
    assert log.add("pcsos", Q, "action", "text", author="named").author == "named"


EDITOR = """
import sys
sys.path.insert(0, {root!r})
from pcp_tui.notes import NotesLog
log = NotesLog({path!r})
note_id = {note_id!r}
for i in range(100_000):
    note = log.edit(note_id, f"version {{i}} " + "y" * 300)
    print(note.version, flush=True)
"""


def test_killing_an_edit_loses_no_acknowledged_version(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    log = NotesLog(path)
    note = log.add("pcsos", Q, "reflection", "version start " + "y" * 300)
    acknowledged: list[int] = []
    for round_ in range(12):
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR.format(root=str(ROOT), path=str(path),
                                                 note_id=note.id)],
            stdout=subprocess.PIPE, text=True)
        assert editor.stdout is not None
        deadline = time.monotonic() + 0.3 + 0.05 * (round_ % 4)
        while time.monotonic() < deadline:
            line = editor.stdout.readline()
            if line:
                acknowledged.append(int(line))
        editor.send_signal(signal.SIGKILL)
        acknowledged += [int(v) for v in editor.stdout.read().split()]
        editor.wait()
    versions = [n for n in log.history() if n.id == note.id]
    assert len(acknowledged) >= 12
    assert set(acknowledged) <= {n.version for n in versions}  # every acknowledged version
    assert all(n.text.endswith("y" * 300) for n in versions)  # nothing half-written read
    notes, _ = log.read()
    assert [n.version for n in notes] == [max(n.version for n in versions)]


# the command and the report ---------------------------------------------------------------


def run(*args: str, notes: Path) -> int:
    return main([*args, "--config", str(CONFIG), "--data", str(DATA), "--notes", str(notes)])


@pytest.fixture(scope="module")
def assessment():
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


def test_note_edit_withdraw_and_history_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], assessment,
) -> None:
    notes = tmp_path / "notes.jsonl"
    assert run("note", "add", "priority:homicide", "--kind", "reflection", "--text",
               "Homicides first draft.", "--author", "Ann Analyst", notes=notes) == EXIT_OK
    assert run("note", "add", "priority:homicide", "--kind", "action", "--text",
               "An action to withdraw.", notes=notes) == EXIT_OK
    capsys.readouterr()
    log = NotesLog(notes)
    reflection, action = log.read()[0]
    assert reflection.author == "Ann Analyst"
    assert run("note", "edit", reflection.id[:8], "--text", "Homicides are down.",
               "--author", "Bob Analyst", notes=notes) == EXIT_OK
    assert "Edited reflection" in capsys.readouterr().out
    assert run("note", "withdraw", action.id[:8], notes=notes) == EXIT_OK
    assert run("note", "edit", "nosuchid", "--text", "x", notes=notes) == EXIT_USAGE
    capsys.readouterr()

    assert run("note", "list", "--no-color", "--width", "200", notes=notes) == EXIT_OK
    listing = capsys.readouterr().out
    assert "Homicides are down." in listing and "first draft" not in listing
    assert "An action to withdraw." not in listing
    assert run("note", "list", "--history", "--no-color", "--width", "200",
               notes=notes) == EXIT_OK
    history = capsys.readouterr().out
    for text in ("Homicides first draft.", "Homicides are down.", "An action to withdraw.",
                 "version 2, edited", "version 2, withdrawn", "Ann Analyst", "Bob Analyst"):
        assert text in history, text

    raw = notes.read_text(encoding="utf-8")
    assert "Homicides first draft." in raw and raw.count("An action to withdraw.") == 2
    current = log.read()[0]
    page = render_html(assessment, current, today=date(2021, 11, 26))
    paper = render_markdown(assessment, current, today=date(2021, 11, 26))
    for text in (page, paper):
        assert "Homicides are down." in text
        assert "Homicides first draft." not in text
        assert "An action to withdraw." not in text
        assert "Bob Analyst" in text


def test_settings_author_is_used_when_no_author_is_given(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    text = CONFIG.read_text(encoding="utf-8").replace(
        "[settings]\n", '[settings]\nauthor = "Performance Team"\n', 1)
    config.write_text(text, encoding="utf-8")
    notes = tmp_path / "notes.jsonl"
    assert main(["note", "add", "pcsos", "--kind", "action", "--text", "x", "--config",
                 str(config), "--data", str(DATA), "--notes", str(notes)]) == EXIT_OK
    assert NotesLog(notes).read()[0][0].author == "Performance Team"


def test_a_kpi_reflection_offered_as_its_priority_commentary(
    tmp_path: Path, assessment,
) -> None:
    notes = tmp_path / "notes.jsonl"
    framework = assessment.config.framework
    kpi = next(k for k in framework.kpis if len(k.priorities) == 1)
    priority = kpi.priorities[0]
    title = framework.title_of(priority)
    assert run("note", "add", kpi.id, "--kind", "reflection", "--text",
               "Offered on the metric.", "--quarter", "2021/22 Q2", notes=notes) == EXIT_OK
    log = NotesLog(notes)
    before = render_markdown(assessment, log.read()[0])
    assert f"{title}: reflections on force performance" in before  # still missing
    assert run("note", "offer", log.read()[0][0].id[:8], notes=notes) == EXIT_OK
    note = log.read()[0][0]
    assert note.offered_to == f"priority:{priority}" and note.subject == kpi.id
    after = render_markdown(assessment, log.read()[0])
    assert f"{title}: reflections on force performance" not in after
    assert "Offered on the metric." in after
    # an action cannot be offered, nor a KPI with no priority
    assert run("note", "add", kpi.id, "--kind", "action", "--text", "x", "--for-priority",
               notes=notes) == EXIT_USAGE
    lone = next(k for k in framework.kpis if not k.priorities)
    assert run("note", "add", lone.id, "--kind", "reflection", "--text", "x",
               "--for-priority", notes=notes) == EXIT_USAGE
