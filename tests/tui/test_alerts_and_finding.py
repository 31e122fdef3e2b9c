"""The analyst works from the alerts: opens one, filters by severity, narrows the tree, finds a
KPI with the command palette."""

from __future__ import annotations

from pcp_tui.alerts import SEVERITY_RANK
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .conftest import screen_text, title_of

SIZE = (120, 40)


async def test_alerts_are_listed_most_urgent_first_with_counts(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        alerts = app.query_one(AlertsPanel)
        shown = alerts.shown
        assert shown == list(app.assessment.alerts)
        ranks = [SEVERITY_RANK[a.severity] for a in shown]
        assert ranks == sorted(ranks)
        title = title_of(alerts)
        breaches = sum(a.severity == "breach" for a in shown)
        assert f"Alerts {len(shown)} in 2021/22 Q2" in title
        assert f"✖{breaches} breach" in title
        first = alerts.lines[0]
        assert first.startswith("✖  breach")
        assert "new" in first or "since" in first


async def test_enter_on_an_alert_selects_its_kpi(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        alerts = app.query_one(AlertsPanel)
        rape = next(i for i, a in enumerate(alerts.shown)
                    if a.kpi == "rape-positive-outcome-rate")
        alerts.focus()
        alerts.move_cursor(rape)
        await pilot.press("enter")
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert tree.cursor_item.id == "rape-positive-outcome-rate"
        detail = app.query_one(KpiDetail)
        assert detail.item.id == "rape-positive-outcome-rate"
        assert "Positive outcome rate: Rape" in detail.title_text
        assert alerts.has_focus  # the analyst can go on down the list


async def test_clicking_an_alert_selects_its_kpi(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        alerts = app.query_one(AlertsPanel)
        second = alerts.shown[1]
        # line 0 of the panel is the column header; the second alert is on content line 2
        await pilot.click(AlertsPanel, offset=(10, 1 + 2))
        await pilot.pause()
        assert app.query_one(ObjectiveTree).cursor_item.id == second.kpi


async def test_severity_filter_cycles_and_alerts_only_tree(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        alerts = app.query_one(AlertsPanel)
        tree = app.query_one(ObjectiveTree)
        everything = alerts.shown
        await pilot.press("s")
        assert alerts.min_severity == "signal"
        assert {a.severity for a in alerts.shown} <= {"breach", "warning", "signal"}
        await pilot.press("s")
        assert {a.severity for a in alerts.shown} <= {"breach", "warning"}
        assert "showing breach, warning" in title_of(alerts)
        await pilot.press("s")
        assert {a.severity for a in alerts.shown} == {"breach"}

        await pilot.press("a")  # the tree shows only the KPIs with a breach
        await pilot.pause()
        kpis = {n.data.id for n in tree._walk(tree.root) if n.data.kind == "kpi"}
        assert kpis == {a.kpi for a in alerts.shown}
        assert "only KPIs with alerts" in title_of(tree)

        await pilot.press("s")  # back to every alert: the tree follows
        await pilot.pause()
        assert alerts.shown == everything
        kpis = {n.data.id for n in tree._walk(tree.root) if n.data.kind == "kpi"}
        assert kpis == {a.kpi for a in everything}

        await pilot.press("a")
        await pilot.pause()
        assert tree.alert_kpis is None
        assert len({n.data.id for n in tree._walk(tree.root) if n.data.kind == "kpi"}) > len(
            kpis)


async def test_alerts_only_follows_the_quarter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        await pilot.press("a", "[")
        await pilot.pause()
        assert tree.alert_kpis == frozenset(a.kpi for a in app.assessment.alerts)
        assert app.assessment.as_of.label == "2021/22 Q1"


async def test_palette_jumps_to_a_kpi(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"residential burglary")
        await pilot.pause(0.3)
        assert "Residential burglary" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert tree.cursor_item.id == "residential-burglary"
        assert tree.has_focus


async def test_palette_jumps_to_a_national_priority_and_regroups(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.jump_to(next(item for item in _items(app) if item.kind == "priority"
                         and item.id == "cyber-crime"))
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert app.grouping == "priority"
        assert tree.cursor_item.key == ("priority", "cyber-crime")


def _items(app):
    from pcp_tui.tui.plan_items import all_items

    return all_items(app.config.framework)


async def test_palette_search_scores_words_in_titles(make_app):
    from pcp_tui.tui.commands import score

    app = make_app()
    items = {item.key: item for item in _items(app)}
    rape = items[("kpi", "rape-positive-outcome-rate")]
    assert score("rape positive", rape) > score("rape", items[("kpi", "residential-burglary")])
    assert score("nothing like this", rape) == 0
    objective = next(item for item in items.values() if item.kind == "objective")
    assert score(objective.title.split()[0], objective) > 0


async def test_a_new_theme_redraws_the_alerts_in_its_colours(make_app):
    def second_row(panel: AlertsPanel) -> list:  # (the first has the cursor's colours)
        # the columns' header and the second alert
        return [(segment.text, segment.style) for y in (0, 2) for segment in panel.render_line(y)]

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dark = second_row(app.query_one(AlertsPanel))  # drawn in the first theme
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        recoloured = second_row(app.query_one(AlertsPanel))
    fresh = make_app()
    fresh.theme = "textual-light"
    async with fresh.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second_row(fresh.query_one(AlertsPanel)) == recoloured != dark
