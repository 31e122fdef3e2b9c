"""The screens as pictures (SVG), pinned: theme textual-dark, the bundled sample data, no notes,
no folder polling, nothing that depends on today's date.

Regenerate after a deliberate change of the look (and read the diff in the report):
    .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pcp_tui.tui.plan_items import kpi_item
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel


def test_main_screen_120x40(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 40))


def test_main_screen_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_kpi_detail_with_a_breach(snap_compare, make_app, bundled_config):
    rape = kpi_item(bundled_config.framework.kpi("rape-positive-outcome-rate"))

    async def open_kpi(pilot) -> None:
        pilot.app.jump_to(rape)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=open_kpi)


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
