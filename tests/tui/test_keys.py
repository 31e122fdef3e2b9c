"""Keys that never surprise, and keys from the config (`[keys]`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Footer, Static

from pcp_tui.config import ConfigError, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.keymap import KEY_IDS, clashes, split_keys
from pcp_tui.tui.app import PcpApp
from pcp_tui.tui.screens.note_editor import NoteEditor
from pcp_tui.tui.screens.note_subject import NoteSubjectScreen
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.tree_filter import TreeFilter

from .conftest import TODAY, footer_drawn, screen_text

SIZE = (120, 40)
ASB = ("kpi", "asb-incidents")  # serves the national priority "neighbourhood crime"
UPLIFT = ("kpi", "police-officer-uplift")  # serves none


def said(app: PcpApp) -> str:
    return "\n".join(message for _, _, message in app.notices)


async def test_regrouping_keeps_the_selected_kpi(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert tree.select_item(ASB)
        await pilot.press("p")
        await pilot.pause()
        assert app.grouping == "priority"
        assert tree.cursor_item.key == ASB
        assert tree.cursor_node.parent.data.kind == "priority"
        await pilot.press("p")
        await pilot.pause()
        assert app.grouping == "plan"
        assert tree.cursor_item.key == ASB
        assert app.query_one(KpiDetail).item.key == ASB


async def test_regrouping_says_when_the_kpi_is_under_no_priority(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(UPLIFT)
        await pilot.press("p")
        await pilot.pause()
        assert "is under no national priority" in said(app)


async def test_enter_in_the_filter_moves_to_the_first_match_and_esc_in_the_tree_clears_it(
        make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        await pilot.press("slash", "r", "a", "p", "e", "enter")
        await pilot.pause()
        assert tree.has_focus
        assert tree.cursor_item.kind == "kpi"
        assert "rape" in tree.cursor_item.title.casefold()
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one(TreeFilter).value == ""
        assert tree.filter_text == ""
        assert tree.has_focus


async def test_a_key_that_can_do_nothing_says_why(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        latest = app.as_of
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.as_of == latest
        assert f"Already at the latest quarter ({latest.label})" in said(app)
        await pilot.press("L")
        assert "Already at the latest quarter" in said(app).split("\n")[-1]
        await pilot.press("d")
        await pilot.pause()
        assert "No data problems" in said(app)
        app.show_quarter(app.timeline.quarters[0])
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "Already at the earliest quarter" in said(app)


async def test_n_on_a_kpi_of_a_national_priority_asks_which_the_note_is_for(make_app,
                                                                           notes_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(ASB)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteSubjectScreen)
        assert "the national priority: " in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.subject == "priority:neighbourhood-crime"
        # the editor says where notes go
        where = app.screen.query_one("#note-where", Static).content
        assert str(where) == f"Saved to {notes_path}"
        assert "Saved to " in screen_text(app)


async def test_n_on_a_kpi_of_no_priority_opens_the_editor_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(UPLIFT)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.subject == "police-officer-uplift"


# keys from the config ------------------------------------------------------------------------

def with_keys(project_copy: Path, keys: str) -> Path:
    text = project_copy.read_text(encoding="utf-8")
    project_copy.write_text(text + "\n[keys]\n" + keys, encoding="utf-8")
    return project_copy


async def test_a_keymap_from_the_config_rebinds_the_quarter_keys(project_copy, make_app):
    config = load_config(with_keys(project_copy, 'quarter.earlier = ","\n'
                                                 '"quarter.later" = "."\n'))
    assert config.keys == {"quarter.earlier": "comma", "quarter.later": "full_stop"}
    observations = load_observations([config.data_folder], config, today=TODAY)
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        latest = app.as_of
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.as_of == latest  # the old key does nothing now
        await pilot.press("comma")
        await pilot.pause()
        assert app.as_of.ordinal == latest.ordinal - 1
        await pilot.press("full_stop")
        await pilot.pause()
        assert app.as_of == latest
        footer = screen_text(app).splitlines()[-1]
        assert ", ." in footer or ",." in footer, footer
        assert "[]" not in footer
        everywhere = app.help_panes()[0]
        line = next(k for k in everywhere.keys if k.description.startswith("Step the as-of "
                                                                            "quarter one back"))
        assert line.keys == (",",)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Step the as-of quarter one back" in screen_text(app)


@pytest.mark.parametrize(("keys", "key", "words"), [
    ('quarter.erlier = ","', "quarter.erlier", "did you mean 'quarter.earlier'"),
    ('view.group = "ctl+g"', "view.group", "unknown modifier 'ctl'"),
    ('view.group = 3', "view.group", "found a whole number 3"),
    ('data.reload = "p"', "data.reload", "'p' is also the key of 'view.group'"),
    ('tree.down = "k"', "tree.down", "'k' is also the key of 'tree.up'"),
])
def test_a_bad_keymap_names_file_table_and_key(project_copy, keys, key, words):
    with pytest.raises(ConfigError) as caught:
        load_config(with_keys(project_copy, keys + "\n"))
    problems = [p for p in caught.value.problems if p.where == "keys"]
    assert len(problems) == 1, caught.value.problems
    assert problems[0].file == str(project_copy)
    assert problems[0].key == key
    assert words in problems[0].message


def test_the_keymap_knows_every_binding_the_app_has():
    """pcp_tui.keymap (read by the config, which never imports Textual) lists each binding
    id with its pane and default keys, as the app's BINDINGS have them."""
    panes = {"app": PcpApp.BINDINGS, "tree": ObjectiveTree.BINDINGS,
             "detail": KpiDetail.BINDINGS, "alerts": AlertsPanel.BINDINGS}
    found = {}
    for pane, bindings in panes.items():
        for binding in bindings:
            assert isinstance(binding, Binding)
            found[binding.id] = (pane, binding.key)
    assert found == dict(KEY_IDS)
    assert clashes({}) == []
    assert split_keys("j,down") == ["j", "down"] and split_keys(",") == [","]


async def test_the_footer_keeps_its_keys_without_a_keymap(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await footer_drawn(pilot, app)
        assert app.query_one(Footer)
        assert "[] quarter" in screen_text(app).splitlines()[-1]


def test_the_tree_repaints_through_public_textual_api_only():
    source = (Path(__file__).resolve().parents[2] / "pcp_tui" / "tui").rglob("*.py")
    assert not [path.name for path in source if "._updates" in path.read_text("utf-8")]
