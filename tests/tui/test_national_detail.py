"""The detail pane's national position and funnel chart, on the real ONS tables (skipped when
../shared/realdata is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_tui.dataset import load_observations
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.importers.returns import write_return
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.text_block import ScrollingText

from .conftest import ROOT, TODAY

REAL = ROOT.parent / "shared" / "realdata" / "ons-pfa"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture
def ons_observations(bundled_config, tmp_path: Path):
    write_return(import_ons_pfa(REAL, bundled_config), tmp_path)
    return load_observations([tmp_path], bundled_config, today=TODAY)


async def test_the_detail_pane_places_the_home_force_among_all_forces(make_app,
                                                                      ons_observations):
    app = make_app(observations=ons_observations)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.query_one(ObjectiveTree).select_item(("kpi", "residential-burglary"))
        await pilot.pause()
        text = app.query_one(KpiDetail).query_one(ScrollingText).plain
        words = " ".join(text.split())
        assert "All forces: the 12 months to 2019/20 Q3; from published 12-month figures" in words
        assert "Rank 38 of 42 (1 is the lowest rate)" in words
        assert "Funnel: within the 95 % limits for its population" in words
        # the funnel chart: the home force's mark, the axis and the key
        assert "◆" in text and "population (log scale)" in text
        assert "· 95 %  : 99.8 %" in text
        # the chart fits the pane: no line of it wraps
        width = app.query_one(KpiDetail).query_one(ScrollingText).size.width
        chart = text[text.index("Limits at"):text.index("─ all forces")]
        assert all(len(line) <= width for line in chart.splitlines())
        axis = [line for line in text.splitlines() if "population (log scale)" in line]
        assert axis and axis[0].rstrip().endswith("8,899,400")
