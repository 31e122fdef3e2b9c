"""Terminal escapes in every text the app draws: an OSC 52 sequence (which would write to the
clipboard), ESC[2J (which would wipe the screen) and BEL, in a section, objective,
sub-objective and priority title, a KPI's title and short title, a force's name, a data file's
name and cell, a return dropped in while the app runs, and a note. Every one is drawn as an
escape (`\\x1b`), never sent to the terminal raw.

What is checked is what the app would write to the terminal: the text of every segment of a
full repaint of the screen, cursor movements and styles aside.
"""

from __future__ import annotations

import re
from pathlib import Path

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.notes import NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.tui.folder_watch import describe_change
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.screens.problems import ProblemsScreen
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .conftest import TODAY
from .test_notes_data_and_safety import wait_until

SIZE = (160, 50)
ESC = "\x1b]52;c;AAAA\x07\x1b[2J\x07"
SHOWN = "\\x1b]52;c;AAAA\\x07\\x1b[2J\\x07"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
RAPE = ("kpi", "rape-positive-outcome-rate")

REPLACEMENTS = [
    ('title = "West Midlands Police"', f'title = "Force{ESC}"'),  # a section
    ('title = "Rebuilding community policing"', f'title = "Community{ESC}"'),
    ('title = "Violence against women and girls (VAWG)"', f'title = "VAWG{ESC}"'),
    ('title = "Reduce murder and other homicide"', f'title = "Homicide{ESC}"'),
    ('title = "Positive outcome rate: Rape"\nshort = "Rape POR"',
     f'title = "Rape outcomes{ESC}"\nshort = "Rape{ESC}"'),
    ('name = "Merseyside Police"', f'name = "Merseyside{ESC}"'),
]


def toml_text(text: str) -> str:
    """ESC and BEL as TOML escapes inside the basic strings above."""
    return text.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")


def hostile_copy(config_path: Path) -> None:
    text = config_path.read_text(encoding="utf-8")
    for old, new in REPLACEMENTS:
        assert old in text, old
        text = text.replace(old, toml_text(new), 1)
    config_path.write_text(text, encoding="utf-8")
    data = config_path.parent / "data"
    # a file whose name and one cell are hostile (a problem), and a figure no KPI can hold
    (data / f"zz{ESC}.csv").write_text(
        f"kpi,force,period,value\nhomicides,WMP,2021/22 Q2,7{ESC}\n"
        "impact-area-harm,WMP,2021/22 Q1,-1.7e308\n"
        "impact-area-harm,WMP,2021/22 Q2,1.7e308\n", encoding="utf-8")


def drawn(app) -> str:
    """The text a full repaint would write to the terminal (control segments aside)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(segment.text for strip in line for segment in strip
                             if not segment.control) for line in update.strips)


def assert_literal(app, *expected: str) -> str:
    text = drawn(app)
    found = CONTROL.search(text.replace("\n", ""))
    assert found is None, f"{found.group(0)!r} reaches the terminal: {text[found.start():][:80]!r}"
    for words in expected:
        assert words in text, words
    return text


async def test_every_view_draws_escapes_as_text(project_copy, make_app, notes_path):
    hostile_copy(project_copy)
    config = load_config(project_copy)
    observations = load_observations([config.data_folder], config, today=TODAY)
    assert len(observations.problems) == 3  # the cell and the two figures beyond a KPI
    NotesLog(notes_path).add("rape-positive-outcome-rate", Quarter(2021, 2), "reflection",
                             f"note{ESC}")
    NotesLog(notes_path).add("priority:homicide", Quarter(2021, 2), "action", f"act{ESC}")
    app = make_app(config=config, observations=observations, poll_interval=0.1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        tree.root.expand_all()
        await pilot.pause()
        # the tree (section, objective, sub-objective, KPI short titles), header, alerts
        assert_literal(app, f"Force{SHOWN}", f"Community{SHOWN}", f"VAWG{SHOWN}",
                       f"Rape{SHOWN}")
        tree.select_item(RAPE)
        await wait_until(pilot, lambda: "Rape outcomes" in app.query_one(KpiDetail).title_text)
        assert_literal(app, f"Rape outcomes{SHOWN}", "Merseyside\\x1b]52")  # cut to fit
        detail = app.query_one(KpiDetail)
        detail.focus()
        await pilot.press("G")
        await pilot.pause()
        assert_literal(app, f"note{SHOWN}")
        # a KPI whose figures were beyond what it can hold: drawn, without them
        tree.select_item(("kpi", "impact-area-harm"))
        await pilot.pause()
        assert_literal(app)
        # grouped by national priority: the priority titles
        tree.focus()
        await pilot.press("p")
        await pilot.pause()
        app.query_one(ObjectiveTree).root.expand_all()
        await pilot.pause()
        assert_literal(app, f"Homicide{SHOWN}")
        await pilot.press("p")
        await pilot.pause()
        # the problems screen: the file name and the cell
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert_literal(app, f"zz{SHOWN}", f"7{SHOWN}")
        await pilot.press("escape")
        await pilot.pause()
        # the note editor names its KPI
        tree = app.query_one(ObjectiveTree)
        tree.select_item(RAPE)
        tree.focus()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert_literal(app, f"Rape outcomes{SHOWN}")
        await pilot.press("escape")
        await pilot.pause()
        # the command palette lists titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Rape outcomes")
        await pilot.pause(0.3)
        assert_literal(app, f"Rape outcomes{SHOWN}")
        await pilot.press("escape")
        await pilot.pause()
        # a return dropped in while the app runs: the notification names it as written
        (project_copy.parent / "data" / f"New{ESC}.CSV").write_text(
            "kpi,force,period,value\nhomicides,WMP,2021/22 Q1,5\n", encoding="utf-8")
        await wait_until(pilot, lambda: any(title == "Data reloaded"
                                            for _, title, _ in app.notices))
        assert any(f"New{SHOWN}.CSV new" in message for _, _, message in app.notices)
        assert any(message.startswith(f"Picked up New{SHOWN}.CSV new")  # its case is kept
                   for _, _, message in app.notices), app.notices
        await pilot.pause(0.2)
        assert_literal(app, f"New{SHOWN}.CSV new")  # the toast


def test_describe_change_names_files_as_written_with_escapes_shown() -> None:
    before = (("/d/2021-22_Q2.csv", 1, 1),)
    after = (("/d/2021-22_Q2.csv", 2, 2), (f"/d/Q3{ESC}.CSV", 1, 1))
    assert describe_change(before, after) == f"2021-22_Q2.csv changed, Q3{SHOWN}.CSV new"

