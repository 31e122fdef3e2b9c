"""The screens as pictures (SVG), pinned: theme textual-dark, the bundled sample data, no notes,
no folder polling, nothing that depends on today's date.

Regenerate after a deliberate change of the look (and read the diff in the report):
    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.tui.plan_items import kpi_item
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel

from .conftest import TODAY

SIZES = [(80, 24), (120, 40), (200, 60)]
SIZE_IDS = ["80x24", "120x40", "200x60"]


def open_kpi(kpi_id: str):
    async def go(pilot) -> None:
        pilot.app.jump_to(kpi_item(pilot.app.config.framework.kpi(kpi_id)))
        await pilot.pause()
    return go


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_main_screen(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_kpi_detail_with_a_breach(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=open_kpi("rape-positive-outcome-rate"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_kpi_detail_of_a_milestone(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=open_kpi("police-officer-uplift"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_kpi_detail_of_a_survey_estimate(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=open_kpi("csew-asb-perception"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_problems_screen(snap_compare, make_app, project_copy, size):
    (project_copy.parent / "data" / "bad.csv").write_text(
        "kpi,force,period,value\n"
        "residential-burglary,West Midlands,2021/22 Q2,lots\n"
        "no-such-kpi,West Midlands,2021/22 Q2,5\n", encoding="utf-8")
    config = load_config(project_copy)
    observations = load_observations([config.data_folder], config, today=TODAY)
    app = make_app(config=config, observations=observations)
    assert snap_compare(app, terminal_size=size, press=["d"])


def test_alerts_filtered_to_breaches_and_warnings_with_the_tree_narrowed(snap_compare,
                                                                        make_app):
    async def filter_alerts(pilot) -> None:
        pilot.app.query_one(AlertsPanel).min_severity = "warning"
        pilot.app.alerts_only = True
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=filter_alerts)


def test_grouped_by_national_priority(snap_compare, make_app):
    async def regroup(pilot) -> None:
        pilot.app.grouping = "priority"
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=regroup)


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["question_mark"])


def test_mdc_summary(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["m"])
