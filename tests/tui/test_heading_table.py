"""A heading's table of KPIs: every KPI once, laid out for the pane's width, its fixed cells
kept from one quarter to the next."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.style import Style

from pcp_tui.rules.assess import build_timeline
from pcp_tui.tui.heading_table import WITH_TARGET, HeadingTables
from pcp_tui.tui.lazy_lines import Lines


class Unstyled:
    """Stands in for the pane: every component style is plain."""

    def get_component_rich_style(self, name: str, partial: bool = False) -> Style:
        return Style()


@pytest.fixture(scope="module")
def timeline(bundled_config, bundled_observations):
    return build_timeline(bundled_config, bundled_observations)


def top(assessment):
    """The plan's top line: every KPI."""
    return assessment.config.framework.by_plan()[0]


def drawn(table, width: int) -> list[str]:
    console = Console(width=width, color_system=None)
    options = console.options.update(width=width, max_width=width, height=None)
    lines = Lines.render(table(width), console, options)
    return ["".join(segment.text for segment in lines[i]) for i in range(len(lines))]


def test_the_plan_lists_each_kpi_once_with_its_latest_figure_and_target(timeline):
    assessment = timeline.at(timeline.latest)
    node = top(assessment)
    kpis = {kpi.id: kpi for kpi in node.walk_kpis()}
    table = HeadingTables().table(Unstyled(), node, assessment, Style())
    lines = drawn(table, 100)
    assert len(lines) == 1 + len(kpis)
    assert lines[0].split() == ["KPI", "latest", "target"]
    first = next(iter(kpis.values()))
    assert lines[1].split()[1] == first.title.split()[0]
    assert all(len(line) <= 100 for line in lines)


def test_a_narrow_pane_leaves_the_targets_out(timeline):
    assessment = timeline.at(timeline.latest)
    node = top(assessment)
    table = HeadingTables().table(Unstyled(), node, assessment, Style())
    assert drawn(table, WITH_TARGET - 1)[0].split() == ["KPI", "latest"]
    assert drawn(table, WITH_TARGET)[0].split() == ["KPI", "latest", "target"]


def test_the_title_and_target_cells_are_made_once_and_never_cut_in_place(timeline):
    tables = HeadingTables()
    kpi = timeline.config.framework.kpis[0]
    title, target = tables.cells(kpi)
    assert tables.cells(kpi) == (title, target) and tables.cells(kpi)[0] is title
    node = top(timeline.at(timeline.latest))
    for quarter in timeline.quarters[-2:]:
        drawn(tables.table(Unstyled(), node, timeline.at(quarter), Style()), 40)
    assert title.plain == kpi.title  # cut copies, not the kept cell
