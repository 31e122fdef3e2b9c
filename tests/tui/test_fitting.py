"""Nothing clipped at 80×24, 120×40 and 200×60: each pane laid out for the width it has."""

from __future__ import annotations

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.tui.plan_items import kpi_item
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.text_block import ScrollingText

from .conftest import TODAY, footer_drawn, screen_lines

SIZES = [(80, 24), (120, 40), (200, 60)]
BAD_ROWS = (
    "kpi,force,period,value\n"
    "residential-burglary,West Midlands,2021/22 Q2,lots\n"
    "no-such-kpi,West Midlands,2021/22 Q2,5\n"
)


@pytest.mark.parametrize("size", SIZES)
async def test_header_and_footer_are_whole(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await footer_drawn(pilot, app)
        lines = screen_lines(app)
        header, footer = lines[0], lines[-1]
        assert "…" not in header and "ILLUSTRATIVE SAMPLE DATA" in header.upper()
        assert header.rstrip().endswith(app.timeline.latest.label) or header.rstrip().endswith(
            ")"), header
        assert "? help" in footer and "q quit" in footer, footer
        # a quarter back: the header says so, still whole
        await pilot.press("left_square_bracket")
        await pilot.pause()
        header = screen_lines(app)[0]
        assert "…" not in header and "back" in header or "before the latest" in header


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_msf_table_keeps_its_rank_column(make_app, bundled_config, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.jump_to(kpi_item(bundled_config.framework.kpi("rape-positive-outcome-rate")))
        await pilot.pause()
        body = app.query_one(KpiDetail).query_one(ScrollingText).plain
        table = body[body.index("Most similar forces"):].split("\n\n")[0]
        assert "rank" in table
        assert "1 of 4" in table and "4 of 4" in table
        assert "of…" not in table and "ra…" not in table


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_problems_dialog_wraps_its_messages(make_app, project_copy, size):
    (project_copy.parent / "data" / "bad.csv").write_text(BAD_ROWS, encoding="utf-8")
    config = load_config(project_copy)
    observations = load_observations([config.data_folder], config, today=TODAY)
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        box = app.screen.query_one("#problems-table").region
        lines = screen_lines(app)[box.y:box.bottom]
        words = " ".join(" ".join(line[box.x:box.right - 1] for line in lines).split())
        for problem in observations.problems:
            assert " ".join(problem.expected.split()) in words, problem.expected
