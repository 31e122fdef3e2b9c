"""The analyst walks the plan: moves, folds, reads a KPI, steps through quarters, regroups."""

from __future__ import annotations

from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .conftest import screen_lines, screen_text, title_of

SIZE = (120, 40)


def tree_line(app, kpi_short: str) -> str:
    return next(line for line in screen_lines(app) if f" {kpi_short} " in line)


async def test_opens_on_the_latest_quarter_with_every_kpi(make_app, bundled_config):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = screen_lines(app)[0]
        assert "West Midlands Police" in header
        assert "as of 2021/22 Q2" in header
        tree = app.query_one(ObjectiveTree)
        shown = {node.data.id for node in tree._walk(tree.root) if node.data.kind == "kpi"}
        assert shown == set(bundled_config.framework.kpi_ids)
        # national-only KPIs have their own node at the end of the plan
        assert tree.root.children[-1].data.title == "National measures only"
        assert tree.has_focus


async def test_moving_and_folding_with_arrows_and_vim_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ObjectiveTree)
        await pilot.pause()
        assert tree.cursor_item.kind == "section"
        await pilot.press("j")
        assert tree.cursor_item.kind == "objective"
        await pilot.press("down", "down")
        assert tree.cursor_item.kind == "kpi"
        await pilot.press("k")
        assert tree.cursor_item.kind == "kpi"
        await pilot.press("up")
        objective = tree.cursor_node
        assert objective.data.kind == "objective" and objective.is_expanded
        await pilot.press("h")  # fold
        assert not objective.is_expanded
        await pilot.press("h")  # already folded: to the parent section
        assert tree.cursor_item.kind == "section"
        await pilot.press("j", "l")  # unfold the objective again
        assert objective.is_expanded
        await pilot.press("l")  # on an unfolded node: into its first child
        assert tree.cursor_node.parent is objective
        await pilot.press("left")  # a KPI: to its parent
        assert tree.cursor_node is objective
        await pilot.press("G")
        assert tree.cursor_line == tree.last_line
        await pilot.press("g")
        assert tree.cursor_line == 0


async def test_highlighting_a_kpi_fills_the_detail(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ObjectiveTree)
        await pilot.pause()
        tree.select_item(("kpi", "rape-positive-outcome-rate"))
        await pilot.pause()
        detail = app.query_one(KpiDetail)
        assert detail.item.id == "rape-positive-outcome-rate"
        text = screen_text(app)
        assert "Positive outcome rate: Rape  ✖ red" in text
        assert "more than 5%  →  ✖ red" in text
        assert "3.9% in 2021/22 Q2" in text
        # Enter on a KPI moves to the detail pane, Escape comes back
        await pilot.press("enter")
        assert detail.has_focus
        await pilot.press("escape")
        assert tree.has_focus


async def test_quarter_steps_move_every_pane(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ObjectiveTree)
        alerts = app.query_one(AlertsPanel)
        await pilot.pause()
        tree.select_item(("kpi", "rape-positive-outcome-rate"))
        await pilot.pause()
        assert "3.9%" in tree_line(app, "Rape POR")

        await pilot.press("[")
        await pilot.pause()
        assert "as of 2021/22 Q1" in screen_lines(app)[0]
        assert "4.1%" in tree_line(app, "Rape POR")
        assert "4.1% in 2021/22 Q1" in screen_text(app)
        assert "Alerts" in title_of(alerts) and "2021/22 Q1" in title_of(alerts)
        assert all(alert.quarter.label == "2021/22 Q1" for alert in alerts.shown)

        await pilot.press("[", "[")
        await pilot.pause()
        assert "as of 2020/21 Q3" in screen_lines(app)[0]
        assert "quarters before the latest" in screen_lines(app)[0]
        await pilot.press("]")
        await pilot.pause()
        assert "as of 2020/21 Q4" in screen_lines(app)[0]
        await pilot.press("L")
        await pilot.pause()
        assert "as of 2021/22 Q2" in screen_lines(app)[0]
        assert "3.9%" in tree_line(app, "Rape POR")
        # the cursor stayed on the KPI all along
        assert tree.cursor_item.id == "rape-positive-outcome-rate"


async def test_stepping_past_either_end_stays_put(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("]")
        assert app.as_of.label == "2021/22 Q2"
        for _ in range(30):
            await pilot.press("[")
        assert app.as_of == app.timeline.quarters[0]


async def test_regrouping_by_national_priority(make_app, bundled_config):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ObjectiveTree)
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        tops = [node.data for node in tree.root.children]
        assert [item.kind for item in tops] == ["priority"] * 6
        assert [item.id for item in tops] == [p.id for p in bundled_config.framework.priorities]
        assert "Reduce murder and other homicide" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert tree.root.children[0].data.kind == "section"


async def test_slash_filters_the_tree_and_escape_clears(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ObjectiveTree)
        await pilot.pause()
        await pilot.press("slash")
        await pilot.press(*"burglary")
        await pilot.pause()
        kpis = [n.data for n in tree._walk(tree.root) if n.data.kind == "kpi"]
        assert kpis and all("burglary" in item.title.casefold() for item in kpis)
        await pilot.press("escape")
        await pilot.pause()
        assert tree.has_focus
        assert tree.filter_text == ""
        all_kpis = [n for n in tree._walk(tree.root) if n.data.kind == "kpi"]
        assert len(all_kpis) > len(kpis)


async def test_small_terminal_still_shows_every_pane(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "as of 2021/22 Q2" in lines[0]
        text = "\n".join(lines)
        assert "Plan" in text and "Alerts" in text
        assert app.screen.has_class("-narrow") and app.screen.has_class("-short")


async def test_opens_at_the_quarter_asked_for(make_app):
    from pcp_tui.periods import Quarter

    app = make_app(quarter=Quarter(2020, 4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "as of 2020/21 Q4" in screen_lines(app)[0]
    app = make_app(quarter=Quarter(2030, 1))  # after the data: the latest, and a word why
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.as_of.label == "2021/22 Q2"
        assert any("No data for 2030/31 Q1" in message for _, _, message in app.notices)


async def test_a_stale_figure_is_marked_stale_in_the_tree_and_the_help(make_app):
    """CSEW confidence has no figure since 2019/20 Q4: its figure is shown beside the stale
    mark (as `summary` and the report show it), never beside "no data"."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = app.assessment.home_statuses["csew-confidence"]
        assert status.freshness == "stale"
        app.query_one(ObjectiveTree).select_item(("kpi", "csew-confidence"))
        await pilot.pause()
        line = tree_line(app, "CSEW confidence")
        assert "◌ CSEW confidence" in line and "55.3%" in line
        assert "·" not in line.split("CSEW")[0]
        await pilot.press("question_mark")
        await pilot.pause()
        app.screen.query_one("#help-body").scroll_end(animate=False)  # the symbols, last
        await pilot.pause()
        assert "◌ stale: figure older" in screen_text(app)
        symbols = str(app.screen.query_one("#help-symbols").content)
        assert "◌ stale: figure older than the as-of quarter allows; not judged" in symbols
