"""When the app cannot save a note, the editor stays open with the error and the text, and the
text can be written to a file elsewhere: a draft is never thrown away."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pcp_tui.notes import MAX_TEXT, NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

SIZE = (120, 40)
RAPE = ("kpi", "rape-positive-outcome-rate")
DRAFT = "Review the file quality checks with CID before the board"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


async def open_editor_and_save(app, pilot, text: str = DRAFT) -> NoteEditor:
    await pilot.pause()
    app.query_one(ObjectiveTree).select_item(RAPE)
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    editor = app.screen
    assert isinstance(editor, NoteEditor)
    editor.query_one("#note-text").text = text
    await pilot.press("ctrl+s")
    await pilot.pause()
    return editor


def error_shown(editor: NoteEditor) -> str:
    error = editor.query_one("#note-error")
    assert error.display
    return str(error.content)


async def test_a_notes_path_that_is_a_folder_keeps_the_editor_and_the_draft(
    make_app, tmp_path, home,
):
    folder = tmp_path / "notes-is-a-folder"
    folder.mkdir()
    app = make_app(notes_path=folder)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_save(app, pilot)
        assert app.screen is editor  # still open
        assert "is a folder, not a notes file" in error_shown(editor)
        assert editor.query_one("#note-text").text == DRAFT
        where = editor.query_one("#draft-path")
        assert where.display and Path(where.value).parent == home
        assert "pcp-tui-note-draft-rape-positive-outcome-rate-2021-22-q2-" in where.value

        await pilot.click("#draft-save")
        await pilot.pause()
        assert editor.draft_file is not None
        assert editor.draft_file.read_text(encoding="utf-8") == DRAFT
        assert editor.draft_file.stat().st_mode & 0o777 == 0o600
        assert str(editor.draft_file) in str(editor.query_one("#draft-saved").content)
        assert app.screen is editor  # it says where, and leaves closing to the analyst
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
    assert list(folder.iterdir()) == []


async def test_a_read_only_notes_folder_keeps_the_draft(make_app, notes_path, monkeypatch,
                                                       home):
    real_open = os.open

    def refusing(path, flags, *args, **kwargs):  # as the kernel would for a non-root user
        if Path(path) == notes_path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_save(app, pilot)
        assert app.screen is editor
        assert "permission denied" in error_shown(editor)
        assert editor.query_one("#note-text").text == DRAFT
        await pilot.press("enter")  # the path is focused: Enter writes the draft
        await pilot.pause()
        assert editor.draft_file is not None and editor.draft_file.parent == home
        assert editor.draft_file.read_text(encoding="utf-8") == DRAFT


async def test_a_full_disk_keeps_the_draft_and_a_retry_saves_it(make_app, notes_path,
                                                                monkeypatch, home):
    NotesLog(notes_path).add("pcsos", Quarter(2021, 2), "action", "an earlier note")
    before = notes_path.read_bytes()

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(os, "write", full)
        editor = await open_editor_and_save(app, pilot)
        monkeypatch.undo()
        assert app.screen is editor
        assert "disk full" in error_shown(editor)
        assert notes_path.read_bytes() == before
        # space freed: Ctrl+S again saves the same text and closes the editor
        editor.query_one("#note-text").focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
    notes, problems = NotesLog(notes_path).read()
    assert [n.text for n in notes] == ["an earlier note", DRAFT] and problems == []


async def test_a_note_over_the_size_limit_keeps_the_text(make_app, notes_path, home):
    long_text = "x" * (MAX_TEXT + 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_save(app, pilot, long_text)
        assert app.screen is editor
        assert f"at most {MAX_TEXT:,} characters" in error_shown(editor)
        assert editor.query_one("#note-text").text == long_text
    assert not notes_path.exists()


async def test_a_file_that_is_not_a_notes_file_keeps_the_draft_and_is_untouched(
    make_app, notes_path, home,
):
    notes_path.write_text("my shopping list\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_save(app, pilot)
        assert "not a pcp-tui notes file" in error_shown(editor)
        assert editor.query_one("#note-text").text == DRAFT
    assert notes_path.read_text(encoding="utf-8") == "my shopping list\n"


async def test_a_draft_place_that_fails_says_so_and_keeps_the_text(make_app, tmp_path, home):
    folder = tmp_path / "notes-is-a-folder"
    folder.mkdir()
    taken = home / "taken.txt"
    taken.write_text("someone else's", encoding="utf-8")
    app = make_app(notes_path=folder)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor_and_save(app, pilot)
        editor.query_one("#draft-path").value = str(taken)
        await pilot.click("#draft-save")
        await pilot.pause()
        saved = editor.query_one("#draft-saved")
        assert "already exists" in str(saved.content) and saved.has_class("-failed")
        assert editor.draft_file is None
        assert taken.read_text(encoding="utf-8") == "someone else's"  # never overwritten
        # a folder is fine: the draft goes inside it under its clear name
        where = editor.query_one("#draft-path")
        where.value = str(tmp_path)
        where.focus()  # (the button is still in its pressed look for a moment)
        await pilot.press("enter")
        await pilot.pause()
        assert editor.draft_file is not None and editor.draft_file.parent == tmp_path
        assert editor.draft_file.name.startswith("pcp-tui-note-draft-")
        assert editor.query_one("#note-text").text == DRAFT
