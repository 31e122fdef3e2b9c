"""A pane's focus restyles the pane alone: what is inside it is drawn again only when a rule
that changed reaches it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from pcp_tui.tui.focus_styles import FocusStylesSelf, focus_dependent_rules
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.history_chart import HistoryChart
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

SIZE = (120, 40)
ASB = ("kpi", "asb-incidents")


class Counted(Static):
    """Counts its repaints."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.refreshes = 0

    def refresh(self, *args, **kwargs):
        self.refreshes += 1
        return super().refresh(*args, **kwargs)


class Pane(FocusStylesSelf, Vertical, can_focus=True):
    def compose(self) -> ComposeResult:
        yield Counted("inside")


class PaneApp(App[None]):
    AUTO_FOCUS = None  # the tests give the pane its focus

    def __init__(self, css: str) -> None:
        self.CSS = css
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Pane(id="pane")
        yield Static("elsewhere", id="other")


async def test_a_border_that_changes_with_the_focus_leaves_the_inside_undrawn():
    app = PaneApp("#pane { border: round blue; border-title-color: grey; }\n"
                  "#pane:focus { border: round red; border-title-color: white; "
                  "border-title-style: bold; }")
    async with app.run_test() as pilot:
        await pilot.pause()
        pane, inside = app.query_one(Pane), app.query_one(Counted)
        assert not pane.has_focus
        before = inside.refreshes
        pane.focus()
        await pilot.pause()
        assert pane.has_focus
        assert pane.styles.border_top[1].rgb == (255, 0, 0)
        assert pane.styles.border_title_color.rgb == (255, 255, 255)
        assert inside.refreshes == before
        app.set_focus(None)
        await pilot.pause()
        assert pane.styles.border_top[1].rgb == (0, 0, 255)
        assert inside.refreshes == before


async def test_a_colour_the_inside_inherits_draws_it_again():
    app = PaneApp("#pane { color: grey; }\n#pane:focus { color: white; }")
    async with app.run_test() as pilot:
        await pilot.pause()
        pane, inside = app.query_one(Pane), app.query_one(Counted)
        assert not pane.has_focus
        before = inside.refreshes
        pane.focus()
        await pilot.pause()
        assert pane.styles.color.rgb == (255, 255, 255)
        assert inside.refreshes > before


async def test_a_rule_styled_by_the_panes_focus_is_found():
    app = PaneApp("#pane:focus Counted { color: red; }\nPane:focus-within > Static { }\n"
                  "#other:focus Counted { color: red; }\n#pane:focus { color: red; }")
    async with app.run_test() as pilot:
        await pilot.pause()
        found = focus_dependent_rules(app.stylesheet, app.query_one(Pane))
    assert sorted(found) == ["#pane:focus Counted", "Pane:focus-within > Static"]


async def test_no_rule_of_the_app_styles_anything_by_a_panes_focus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for pane in (app.query_one(ObjectiveTree), app.query_one(KpiDetail),
                     app.query_one(AlertsPanel)):
            assert isinstance(pane, FocusStylesSelf)
            assert focus_dependent_rules(app.stylesheet, pane) == []


async def test_enter_on_a_kpi_leaves_the_chart_and_the_scrollbars_undrawn(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        detail = app.query_one(KpiDetail)
        assert tree.select_item(ASB)
        await pilot.pause()
        chart = app.query_one(HistoryChart)
        bar = tree.vertical_scrollbar
        counts = {"chart": 0, "bar": 0}
        chart_refresh, bar_refresh = chart.refresh, bar.refresh

        def counted(name, original):
            def refresh(*args, **kwargs):
                counts[name] += 1
                return original(*args, **kwargs)
            return refresh

        chart.refresh = counted("chart", chart_refresh)
        bar.refresh = counted("bar", bar_refresh)
        unfocused = detail.styles.border_top
        await pilot.press("enter")
        await pilot.pause()
        assert detail.has_focus and detail.styles.border_top != unfocused
        assert counts == {"chart": 0, "bar": 0}


def component_rules(widget) -> dict[str, object]:
    return {name: styles.get_rules() for name, styles in widget._component_styles.items()}


def restyled_in_full(app, widget) -> dict[str, object]:
    """The component styles a full pass over the stylesheet gives the widget as it is now."""
    app.stylesheet.apply(widget)
    return component_rules(widget)


async def test_kept_component_styles_are_those_a_full_restyle_gives(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree, detail = app.query_one(ObjectiveTree), app.query_one(KpiDetail)
        for _ in range(3):  # the second and third rounds use what the first kept
            for pane in (detail, tree):
                pane.focus()
                await pilot.pause()
                assert component_rules(tree) == restyled_in_full(app, tree)
                assert component_rules(detail) == restyled_in_full(app, detail)
        # the tree's cursor really differs with its focus
        focused = tree._component_styles["tree--cursor"].get_rules()
        detail.focus()
        await pilot.pause()
        assert tree._component_styles["tree--cursor"].get_rules() != focused


async def test_a_new_theme_is_not_hidden_by_kept_component_styles(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree, detail = app.query_one(ObjectiveTree), app.query_one(KpiDetail)
        for pane in (detail, tree, detail, tree, detail):
            pane.focus()
            await pilot.pause()
        dark = component_rules(tree)
        app.theme = "nord"  # dark too: the same pseudo-classes as before
        await pilot.pause()
        tree.focus()
        await pilot.pause()
        nord = component_rules(tree)
        assert nord != dark
        assert nord == restyled_in_full(app, tree)
