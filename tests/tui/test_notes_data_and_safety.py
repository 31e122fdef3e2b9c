"""Notes, data problems, reloading, help, themes, and text from data shown literally."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.notes import NotesLog
from pcp_tui.tui.app import PcpApp
from pcp_tui.tui.screens.help import HelpScreen
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.screens.problems import ProblemsScreen
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.tree_filter import TreeFilter

from .conftest import TODAY, screen_lines, screen_text

SIZE = (120, 40)
RAPE = ("kpi", "rape-positive-outcome-rate")


async def wait_until(pilot, condition, seconds: float = 30.0) -> None:
    """Pause until `condition()` holds (a worker thread or a poll is involved); generous, as a
    loaded CI machine may take a while, and it returns as soon as the condition holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not get there in time")


def load_copy(config_path: Path, today: date = TODAY):
    config = load_config(config_path)
    return config, load_observations([config.data_folder], config, today=today)


# notes -------------------------------------------------------------------------------------


async def test_a_note_is_saved_to_the_notes_file_and_shown_at_once(make_app, notes_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(RAPE)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert "Positive outcome rate: Rape" in screen_text(app)
        app.screen.query_one("#kind-action").value = True
        app.screen.query_one("#note-text").focus()
        await pilot.press(*"Review the file quality checks with CID")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)

        notes, problems = NotesLog(notes_path).read()
        assert problems == []
        assert [(n.subject, n.quarter, n.kind, n.text) for n in notes] == [
            ("rape-positive-outcome-rate", "2021/22 Q2", "action",
             "Review the file quality checks with CID")]
        await wait_until(pilot, lambda: "Review the file quality" in
                         app.query_one(KpiDetail).body_text)
        assert "2021/22 Q2 · action" in app.query_one(KpiDetail).body_text


async def test_a_note_on_a_national_priority(make_app, notes_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # group by national priority: the cursor is on the first
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert tree.cursor_item.kind == "priority"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Homicide down on the baseline")
        await pilot.press("ctrl+s")
        await pilot.pause()
        notes, _ = NotesLog(notes_path).read()
        assert notes[0].subject == f"priority:{tree.cursor_item.id}"
        assert notes[0].kind == "reflection"
        await wait_until(pilot, lambda: "Homicide down" in app.query_one(KpiDetail).body_text)


async def test_no_note_on_an_objective_and_escape_cancels(make_app, notes_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # the cursor is on a section
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        app.query_one(ObjectiveTree).select_item(RAPE)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"draft", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert not notes_path.exists()


# problems and reloading --------------------------------------------------------------------

BAD_RETURN = (
    "kpi,force,period,value\n"
    "residential-burglary,West Midlands,2021/22 Q2,3877\n"
    "residential-burglary,West Midlands,2021/22 Q2,lots\n"
    "no-such-kpi,West Midlands,2021/22 Q2,5\n"
)


async def test_problems_banner_and_screen(project_copy, make_app):
    (project_copy.parent / "data" / "extra[b].csv").write_text(BAD_RETURN, encoding="utf-8")
    config, observations = load_copy(project_copy)
    assert len(observations.problems) >= 2
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = screen_lines(app)[1]
        assert f"{len(observations.problems)} problems in the data files" in banner
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        table = app.screen.query_one("#problems-table")
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][:3] == ["extra[b].csv", "3", "value"]
        assert "lots" in rows[0][3]
        assert any("no-such-kpi" in " ".join(row) for row in rows)
        assert "extra[b].csv" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsScreen)


async def test_no_problems_no_banner_and_no_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "problems in the data files" not in screen_text(app)
        assert "d problems" not in screen_lines(app)[-1]
        await pilot.press("d")  # says why it shows nothing
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsScreen)
        assert "No data problems" in app.notices[-1][2]


Q3_RETURN = (
    "kpi,force,period,value,numerator,denominator\n"
    "rape-positive-outcome-rate,West Midlands,2021/22 Q3,4.8,24,500\n"
    "residential-burglary,West Midlands,2021/22 Q3,3700,,\n"
)
LATER = date(2022, 1, 20)  # 2021/22 Q3 has ended


