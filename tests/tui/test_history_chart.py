"""The detail pane's chart, read off the rendered screen: it grows with the pane, carries a
value axis and the financial years, and draws what the KPI is managed to — the baseline of a
trajectory, a milestone's path and goal, a survey's confidence interval, rebased limits and
the quarters with notes — each with its legend entry."""

from __future__ import annotations

import re

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.notes import NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.tui.plan_items import kpi_item
from pcp_tui.tui.widgets.history_chart import HistoryChart, value_ticks

from .conftest import ROOT, TODAY, screen_lines, screen_text

TICK = re.compile(r"^\s*(-?[\d,.]+)\D{0,2} ┤")


async def open_chart(app, pilot, kpi_id: str) -> list[str]:
    """The chart's rows as the terminal shows them."""
    await pilot.pause()
    app.jump_to(kpi_item(app.config.framework.kpi(kpi_id)))
    await pilot.pause()
    await pilot.pause()
    region = app.query_one(HistoryChart).region
    lines = screen_lines(app)
    return [line.ljust(region.right)[region.x:region.right]
            for line in lines[region.y:region.bottom]]


def value_rows(chart: list[str]) -> dict[int, float]:
    return {number: float(m.group(1).replace(",", ""))
            for number, line in enumerate(chart) if (m := TICK.match(line))}


@pytest.mark.parametrize(("size", "at_least"), [((80, 24), 7), ((120, 40), 10), ((200, 60), 16)])
async def test_the_chart_grows_with_the_pane(make_app, size, at_least):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        chart = await open_chart(app, pilot, "rape-positive-outcome-rate")
        assert len(chart) >= at_least
        # the value axis runs the whole height above the two quarter rows
        assert all(("┤" in line or "│" in line) for line in chart[:-2])
        assert "└" in chart[-2]
        if size == (200, 60):
            # a share of the pane, not the ten rows of a small terminal
            pane = app.query_one("#detail").size.height
            assert len(chart) >= pane * 0.35


