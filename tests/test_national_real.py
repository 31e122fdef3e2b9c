"""The national picture on the real ONS Police Force Area tables: all 43 forces.

The tables in ../shared/realdata/ons-pfa are imported as `pcp-tui import ons-pfa` does; the
tests skip themselves when the folder is absent.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from pcp_tui.cli.main import main
from pcp_tui.importers.areas import TERRITORIAL_FORCES
from pcp_tui.periods import Quarter

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata" / "ons-pfa"
CONFIG = ROOT / "config.toml"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("ons")
    capture = pytest.MonkeyPatch()
    buffer = io.StringIO()
    capture.setattr("sys.stdout", buffer)
    try:
        status = main(["import", "ons-pfa", *map(str, sorted(REAL.glob("*.xlsx"))),
                       "--out", str(out), "--config", str(CONFIG), "--no-color",
                       "--width", "200"])
    finally:
        capture.undo()
    return status, buffer.getvalue(), out


def test_the_import_keeps_all_43_forces_and_says_what_it_set_aside(imported):
    status, text, _ = imported
    assert status == 0
    assert "Set aside (rows that are not forces of the config):" in text
    assert ("9 English regions (North East, North West, Yorkshire and The Humber, East "
            "Midlands, West Midlands, East, London, South East, South West)") in text
    assert "the totals for England, Wales, England and Wales" in text
    assert "British Transport Police (it has no police force area of its own" in text


def test_export_gives_rows_for_43_forces_with_their_12_month_figures(imported, capsys):
    _, _, out = imported
    capsys.readouterr()
    assert main(["export", "--data", str(out), "--format", "csv",
                 "--config", str(CONFIG)]) == 0
    frame = pl.read_csv(io.StringIO(capsys.readouterr().out))
    with_figures = frame.filter(pl.col("value_12m").is_not_null())
    assert with_figures.get_column("force").n_unique() == 43
    assert set(with_figures.get_column("force")) == {f.slug for f in TERRITORIAL_FORCES}
    # Table P1, 12 months ending June 2019: Kent's residential burglaries
    kent = with_figures.filter((pl.col("force") == "kent") & (pl.col("quarter") == "2019/20 Q1")
                               & (pl.col("kpi") == "residential-burglary"))
    assert kent.height == 1 and kent.get_column("value_12m").item() > 0


def test_validate_lists_every_force_with_its_role(imported, capsys):
    import json

    _, _, out = imported
    capsys.readouterr()
    main(["validate", "--data", str(out), "--format", "json", "--config", str(CONFIG)])
    forces = json.loads(capsys.readouterr().out)["forces"]
    assert len(forces) == 43
    roles = [f["role"] for f in forces]
    assert roles[:4] == ["home", "most similar", "most similar", "most similar"]
    assert set(roles[4:]) == {"national"}
    assert all(f["rows"] > 0 for f in forces)


def test_homicides_are_compared_per_100000(imported):
    from datetime import date

    from pcp_tui.config import load_config
    from pcp_tui.dataset import load_observations
    from pcp_tui.periods import Quarter
    from pcp_tui.rules.assess import build_timeline

    _, _, out = imported
    config = load_config(CONFIG)
    timeline = build_timeline(config, load_observations([out], config,
                                                        today=date(2021, 11, 26)))
    msf = timeline.at(Quarter(2019, 3)).status("homicides").msf
    assert msf.rate_per == 100000 and msf.basis_words == "per 100,000 population"
    wmp = next(e for e in msf.entries if e.force == "west-midlands")
    # 42 homicides in the 12 months to December 2019, mid-2018 population 2,916,500
    assert wmp.value == 42
    assert wmp.basis == pytest.approx(42 / 2916500 * 100000)


@pytest.fixture(scope="module")
def at_december_2019(imported):
    from datetime import date

    from pcp_tui.config import load_config
    from pcp_tui.dataset import load_observations
    from pcp_tui.periods import Quarter
    from pcp_tui.rules.assess import build_timeline

    _, _, out = imported
    config = load_config(CONFIG)
    observations = load_observations([out], config, today=date(2021, 11, 26))
    return config, observations, build_timeline(config, observations).at(Quarter(2019, 3))


def test_the_home_force_among_all_forces_on_the_same_window(at_december_2019):
    config, observations, assessment = at_december_2019
    position = assessment.status("residential-burglary").national
    assert position.window_label == "the 12 months to 2019/20 Q3"
    assert position.source == "published"
    # Greater Manchester is '..' in the edition ending December 2019: 42 forces
    assert position.n == 42 and position.without == ("greater-manchester",)
    # the national rate recomputed from the return: every force's 12-month figure over its
    # population of the December 2019 edition
    frame = observations.frame.filter(
        (pl.col("kpi") == "residential-burglary") & pl.col("value_12m").is_not_null()
        & (pl.col("period") == Quarter(2019, 3).start))
    forces = config.settings.forces
    total = frame.get_column("value_12m").sum()
    people = sum(forces[f].population_for(Quarter(2019, 3))
                 for f in frame.get_column("force"))
    assert frame.height == 42
    assert position.funnel.target == pytest.approx(total / people * 1000)
    assert position.home.rate == pytest.approx(18739 / 2916500 * 1000)  # 6.43
    assert position.home.rank == 38  # 1 is the lowest rate
    # forces vary far more than Poisson allows: the additive adjustment applies
    assert position.funnel.phi > 100 and position.funnel.overdispersed
    low, high = position.funnel.limits(2916500, 1.959963984540054)
    assert low < position.home.rate < high and position.band == "inside"
    # every force's rate is its count over its population
    kent = next(r for r in position.forces if r.force == "kent")
    assert kent.rate == pytest.approx(kent.count / forces["kent"].population_for(
        Quarter(2019, 3)) * 1000)


def test_show_gives_the_national_position(imported, capsys):
    _, _, out = imported
    capsys.readouterr()
    main(["show", "homicides", "--data", str(out), "--quarter", "2019/20 Q3",
          "--config", str(CONFIG), "--no-color", "--width", "200"])
    text = capsys.readouterr().out
    assert ("All forces (the 12 months to 2019/20 Q3; from published 12-month figures)"
            in text)
    assert "West Midlands Police 1.44 per 100,000 population" in text
    assert "Rank 34 of 42 (1 is the lowest rate)" in text
    assert "Funnel: within the 95 % limits for its population" in text
    assert "No figure for the window, left out: Greater Manchester Police" in text


def test_a_kpi_without_a_direction_gets_no_rank(at_december_2019):
    from dataclasses import replace

    from pcp_tui.rules.compare import national_frame_position

    config, _, assessment = at_december_2019
    kpi = replace(config.framework.kpi("residential-burglary"), better="none")
    rows = assessment._rows
    row = rows[("residential-burglary", "west-midlands")]
    position = national_frame_position(config.settings, rows, kpi, row.get, None)
    assert position is not None and position.home.rank is None


def test_the_report_has_a_line_per_kpi_among_all_forces(at_december_2019):
    from pcp_tui.report import build_report, render_html, render_markdown

    _, _, assessment = at_december_2019
    report = build_report(assessment, [])
    line = next(x for x in report.national if x.startswith("Homicides:"))
    assert line.startswith("Homicides: 1.44 per 100,000 population against 1.18 for all 42 "
                           "forces with a figure (the 12 months to 2019/20 Q3")
    assert "; rank 34 of 42; funnel: within the 95 % limits" in line
    assert "- Homicides: 1.44 per 100,000" in render_markdown(assessment, [])
    assert "<li>Homicides: 1.44 per 100,000" in render_html(assessment, [])


def test_the_html_report_draws_a_funnel_per_kpi_with_national_data(at_december_2019):
    import html as html_module
    import re

    from pcp_tui.report import build_report, render_html

    _, _, assessment = at_december_2019
    report = build_report(assessment, [])
    assert len(report.funnels) == len(report.national) > 0
    page = render_html(assessment, [])
    svgs = re.findall(r'<svg class="funnel".*?</svg>', page, flags=re.S)
    assert len(svgs) == len(report.funnels)
    fig = next(f for f in report.funnels if f.kpi_title == "Homicides")
    svg = next(s for s in svgs if f'id="{fig.id}-title"' in s)
    # a text alternative: the title and the description the svg is labelled by
    assert f'role="img" aria-labelledby="{fig.id}-title {fig.id}-desc"' in svg
    assert "<title id=\"funnel-" in svg and "Funnel plot" in svg
    desc = html_module.unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
    assert desc.startswith("Homicides, the 12 months to 2019/20 Q3")
    assert "each of the 42 forces" in desc and "national rate is 1.18" in desc
    assert "West Midlands Police, marked, has 1.44" in desc and "rank 34 of 42" in desc
    # both axes labelled, with values on them
    assert svg.count('class="axis-label"') == 2
    assert ">Population (millions)</text>" in svg
    assert ">Rate per 100,000 population</text>" in svg
    assert svg.count('class="tick"') >= 6
    # every force a dot, the home force marked and labelled, two pairs of limit curves
    assert svg.count('class="force') == 41 and svg.count('class="home"') == 1
    assert re.search(r'class="home-label"[^>]*>West Midlands Police 1\.44</text>', svg)
    assert svg.count('class="limit"') == 4 and svg.count('class="target"') == 1
    position = fig.position
    assert position.funnel.overdispersed == ("τ =" in desc)
