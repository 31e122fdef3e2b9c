"""`pcp-tui note` end to end: adding and listing notes, the default quarter, text from stdin,
and the checks on subjects and text."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE
from pcp_tui.rules.assess import Assessment

# notes --------------------------------------------------------------------------------------


def test_note_add_and_list(run, notes_file: Path) -> None:
    status, out, _ = run("note", "add", "priority:homicide", "--kind", "reflection",
                         "--text", "Homicides are level with the baseline.")
    assert status == EXIT_OK
    assert "priority:homicide" in out
    status, out, _ = run("note", "add", "pcsos", "--kind", "action", "--quarter", "2021/22 Q1",
                         "--text", "Recruit PCSOs.")
    assert status == EXIT_OK
    _, out, _ = run("note", "list")
    assert "Homicides are level with the baseline." in out
    assert "Recruit PCSOs." in out
    _, out, _ = run("note", "list", "--quarter", "2021/22 Q2")
    assert "Recruit PCSOs." not in out
    _, out, _ = run("note", "list", "--subject", "pcsos", "--format", "json")
    notes = json.loads(out)
    assert [(n["subject"], n["quarter"], n["kind"]) for n in notes] == [
        ("pcsos", "2021/22 Q1", "action")]


def test_note_defaults_to_the_latest_quarter(run, assessment: Assessment) -> None:
    run("note", "add", "homicides", "--kind", "reflection", "--text", "x")
    _, out, _ = run("note", "list", "--format", "json")
    assert json.loads(out)[0]["quarter"] == assessment.as_of.label


def test_note_text_from_stdin(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("from\nstandard input\n"))
    assert run("note", "add", "homicides", "--kind", "action", "--text", "-")[0] == EXIT_OK
    _, out, _ = run("note", "list", "--format", "json")
    assert json.loads(out)[0]["text"] == "from\nstandard input\n"


@pytest.mark.parametrize("subject", ["priority:nope", "no-such-kpi", "priority:", ""])
def test_note_subject_is_checked(run, subject: str, notes_file: Path) -> None:
    status, _, err = run("note", "add", subject, "--kind", "reflection", "--text", "x")
    assert status == EXIT_USAGE
    assert "pcp-tui:" in err
    assert not notes_file.exists()


def test_note_with_empty_text_is_refused(run) -> None:
    assert run("note", "add", "homicides", "--kind", "action", "--text", "  ")[0] == EXIT_USAGE


def test_note_list_filter_subject_is_checked(run) -> None:
    assert run("note", "list", "--subject", "nope")[0] == EXIT_USAGE
