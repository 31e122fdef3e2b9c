"""`m`: the Making Data Count summary matrix; Enter on a KPI opens it in the main screen."""

from __future__ import annotations

from pcp_tui.rules import spc as spc_plain
from pcp_tui.tui.screens.mdc_summary import (
    NO_ICON,
    NO_TARGET,
    MdcCell,
    MdcSummaryScreen,
    mdc_cell,
    mdc_matrix,
)
from pcp_tui.tui.widgets.kpi_detail import KpiDetail

from .conftest import screen_text


def test_every_kpi_is_in_the_cell_of_its_icons(make_app):
    app = make_app()
    statuses = list(app.timeline.at().home_statuses.values())
    cells = mdc_matrix(statuses)
    assert sum(len(kpis) for kpis in cells.values()) == len(statuses)
    for (row, column), kpis in cells.items():
        for status in kpis:
            assert status.spc.variation_icon == (None if row == NO_ICON else row)
            assert status.spc.assurance == (None if column == NO_TARGET else column)


def test_a_kpi_without_spc_or_target_goes_in_the_none_row_and_no_target_column(make_app):
    statuses = make_app().timeline.at().home_statuses.values()
    none = [s for s in statuses if s.spc.variation_icon is None and s.spc.assurance is None]
    assert none, "the sample data has KPIs with too few points for SPC"
    assert {mdc_cell(s) for s in none} == {(NO_ICON, NO_TARGET)}


async def test_m_opens_the_matrix_and_enter_opens_the_kpi(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MdcSummaryScreen)
        text = screen_text(app)
        for heading in ("Consistently pass", "Hit and miss", "Consistently fail", "No target",
                        "Special cause concern", "Common cause"):
            assert heading in text
        cell = app.screen.query_one(f"#mdc-{spc_plain.ICON_COMMON_CAUSE}-"
                                    f"{spc_plain.ASSURANCE_FAIL}", MdcCell)
        cell.focus()
        await pilot.pause()
        expected = cell.get_option_at_index(0).id
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MdcSummaryScreen)
        detail = app.query_one(KpiDetail)
        assert detail.item is not None and detail.item.id == expected
        assert detail.has_focus


async def test_escape_closes_the_matrix_and_the_help_lists_its_key(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, MdcSummaryScreen)
        lines = [line for pane in app.help_panes() for line in pane.keys]
        assert any("m" in line.keys and "Making Data Count" in line.description
                   for line in lines)
