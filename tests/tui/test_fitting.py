"""Nothing clipped at 80×24, 120×40 and 200×60: each pane laid out for the width it has."""

from __future__ import annotations

import re

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.rules.assess import build_timeline
from pcp_tui.tui.plan_items import kpi_item, status_value, widest_figure
from pcp_tui.tui.tree_labels import SPARK_STEPS, kpi_columns
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
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


# Published 12-month figures only, as the ONS tables give them: the tree marks each `12m`.
TWELVE_MONTH_FIGURES = (
    "kpi,force,period,value_12m\n"
    "asb-incidents,west-midlands,2019/20 Q1,44790\n"
    "asb-incidents,west-midlands,2019/20 Q2,44804\n"
    "violence-with-injury,west-midlands,2019/20 Q1,1233001\n"
    "violence-with-injury,west-midlands,2019/20 Q2,1234567\n"
)


@pytest.mark.parametrize("size", SIZES)
async def test_a_figure_with_its_mark_is_shown_whole_in_the_tree(make_app, bundled_config,
                                                                 tmp_path, size):
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "ons.csv").write_text(TWELVE_MONTH_FIGURES, encoding="utf-8")
    observations = load_observations([folder], bundled_config, today=TODAY)
    app = make_app(observations=observations)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        # the wider figure is beyond the column's cap: it takes the room from its own title
        for kpi_id, shown in (("asb-incidents", "44,804 12m"),
                              ("violence-with-injury", "1,234,567 12m")):
            kpi = bundled_config.framework.kpi(kpi_id)
            app.jump_to(kpi_item(kpi))
            await pilot.pause()
            line = tree_line(app, kpi.short[:6])
            assert shown in line, line
            assert line.index(shown) > line.index(kpi.short[:6]), line


@pytest.mark.parametrize("size", SIZES)
async def test_a_figure_with_its_mark_is_shown_whole_in_a_sections_table(
        make_app, bundled_config, tmp_path, size):
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "ons.csv").write_text(TWELVE_MONTH_FIGURES, encoding="utf-8")
    observations = load_observations([folder], bundled_config, today=TODAY)
    app = make_app(observations=observations)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        detail = app.query_one(KpiDetail)
        assert detail.item.kind == "section"  # the first line: the plan's first section
        await pilot.pause()
        body = detail.query_one(ScrollingText).plain
        line = next(line for line in body.splitlines() if "Anti-social" in line)
        assert "44,804 (12 months)" in line or line.endswith("44,804 12m"), line


def tree_line(app, title: str) -> str:
    """The tree's KPI line whose title starts with `title` (the part of the screen's line
    inside the tree)."""
    box = app.query_one(ObjectiveTree).region
    starts = re.compile(rf"─ \S {re.escape(title)}")
    return next(line[box.x:box.right] for line in screen_lines(app)[box.y:box.bottom]
                if starts.search(line[box.x:box.right]))


@pytest.mark.parametrize("size", SIZES)
async def test_a_commitments_status_is_shown_whole_in_the_tree(make_app, bundled_config,
                                                               size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for kpi_id, shown in (("fraud-victim-survey", "not started"),
                              ("s163-traffic-stops", "in progress")):
            kpi = bundled_config.framework.kpi(kpi_id)
            app.jump_to(kpi_item(kpi))
            await pilot.pause()
            line = tree_line(app, kpi.short[:6])
            assert f" {shown} " in line, line


@pytest.mark.parametrize("folder", ["bundled", "12-month figures"])
def test_the_value_column_holds_every_figure_of_every_quarter(bundled_config,
                                                              bundled_observations, tmp_path,
                                                              folder):
    observations = bundled_observations
    if folder != "bundled":
        (tmp_path / "ons.csv").write_text(TWELVE_MONTH_FIGURES, encoding="utf-8")
        observations = load_observations([tmp_path], bundled_config, today=TODAY)
    timeline = build_timeline(bundled_config, observations)
    home = bundled_config.settings.home_force
    widest = widest_figure(timeline, home, compact=True)
    shown = [status_value(status, compact=True)
             for quarter in timeline.quarters
             for status in timeline.bare(quarter).home_statuses.values()
             if status.kpi.target.kind != "commitment"]
    assert widest == max(len(value) for value in shown)


def test_a_kpi_line_gives_up_its_sparkline_and_title_before_its_figure():
    column = 10
    for width in range(3, 90):
        plain = kpi_columns(width, column, 1)
        if plain[2]:  # a sparkline only where the title keeps its cells
            assert plain[0] >= dict(SPARK_STEPS)[plain[2]]
        for value in (1, 8, 10, 11, 14, 30):
            title, cells, spark = kpi_columns(width, column, value)
            assert 2 + title + 1 + cells + (spark + 1 if spark else 0) == width
            if value <= column:
                assert (title, cells, spark) == plain  # the same column on every line
                continue
            # a wider value: from its own title first, then its sparkline, only then cut
            assert spark in (plain[2], 0)
            assert spark == plain[2] or value - column > plain[0]
            assert cells == value or (title == 0 and spark == 0), (width, value)
