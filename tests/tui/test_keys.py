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

from .conftest import TODAY, footer_drawn, screen_lines, screen_text

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


async def test_a_filter_typed_away_or_cleared_puts_the_cursor_back_where_it_began(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        detail = app.query_one(KpiDetail)
        assert tree.select_item(UPLIFT)
        await pilot.pause()
        await pilot.press("slash", "j", "j", "k")  # the uplift line is filtered away
        await pilot.pause()
        assert tree.cursor_item is None
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.pause()
        assert tree.cursor_item.key == UPLIFT and detail.item.key == UPLIFT
        await pilot.press("r", "a", "p", "e", "escape")  # Esc in the filter
        await pilot.pause()
        assert tree.has_focus and tree.filter_text == ""
        assert tree.cursor_item.key == UPLIFT and detail.item.key == UPLIFT
        # a match chosen with Enter is where the analyst stays when the filter goes
        await pilot.press("slash", "r", "a", "p", "e", "enter")
        await pilot.pause()
        chosen = tree.cursor_item.key
        assert chosen != UPLIFT
        await pilot.press("escape")
        await pilot.pause()
        assert tree.filter_text == "" and tree.cursor_item.key == chosen


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


def tree_text(app: PcpApp) -> str:
    """The words the plan tree's pane shows, inside its border, lines run together."""
    box = app.query_one(ObjectiveTree).region
    return " ".join(word for line in screen_lines(app)[box.y + 1:box.bottom - 1]
                    for word in line[box.x + 1:box.right - 1].split())


async def test_tab_never_lands_in_a_closed_filter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        filter_input = app.query_one(TreeFilter)

        async def tab_round(key: str) -> None:
            for _ in range(6):  # round the panes and past the filter's place twice
                await pilot.press(key)
                await pilot.pause()
                assert not filter_input.has_focus, key
            while not tree.has_focus:
                await pilot.press("tab")

        await tab_round("tab")
        await tab_round("shift+tab")
        # the letters meant as keys work as keys: nothing typed into the filter
        line = tree.cursor_line
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert tree.cursor_line == line + 1
        assert filter_input.value == "" and tree.filter_text == ""
        # kept with Enter, the filter filters on but is closed again
        await pilot.press("slash", *"burglary", "enter")
        await pilot.pause()
        await tab_round("tab")
        # opened (the kept words selected, so typing replaces them), then left with Tab:
        # closed, the words kept
        await pilot.press("slash", *"robbery", "tab")
        await pilot.pause()
        assert tree.has_focus and filter_input.value == tree.filter_text == "robbery"
        await tab_round("tab")
        await tab_round("shift+tab")
        # a click opens it, as `/` does
        await pilot.click(TreeFilter)
        await pilot.press(*"business")
        await pilot.pause()
        assert filter_input.has_focus and tree.filter_text == "business"


@pytest.mark.parametrize("typed", ["jjk", "[/bold]"])
async def test_a_filter_that_matches_nothing_says_so(make_app, typed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *typed)
        await pilot.pause()
        assert app.query_one(TreeFilter).has_focus
        shown = tree_text(app)
        assert f"No KPI matches '{typed}'." in shown, shown
        assert "Esc clears the filter." in shown
        await pilot.press("enter")  # kept: the tree goes on saying so
        await pilot.pause()
        assert f"No KPI matches '{typed}'." in tree_text(app)
        assert f"No KPI matches '{typed}'." in said(app)
        # under the alerts only too
        await pilot.press("a")
        await pilot.pause()
        assert f"No KPI with alerts matches '{typed}'." in tree_text(app)


async def test_esc_still_clears_the_filter_and_closes_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        filter_input = app.query_one(TreeFilter)
        lines = tree.last_line
        await pilot.press("slash", "j", "j", "k")
        await pilot.pause()
        assert tree.last_line == -1
        await pilot.press("escape")  # in the filter
        await pilot.pause()
        assert filter_input.value == "" and tree.filter_text == ""
        assert tree.has_focus and tree.last_line == lines
        assert "No KPI matches" not in tree_text(app)
        await pilot.press("tab", "tab", "tab")
        await pilot.pause()
        assert tree.has_focus  # the filter is out of the round again
        await pilot.press("slash", "j", "j", "k", "enter")
        await pilot.pause()
        assert tree.has_focus and "No KPI matches 'jjk'." in tree_text(app)
        await pilot.press("escape")  # in the tree: the kept filter goes
        await pilot.pause()
        assert filter_input.value == "" and tree.filter_text == ""
        assert tree.last_line == lines and "No KPI matches" not in tree_text(app)
