"""police.uk at national scale, on the real archive files in ../shared/realdata/police-uk/
(skipped when they are not there)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pcp_tui.config import Config, bundled_config_path, load_config
from pcp_tui.importers import write_return
from pcp_tui.importers.police_uk import import_police_uk

POLICE_UK = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "police-uk"
needs_files = pytest.mark.skipif(not (POLICE_UK / "metropolitan").is_dir(),
                                 reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def plan() -> Config:
    return load_config(bundled_config_path())


@needs_files
def test_a_force_outside_the_plan_is_kept_for_the_national_picture(plan, tmp_path: Path):
    result = import_police_uk(POLICE_UK / "metropolitan", plan, hash_sources=False)
    summary = result.context["stop_search_summary"]
    met = summary.filter(pl.col("force") == "metropolitan").sort("period")
    # April 2015 to January 2016: three complete quarters, the fourth not counted short
    assert met.get_column("period").to_list() == ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3"]
    assert all(n > 30_000 for n in met.get_column("searches"))
    assert result.frame.is_empty()  # no KPI row for a force the config does not hold
    written = write_return(result, tmp_path / "out")  # context tables, never "nothing"
    assert any(p.name == "stop_search_summary.csv" for p in written.context_paths)


@needs_files
def test_month_coverage_is_judged_per_force(plan):
    result = import_police_uk([POLICE_UK / "metropolitan", POLICE_UK / "greater-manchester"],
                              plan, hash_sources=False)
    coverage = [p.found for p in result.problems if p.column == "Month"]
    # Greater Manchester has June 2019 only: its own quarter is incomplete, and nothing
    # between Metropolitan's months and its own is missing
    assert coverage == ["1 of 3 months of 2019/20 Q1 for Greater Manchester Police "
                        "(no 2019-04, 2019-05)"]
    forces = set(result.context["stop_search_summary"].get_column("force"))
    assert "metropolitan" in forces