async def test_reload_picks_up_a_new_return(project_copy, make_app):
    config, observations = load_copy(project_copy, LATER)
    app = make_app(config=config, observations=observations, today=LATER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.as_of.label == "2021/22 Q2"
        (project_copy.parent / "data" / "2021-22_Q3.csv").write_text(Q3_RETURN,
                                                                     encoding="utf-8")
        await pilot.press("r")
        await wait_until(pilot, lambda: app.timeline.latest.label == "2021/22 Q3")
        await pilot.pause()
        assert app.as_of.label == "2021/22 Q3"  # it was on the latest: it follows
        assert "as of 2021/22 Q3" in screen_lines(app)[0]
        assert any(title == "Data reloaded" for _, title, _ in app.notices)
        app.query_one(ObjectiveTree).select_item(RAPE)
        await wait_until(pilot, lambda: "4.8% in 2021/22 Q3" in
                         app.query_one(KpiDetail).body_text)


async def test_new_files_are_picked_up_while_the_app_runs(project_copy, make_app):
    config, observations = load_copy(project_copy, LATER)
    app = make_app(config=config, observations=observations, today=LATER,
                   poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("[")  # an earlier quarter stays put after the reload
        (project_copy.parent / "data" / "2021-22_Q3.csv").write_text(Q3_RETURN,
                                                                     encoding="utf-8")
        await wait_until(pilot, lambda: app.timeline.latest.label == "2021/22 Q3")
        await pilot.pause()
        assert app.as_of.label == "2021/22 Q1"
        await wait_until(pilot, lambda: any(title == "Data reloaded"
                                            for _, title, _ in app.notices))
        said = {title: message for _, title, message in app.notices}
        # the file is named as it is on disk in both notifications
        assert said["New data"].startswith("2021-22_Q3.csv new")
        assert said["Data reloaded"].startswith("Picked up 2021-22_Q3.csv new:")


async def test_a_broken_config_on_reload_keeps_the_old_state(project_copy, make_app):
    config, observations = load_copy(project_copy)
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timeline = app.timeline
        project_copy.write_text("[settings]\nhome_force = 3\n", encoding="utf-8")
        await pilot.press("r")
        await wait_until(pilot, lambda: any(title == "Reload failed"
                                            for _, title, _ in app.notices))
        severity, _, message = app.notices[-1]
        assert severity == "error" and "config" in message
        assert app.timeline is timeline
        assert app.as_of.label == "2021/22 Q2"
        assert app.query_one(AlertsPanel).shown


# help, themes, literal text ---------------------------------------------------------------


async def test_help_lists_every_binding_by_pane(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        panes = {pane.title: pane for pane in app.screen.panes}
        assert {"Everywhere", "Plan tree", "KPI detail", "Alerts"} <= set(panes)
        described = {line.description for pane in panes.values() for line in pane.keys}
        for widget in (PcpApp, ObjectiveTree, KpiDetail, AlertsPanel, TreeFilter, NoteEditor):
            for binding in widget.BINDINGS:
                assert binding.id, binding
                assert binding.description, binding
                assert (binding.tooltip or binding.description) in described
        tree_keys = {line.description: line.keys for line in panes["Plan tree"].keys}
        assert tree_keys["Down"] == ("j", "↓")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_light_theme_and_no_color(make_app, monkeypatch):
    app = make_app()
    app.theme = "textual-light"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "✖" in screen_text(app)
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(RAPE)
        await pilot.pause()
        text = screen_text(app)
        assert "✖ Rape POR" in text and "✖ red" in text


def _markup_copy(project_copy: Path) -> None:
    text = project_copy.read_text(encoding="utf-8")
    text = text.replace('title = "Positive outcome rate: Rape"', 'title = "[/bold]"', 1)
    text = text.replace('name = "West Midlands Police"', 'name = "[link=x]y[/link]"', 1)
    project_copy.write_text(text, encoding="utf-8")
    # the returns name the force "West Midlands"; with its new name they give its id instead
    for path in (project_copy.parent / "data").glob("*.csv"):
        rows = path.read_text(encoding="utf-8").replace(",West Midlands,", ",west-midlands,")
        path.write_text(rows, encoding="utf-8")


async def test_markup_and_control_characters_are_shown_literally(project_copy, make_app,
                                                                 notes_path):
    _markup_copy(project_copy)
    config, observations = load_copy(project_copy)
    assert not observations.problems
    from pcp_tui.periods import Quarter

    NotesLog(notes_path).add("rape-positive-outcome-rate", Quarter(2021, 2), "reflection",
                             "\x1b]52;c;AAAA\x07 [b]not bold[/b]")
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[link=x]y[/link]" in screen_lines(app)[0]
        app.query_one(ObjectiveTree).select_item(RAPE)
        await pilot.pause()
        await wait_until(pilot, lambda: "[/bold]" in app.query_one(KpiDetail).title_text)
        detail = app.query_one(KpiDetail)
        assert "\\x1b]52;c;AAAA\\x07 [b]not bold[/b]" in detail.body_text
        detail.focus()
        await pilot.press("G")
        await pilot.pause()
        text = screen_text(app)
        assert "[/bold]" in text
        assert "\\x1b]52;c;AAAA\\x07" in text
        assert "\x1b" not in text
        # the alert for the KPI carries its title too
        lines = app.query_one(AlertsPanel).lines
        assert any("[/bold]" in line for line in lines), lines
        # and the palette finds it by its (markup-looking) title
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"[/bold]")
        await pilot.pause(0.3)
        assert "[/bold]" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(ObjectiveTree).cursor_item.id == "rape-positive-outcome-rate"


def test_run_app_is_the_entry_point_the_cli_calls():
    from pcp_tui.cli.app import cmd_open
    from pcp_tui.tui import app

    assert callable(app.run_app)
    assert "run_app" in cmd_open.__code__.co_names


async def test_the_background_assessment_fills_every_quarter(make_app):
    app = make_app(warm=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)  # it starts half a second after the first frames
        await app.workers.wait_for_complete()
        assert set(app.timeline._cache) == set(app.timeline.quarters)
    await asyncio.sleep(0)


async def test_a_highlight_that_arrives_as_the_app_closes_is_ignored(make_app):
    # a reload rebuilds the tree, whose highlight can still be queued when the panes are gone
    from pcp_tui.tui.widgets.kpi_detail import KpiDetail
    from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        item = app.query_one(ObjectiveTree).cursor_item
        await app.query_one(KpiDetail).remove()
        app.post_message(ObjectiveTree.ItemHighlighted(item))
        app.post_message(ObjectiveTree.ItemChosen(item))
        await pilot.pause()
    assert app.crash is None


async def test_the_panes_count_as_gone_from_the_moment_their_removal_starts(make_app):
    # what a queued highlight, a reload or the drawing ahead asks before touching the panes
    from pcp_tui.tui.widgets.kpi_detail import KpiDetail

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app._views_gone()
        removal = app.query_one(KpiDetail).remove()
        assert app._views_gone()  # its children are still being removed
        await removal
        assert app._views_gone()


async def test_the_notes_option_stays_the_notes_file_after_a_reload(project_copy, monkeypatch):
    # a reload reads the config afresh: its notes_file (or the default beside it) must not
    # take over from `--notes FILE`, or notes written after a new return came in would go to
    # another file than the ones before
    from pcp_tui.cli.app import cmd_open
    from pcp_tui.cli.main import build_parser

    opened: list[PcpApp] = []
    monkeypatch.setattr(PcpApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.chdir(project_copy.parent)
    mine = project_copy.parent / "elsewhere" / "mine.jsonl"
    mine.parent.mkdir()
    assert cmd_open(build_parser().parse_args(["--notes", str(mine)])) == 0
    (app,) = opened
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.notes_log.path == mine
        app.reload_data("test")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: any(title == "Data reloaded"
                                            for _, title, _ in app.notices))
        assert app.notes_log.path == mine
