"""The report and the alerts as files (`b`, `c`), and the author of notes written in the app.

In a terminal Textual's `deliver_text` writes into the downloads folder: here a folder in
tmp_path stands in for it. (The browser's side is the same call; textual-serve turns it into a
download.)
"""

from __future__ import annotations

import asyncio
import csv
import io

from pcp_tui.notes import NotesLog
from pcp_tui.tui import downloads
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

SIZE = (120, 40)
RAPE = ("kpi", "rape-positive-outcome-rate")


async def wait_until(pilot, condition, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("condition never met")


async def test_b_saves_the_board_report_and_c_the_alerts(make_app, tmp_path, monkeypatch):
    folder = tmp_path / "Downloads"
    folder.mkdir()
    monkeypatch.setattr(downloads, "user_downloads_path", lambda: folder)
    app = make_app(quarter=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_step(-1)  # the files follow the quarter shown
        await pilot.pause()
        await pilot.press("b")
        report = folder / "board-2021-22-Q1.html"
        await wait_until(pilot, lambda: any("board report saved" in m for _, _, m in
                                            app.notices))
        assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert "2021/22 Q1" in report.read_text(encoding="utf-8")
        assert ("information", "", f"The board report saved to {report}.") in app.notices

        await pilot.press("c")
        alerts = folder / "alerts-2021-22-Q1.csv"
        await wait_until(pilot, lambda: alerts.exists() and any(
            "alerts saved" in m for _, _, m in app.notices))
        rows = list(csv.DictReader(io.StringIO(alerts.read_text(encoding="utf-8"))))
        assert rows and {row["quarter"] for row in rows if row["state"] == "firing"} == {
            "2021/22 Q1"}
        assert len([r for r in rows if r["state"] == "firing"]) == len(app.assessment.alerts)

        # a second report is a new file: the first one is never overwritten
        report.write_text("kept", encoding="utf-8")
        await pilot.press("b")
        again = folder / "board-2021-22-Q1 (2).html"
        await wait_until(pilot, lambda: again.exists() and again.stat().st_size > 1000)
        assert report.read_text(encoding="utf-8") == "kept"


async def test_the_download_keys_are_in_the_footer_only_in_a_browser(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {k for k, active in app.active_bindings.items() if active.binding.show}
        assert not {"b", "c"} & shown  # the terminal's footer is full enough
        app.show_download_keys()  # what on_mount does when the app runs in a browser
        await pilot.pause()
        shown = {k for k, active in app.active_bindings.items() if active.binding.show}
        assert {"b", "c"} <= shown
        assert {"report", "alerts csv"} <= {
            active.binding.description for active in app.active_bindings.values()}


async def test_without_a_downloads_folder_the_home_folder_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "user_downloads_path", lambda: tmp_path / "missing")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert downloads.save_folder() == tmp_path


async def test_a_note_written_in_the_app_carries_the_author_given(make_app, notes_path):
    app = make_app(author="J. Analyst")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(RAPE)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one("#note-text").focus()
        await pilot.press(*"Written in the browser")
        await pilot.press("ctrl+s")
        await pilot.pause()
        notes, _ = NotesLog(notes_path).read()
        assert [(n.text, n.author) for n in notes] == [("Written in the browser", "J. Analyst")]
