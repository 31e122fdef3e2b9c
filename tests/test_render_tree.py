"""The plan tree (render_tree): it fits, and marks stale and lagging figures."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from printed_text import render
from rich.cells import cell_len

from pcp_tui.render_tree import summary_tree
from pcp_tui.rules.assess import Assessment, build_timeline

# the tree ---------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_summary_tree_fits(assessment: Assessment, width: int) -> None:
    out = render(summary_tree(assessment), width)
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert out.splitlines()[0].startswith("West Midlands Police · Police and Crime Plan")


def test_summary_tree_marks_a_stale_figure_with_the_stale_glyph(assessment: Assessment) -> None:
    out = render(summary_tree(assessment), 160)
    line = next(line for line in out.splitlines() if " CSEW confidence " in line
                or "CSEW co" in line)
    assert line.split("CSEW")[0].endswith("◌ ")  # not "· no data" beside its 55.3%
    assert "55.3%" in line and "†" not in line


def test_summary_tree_marks_a_lagging_figure_with_a_dagger(assessment: Assessment) -> None:
    observations = assessment.timeline.observations  # PCSOs without their latest quarter
    cut = observations.frame.filter((pl.col("kpi") != "pcsos")
                                    | (pl.col("period") < assessment.as_of.start))
    earlier = build_timeline(assessment.config, replace(observations, frame=cut)).at(
        assessment.as_of)
    status = earlier.status("pcsos")
    assert status.freshness == "lagging"
    out = render(summary_tree(earlier), 160)
    line = next(line for line in out.splitlines() if f" {status.kpi.short} " in line)
    assert f"{status.kpi.unit.format(status.latest_value)}†" in line
    assert "◌" not in line
