"""The quarters either side drawn while the app is idle (`tui/step_ahead.py`): a step to one
of them draws nothing afresh, and shows exactly what a fresh drawing would."""

from __future__ import annotations

import re
import time

import pytest

from pcp_tui.tui import step_ahead
from pcp_tui.tui.step_ahead import IDLE_BEFORE
from pcp_tui.tui.tree_lines import draw_line
from pcp_tui.tui.widgets import objective_tree
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.history_chart import HistoryChart
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.text_block import ScrollingText

from .conftest import screen_text

SIZE = (120, 40)
ASB = ("kpi", "asb-incidents")


def assess_every_quarter(app) -> None:
    """What the background assessment does in a running app (the tests' apps run without)."""
    for quarter in app.timeline.quarters:
        app.timeline.at(quarter)


def drawn_screen(app) -> str:
    """The screen as SVG, without the screenshot's own ids (colours and text stay)."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


class Counted:
    """Counts the calls of a method, on every instance."""

    def __init__(self, monkeypatch, cls, name: str) -> None:
        self.calls = 0
        self.args: list[tuple[object, ...]] = []
        original = getattr(cls, name)

        def counted(widget, *args, **kwargs):
            self.calls += 1
            self.args.append(args)
            return original(widget, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)


async def idle(pilot, seconds: float = 30.0) -> None:
    """Until the quarters either side are drawn (generous, for a loaded machine)."""
    deadline = time.monotonic() + seconds
    await pilot.pause(IDLE_BEFORE)
    while pilot.app.drawing_ahead:
        assert time.monotonic() < deadline, "the quarters either side were never drawn"
        await pilot.pause(0.05)


def top_heading(app) -> tuple[str, str]:
    """The first line's item: the home force's heading."""
    item = app.query_one(ObjectiveTree).get_node_at_line(0).data
    assert item.kpi is None
    return item.key


async def on_asb_drawn_ahead(pilot, key: tuple[str, str] | None = None) -> None:
    """Every quarter assessed, the cursor on ASB incidents (or on `key`), the quarters either
    side drawn."""
    assess_every_quarter(pilot.app)
    tree = pilot.app.query_one(ObjectiveTree)
    assert tree.select_item(key or ASB)
    tree.focus()
    await pilot.pause()
    await pilot.pause()  # the tree scrolled to the line, the detail drawn: then drawn ahead
    pilot.app.draw_ahead_later()
    await idle(pilot)


async def test_a_step_to_a_quarter_drawn_ahead_draws_nothing_afresh(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_asb_drawn_ahead(pilot)
        # the next drawing ahead waits long enough to be told apart from the step's drawing
        monkeypatch.setattr(step_ahead, "IDLE_BEFORE", 2.0)
        renders = Counted(monkeypatch, ScrollingText, "_render")
        charts = Counted(monkeypatch, HistoryChart, "draw")
        labels = Counted(monkeypatch, ObjectiveTree, "_build_label")
        rows = Counted(monkeypatch, AlertsPanel, "_row_text")
        lines = []
        monkeypatch.setattr(objective_tree, "draw_line",
                            lambda *args: lines.append(args) or draw_line(*args))
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.as_of == app.timeline.quarters[-2]
        assert (renders.calls, charts.calls, labels.calls) == (0, 0, 0)
        # of the tree's lines only the cursor's was drawn (the step left it focused)
        assert rows.calls == 0 and len(lines) <= 1
        # and, once idle again, the quarter before that is drawn ahead in turn
        await idle(pilot)
        drawn_ahead = (renders.calls, charts.calls, labels.calls)
        assert all(drawn_ahead)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (renders.calls, charts.calls, labels.calls) == drawn_ahead


async def test_a_step_to_a_quarter_drawn_ahead_on_a_heading_renders_nothing(make_app,
                                                                             monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_asb_drawn_ahead(pilot, top_heading(app))
        monkeypatch.setattr(step_ahead, "IDLE_BEFORE", 2.0)
        renders = Counted(monkeypatch, ScrollingText, "_render")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.as_of == app.timeline.quarters[-2] and renders.calls == 0
        assert app.query_one(KpiDetail).item.kpi is None


@pytest.mark.parametrize("on", ["kpi", "heading"])
async def test_what_was_drawn_ahead_is_what_a_fresh_drawing_shows(make_app, on):
    stepped = make_app()
    async with stepped.run_test(size=SIZE) as pilot:
        key = ASB if on == "kpi" else top_heading(stepped)
        await on_asb_drawn_ahead(pilot, key)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        quarter = stepped.as_of
        shown, text = drawn_screen(stepped), screen_text(stepped)
        assert stepped.query_one(KpiDetail).item.key == key
    fresh = make_app(quarter=quarter)
    async with fresh.run_test(size=SIZE) as pilot:
        tree = fresh.query_one(ObjectiveTree)
        assert tree.select_item(key)
        tree.focus()
        await pilot.pause()
        fresh.query_one(KpiDetail).draw_now()  # the draw the cursor's move left pending
        await pilot.pause()
        assert screen_text(fresh) == text
        assert drawn_screen(fresh) == shown


async def test_held_steps_put_the_drawing_ahead_off(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assess_every_quarter(app)
        app.query_one(ObjectiveTree).focus()
        await idle(pilot)
        prepared = Counted(monkeypatch, KpiDetail, "prepare")
        for _ in range(4):  # a held key's steps, each putting the drawing off again
            app.action_step(-1)
        assert app.drawing_ahead and prepared.calls == 0
        await idle(pilot)
        assert prepared.calls == 2  # the quarters either side of where the steps stopped
        assert app.as_of == app.timeline.quarters[-5]


async def test_quarters_not_yet_assessed_are_not_drawn_ahead(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        quarters = app.timeline.quarters
        prepared = Counted(monkeypatch, KpiDetail, "prepare")
        app.action_step(-1)  # to a quarter between the latest (assessed) and one not yet
        await idle(pilot)
        assert [args[0].as_of for args in prepared.args] == [quarters[-1]]
        assert app.timeline.assessed(quarters[-3]) is None