async def test_a_value_axis_of_round_ticks_and_the_financial_years(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_chart(app, pilot, "da-outstanding-suspects")
    ticks = value_rows(chart)
    assert len(ticks) >= 3
    rows, values = list(ticks), list(ticks.values())
    assert values == sorted(values, reverse=True)
    steps = {round(a - b, 6) for a, b in zip(values, values[1:])}
    assert len(steps) == 1  # evenly spaced
    axis, labels = chart[-2], chart[-1]
    years = re.findall(r"20\d\d/\d\d", labels)
    assert years[:4] == ["2017/18", "2018/19", "2019/20", "2020/21"]
    # each year's label starts under the tick of its Q1
    for year in years[:-1]:
        assert axis[labels.index(year)] in "┬╤"
    assert rows == sorted(rows)


def test_value_ticks_are_round_and_span_the_range():
    for low, high in [(0, 1), (52.3, 58.9), (0.012, 0.019), (100, 12345), (-3, 4)]:
        ticks = value_ticks(low, high)
        assert len(ticks) >= 3
        assert low <= ticks[0] and ticks[-1] <= high


async def test_the_baseline_window_of_a_trajectory_is_marked_on_the_quarter_axis(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_chart(app, pilot, "da-outstanding-suspects")
        text = screen_text(app)
    axis, labels = chart[-2], chart[-1]
    marked = [i for i, char in enumerate(axis) if char in "═╤"]
    assert marked, axis
    # the baseline is 2019/20: it starts at that year's tick and stops before the next year's
    assert axis[labels.index("2019/20")] == "╤"
    assert max(marked) < labels.index("2020/21")
    assert "═ baseline 2019/20" in text


async def test_a_milestone_draws_its_planned_path_to_the_goal_at_the_deadline(make_app):
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        chart = await open_chart(app, pilot, "police-officer-uplift")
        text = screen_text(app)
    body = "\n".join(chart[:-2])
    assert body.count("·") >= 5
    assert "╌" in body
    # the goal sits at the deadline (2022/23 Q4), the chart's right-hand end
    goal_row = next(line for line in chart if "◎" in line)
    assert goal_row.rstrip().endswith("◎")
    assert "2022/23" in chart[-1]
    assert "planned path from 2019/20 Q2" in text
    assert "╌ goal 1,200 (◎ by 2022/23 Q4)" in text


async def test_a_survey_estimate_shows_its_confidence_interval(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_chart(app, pilot, "csew-asb-perception")
        text = screen_text(app)
    shaded = [number for number, line in enumerate(chart) if "░" in line]
    series = [number for number, line in enumerate(chart)
              if any(0x2800 < ord(c) <= 0x28FF for c in line)]
    # the band reaches above and below the line of estimates
    assert min(shaded) < min(series) and max(shaded) > max(series)
    assert "░ 95% confidence interval" in text


async def test_no_band_without_intervals(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_chart(app, pilot, "da-outstanding-suspects")
        text = screen_text(app)
    assert "░" not in "".join(chart)
    assert "confidence interval" not in text


async def test_rebase_points_and_notes_are_marked_at_their_quarters(project_copy, make_app,
                                                                    notes_path):
    source = project_copy.read_text(encoding="utf-8")
    anchor = 'id = "da-outstanding-suspects"\n'
    project_copy.write_text(source.replace(anchor, anchor + 'spc_rebase = ["2020/21 Q1"]\n'),
                            encoding="utf-8")
    config = load_config(project_copy)
    observations = load_observations([config.data_folder], config, today=TODAY)
    NotesLog(notes_path).add("da-outstanding-suspects", Quarter(2018, 3), "reflection",
                             "A backlog was cleared", author="analyst")
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=(200, 60)) as pilot:
        chart = await open_chart(app, pilot, "da-outstanding-suspects")
        text = screen_text(app)
    axis, labels = chart[-2], chart[-1]
    # the rebase runs down the plot at 2020/21 Q1, the tick of that year
    column = labels.index("2020/21")
    assert all(line[column] == "┆" or 0x2800 <= ord(line[column]) <= 0x28FF
               or line[column] == "◆" for line in chart[:-2])
    assert sum(line[column] == "┆" for line in chart[:-2]) >= 3
    # the note is in 2018/19 Q3: after that year's tick, before the next year's
    note = axis.index("✎")
    assert labels.index("2018/19") < note < labels.index("2019/20")
    assert "┆ limits rebased from 2020/21 Q1" in text
    assert "✎ a note" in text


async def test_without_rebases_or_notes_neither_is_drawn(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_chart(app, pilot, "da-outstanding-suspects")
        text = screen_text(app)
    assert "┆" not in "".join(chart) and "✎" not in chart[-2]
    assert "rebased" not in text and "✎ a note" not in text


@pytest.mark.parametrize("points", [
    ((Quarter(2020, 1), 5.0, None),),  # one quarter
    tuple((Quarter(2019, q), 7.0, None) for q in (1, 2, 3, 4)),  # the same value throughout
])
async def test_one_point_or_a_flat_series_still_gets_an_axis(points):
    from textual.app import App

    from pcp_tui.config import load_config as load
    from pcp_tui.tui.legible import legible_variables
    from pcp_tui.tui.widgets.history_chart import ChartData

    unit = load(ROOT / "config.toml").framework.kpi("da-outstanding-suspects").unit

    class One(App):
        def get_css_variables(self) -> dict[str, str]:
            return legible_variables(super().get_css_variables())

        def compose(self):
            yield HistoryChart()

    app = One()
    async with app.run_test(size=(60, 12)) as pilot:
        app.query_one(HistoryChart).data = ChartData(
            unit=unit, points=points, band=((points[0][0], 4.0, 9.0),))
        await pilot.pause()
        lines = screen_lines(app)
    assert len(value_rows(lines)) >= 3
    assert any("░" in line for line in lines)
    assert points[0][0].fy_label in lines[-1] or points[0][0].label in lines[-1]
