"""Editing and withdrawing a note from the app: new versions appended, nothing rewritten."""

from __future__ import annotations

import json
from pathlib import Path

from pcp_tui.notes import NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.tui.screens.note_choice import ConfirmWithdraw, NoteChoiceScreen
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .test_notes_data_and_safety import RAPE, SIZE, wait_until

SUBJECT = RAPE[1]
Q = Quarter.parse("2021/22 Q2")


def raw_versions(path: Path) -> list[dict]:
    """Every note line of the file as written, read without the NotesLog."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "pcp-tui-notes"
    return [json.loads(line)["note"] for line in lines[1:] if line.strip()]


async def open_choice(app, pilot):
    await pilot.pause()
    app.query_one(ObjectiveTree).select_item(RAPE)
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, NoteChoiceScreen)


async def test_editing_a_note_appends_a_version_and_keeps_the_old(make_app, notes_path):
    log = NotesLog(notes_path)
    older = log.add(SUBJECT, Quarter.parse("2021/22 Q1"), "action", "Audit the files",
                    author="sam")
    note = log.add(SUBJECT, Q, "reflection", "Outcomes fell in the quarter", author="sam")
    before = notes_path.read_bytes()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_choice(app, pilot)
        # the quarter's note first, as the pane lists them
        assert [n.id for n in app.screen.notes] == [note.id, older.id]
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert editor.query_one("#note-text").text == "Outcomes fell in the quarter"
        assert editor.query_one("#note-kind").disabled
        await pilot.press(*" by a fifth")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        await wait_until(pilot, lambda: "Outcomes fell in the quarter by a fifth" in
                         app.query_one(KpiDetail).body_text)
        assert "Notes (2)" in app.query_one(KpiDetail).body_text

    # the file only grew: the old bytes are its start, the new version follows
    assert notes_path.read_bytes().startswith(before)
    versions = raw_versions(notes_path)
    assert [(v["id"], v["text"], v.get("change", "add"), v.get("version", 1))
            for v in versions] == [
        (older.id, "Audit the files", "add", 1),
        (note.id, "Outcomes fell in the quarter", "add", 1),
        (note.id, "Outcomes fell in the quarter by a fifth", "edit", 2)]
    assert versions[2]["kind"] == "reflection" and versions[2]["quarter"] == "2021/22 Q2"
    current, problems = log.read()
    assert problems == []
    assert [n.text for n in current] == ["Audit the files",
                                         "Outcomes fell in the quarter by a fifth"]


async def test_withdrawing_asks_first_and_keeps_every_version(make_app, notes_path):
    log = NotesLog(notes_path)
    note = log.add(SUBJECT, Q, "action", "Review the file quality checks", author="sam")
    log.edit(note.id, "Review the file quality checks with CID", author="sam")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_choice(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmWithdraw)
        await pilot.press("n")  # keep it: nothing written
        await pilot.pause()
        assert len(raw_versions(notes_path)) == 2
        assert "with CID" in app.query_one(KpiDetail).body_text

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmWithdraw)
        await pilot.press("y")
        await pilot.pause()
        await wait_until(pilot, lambda: "Notes (0)" in app.query_one(KpiDetail).body_text)
        assert "with CID" not in app.query_one(KpiDetail).body_text
        assert any("withdrawn" in message for _, _, message in app.notices)

        await pilot.press("e")  # nothing left to change
        await pilot.pause()
        assert not isinstance(app.screen, NoteChoiceScreen)

    versions = raw_versions(notes_path)
    assert [(v["text"], v.get("change", "add"), v.get("version", 1)) for v in versions] == [
        ("Review the file quality checks", "add", 1),
        ("Review the file quality checks with CID", "edit", 2),
        ("Review the file quality checks with CID", "withdraw", 3)]
    assert {v["id"] for v in versions} == {note.id}
    assert log.read()[0] == []
    assert len(log.history()) == 3
