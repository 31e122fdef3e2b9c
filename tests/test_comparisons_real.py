"""Comparisons on the real ONS Police Force Area tables: same window, same source, ONS-only.

The tables in ../shared/realdata/ons-pfa are imported as `pcp-tui import ons-pfa` would; the
tests skip themselves when the folder is absent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.importers.returns import write_return
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import build_timeline

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata" / "ons-pfa"
TODAY = date(2021, 11, 26)

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="module")
def ons_folder(config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ons")
    result = import_ons_pfa(REAL, config)
    assert result.problems == ()
    write_return(result, folder)
    return folder


@pytest.fixture(scope="module")
def ons_only(config, ons_folder):
    return build_timeline(config, load_observations([ons_folder], config, today=TODAY))


@pytest.fixture(scope="module")
def sample_and_ons(config, ons_folder):
    paths = [ROOT / "data", ons_folder]
    return build_timeline(config, load_observations(paths, config, today=TODAY))


def test_a_suppressed_force_is_listed_and_left_out_of_the_rank_and_the_mean(ons_only):
    # Greater Manchester is `..` in the editions ending September and December 2019: its
    # figure for the 12 months ending June 2019 must not stand in for the 12 months to Q3
    status = ons_only.at(Quarter(2019, 3)).status("residential-burglary")
    msf = status.msf
    assert msf.window == Quarter(2019, 3)
    assert msf.window_label == "the 12 months to 2019/20 Q3"
    assert msf.source == "published"
    by_force = {e.force: e for e in msf.entries}
    gmp = by_force["greater-manchester"]
    assert (gmp.value, gmp.basis, gmp.rank) == (None, None, None)
    assert gmp.missing == "suppressed in the source"
    assert msf.n == 3
    # 6.43 per 1,000 against the mean of Merseyside and West Yorkshire (6.02): worse
    assert msf.gap_pct == pytest.approx(6.7, abs=0.05)
    assert msf.home_rank == 2


def test_a_lagging_home_figure_is_compared_on_its_own_window(sample_and_ons, config):
    # the sample's burglary series stop at 2021/22 Q2 for every force; at 2019/20 Q3 the ONS
    # figures are the latest for all four forces; Greater Manchester's are suppressed there
    status = sample_and_ons.at(Quarter(2019, 3)).status("residential-burglary")
    gmp = next(e for e in status.msf.entries if e.force == "greater-manchester")
    assert status.source == "published"
    assert gmp.basis is None
    assert gmp.missing is not None
    assert status.msf.n == 3


def test_baseline_and_comparison_stay_in_one_source_beside_the_import(sample_and_ons, config):
    # the sample alone: homicides 56 in the 12 months to 2021/22 Q2 against its own 55 of the
    # 12 months ending June 2019; the ONS 53 for that baseline must not be mixed in
    sample = build_timeline(config, load_observations([ROOT / "data"], config, today=TODAY))
    alone = sample.at(Quarter(2021, 2)).status("homicides")
    both = sample_and_ons.at(Quarter(2021, 2)).status("homicides")
    assert both.source == alone.source == "quarters"
    assert (both.comparison, both.baseline) == (alone.comparison, alone.baseline)
    assert both.baseline == 55
    assert both.rag == alone.rag
    # at 2019/20 Q3 the published figures are the latest: both values come from them
    then = sample_and_ons.at(Quarter(2019, 3)).status("homicides")
    assert then.source == "published"
    assert then.baseline == 53


def test_ons_only_data_is_a_first_class_series(ons_only):
    at = ons_only.at(Quarter(2019, 3))
    status = at.status("residential-burglary")
    assert status.source == "published"
    assert status.comparison == 18739
    assert status.comparison_label == "the 12 months to 2019/20 Q3"
    assert status.national_baseline is not None
    # its own baseline, 2019/20, has not finished; homicides are judged against the 12 months
    # ending June 2019, from the same published series
    homicides = at.status("homicides")
    assert (homicides.source, homicides.baseline) == ("published", 53)
    assert homicides.rag in ("green", "amber", "red")
    assert "the 12 months to 2019/20 Q3" in homicides.explanation
    history = at.history("residential-burglary")
    assert [q for q, _ in history] == [Quarter(2017, 4), *(Quarter(2018, i) for i in (1, 2, 3, 4)),
                                       *(Quarter(2019, i) for i in (1, 2, 3))]
    assert history[-1][1] == 18739
    assert status.spc.n_points == 0  # no XmR limits on overlapping rolling sums
    assert status.twelve_month_only


def test_ons_only_show_tables_the_twelve_month_figures(config, ons_folder):
    from rich.console import Console

    from pcp_tui.render_kpi import kpi_printout

    timeline = build_timeline(config, load_observations([ons_folder], config, today=TODAY))
    console = Console(width=100, record=True, color_system=None)
    console.print(kpi_printout(timeline.at(Quarter(2019, 3)), "residential-burglary"))
    text = console.export_text()
    assert "12 months to" in text
    assert "18,739" in text
    assert "No figures yet." not in text
    assert "no control limits on overlapping 12-month figures" in text
