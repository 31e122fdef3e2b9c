"""What keeps keys quick, checked by behaviour (the timings are in benchmarks/): the footer is
rebuilt only when the keys it shows change."""

from __future__ import annotations

from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.key_footer import KeyFooter
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .conftest import screen_text

SIZE = (120, 40)
ASB = ("kpi", "asb-incidents")


async def test_moving_between_panes_keeps_the_footer_and_a_keymap_rebuilds_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        before = footer.rebuilds
        assert before >= 1 and "[] quarter" in screen_text(app).splitlines()[-1]
        tree = app.query_one(ObjectiveTree)
        assert tree.select_item(ASB)
        await pilot.press("enter")  # the detail pane takes the focus
        await pilot.pause()
        assert app.query_one(KpiDetail).has_focus
        app.query_one(AlertsPanel).focus()
        await pilot.pause()
        tree.focus()
        await pilot.pause()
        assert footer.rebuilds == before
        assert "[] quarter" in screen_text(app).splitlines()[-1]

        app.set_keymap({"quarter.earlier": "comma", "quarter.later": "full_stop"})
        await pilot.pause()
        assert footer.rebuilds == before + 1
        assert ", ." in screen_text(app).splitlines()[-1] or (
            ",." in screen_text(app).splitlines()[-1])
