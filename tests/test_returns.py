"""Which KPIs the newest quarter's return brought (`returns.home_figures`, `quarter_return`):
a 12-month figure is a figure, as on the ONS tables, which publish nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.importers.returns import write_return
from pcp_tui.periods import Quarter
from pcp_tui.returns import home_figures, newest_quarter, newest_return, quarter_return

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata" / "ons-pfa"
TODAY = date(2021, 11, 26)
Q2, Q3 = Quarter.parse("2021/22 Q2"), Quarter.parse("2021/22 Q3")


@pytest.fixture(scope="module")
def plan():
    return load_config(ROOT / "config.toml")


def write(folder: Path, text: str) -> Path:
    path = folder / "return.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_12_month_figure_counts_and_an_empty_row_does_not(plan, tmp_path):
    path = write(tmp_path, "\n".join([
        "kpi,force,period,value,value_12m",
        "knife-crime,West Midlands,2021/22 Q2,,3100",
        "knife-crime,West Midlands,2021/22 Q3,,3050",
        "shoplifting,West Midlands,2021/22 Q2,,9800",
        "shoplifting,West Midlands,2021/22 Q3,,",  # a row without a figure
        "homicides,West Midlands,2021/22 Q2,12,",
        "homicides,West Midlands,2021/22 Q3,9,",
        "homicides,Merseyside,2021/22 Q3,4,",
    ]) + "\n")
    observations = load_observations([path], plan, today=date(2022, 3, 1))
    figures = home_figures(observations, plan.settings.home_force)
    assert {kpi: sorted(q.label for q in found) for kpi, found in figures.items()} == {
        "knife-crime": [Q2.label, Q3.label],
        "shoplifting": [Q2.label],
        "homicides": [Q2.label, Q3.label],
    }
    found = quarter_return(plan.framework.kpis, figures)
    assert found.quarter == Q3
    assert {k.id for k in found.reported} == {"knife-crime", "homicides"}
    assert [k.id for k in found.missing] == ["shoplifting"]
    assert found.headline == "2021/22 Q3: 2 of 3 KPIs"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")
def test_the_ons_tables_bring_the_newest_edition_s_quarter(plan, tmp_path):
    result = import_ons_pfa(REAL, plan)
    write_return(result, tmp_path)
    observations = load_observations([tmp_path], plan, today=TODAY)
    found = quarter_return(plan.framework.kpis,
                           home_figures(observations, plan.settings.home_force))
    # the newest edition is the 12 months ending December 2019; its seven crime KPIs are there,
    # and anti-social behaviour (in the March editions only) is not yet due
    assert found.quarter == Quarter.parse("2019/20 Q3")
    assert len(found.reported) == 7 and found.missing == ()
    assert "asb-incidents" not in {k.id for k in found.reported}
    assert not found.partial


def test_a_newest_quarter_with_only_other_forces_figures_is_a_partial_return(plan, tmp_path):
    path = write(tmp_path, "\n".join([
        "kpi,force,period,value",
        "homicides,West Midlands,2021/22 Q2,12",
        "knife-crime,West Midlands,2021/22 Q2,800",
        "homicides,Merseyside,2021/22 Q3,4",  # the comparators' figures came in first
    ]) + "\n")
    observations = load_observations([path], plan, today=date(2022, 3, 1))
    assert newest_quarter(observations) == Q3
    found = newest_return(plan, observations)
    assert (found.quarter, found.reported, found.partial) == (Q3, (), True)
    assert sorted(k.id for k in found.missing) == ["homicides", "knife-crime"]
    assert found.last_complete == Q2
    assert found.headline == "2021/22 Q3: 0 of 2 KPIs"
    # the home force's own newest quarter is complete
    assert not quarter_return(plan.framework.kpis,
                              home_figures(observations, plan.settings.home_force)).partial
