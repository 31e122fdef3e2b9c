"""A KPI's own `stale_after_quarters`: a stock published twice a year is judged until the next
publication is due, not called stale one quarter after it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import ConfigError, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import assess

CONFIG = """
[settings]
home_force = "home"
comparators = []
stale_after_quarters = 1

[settings.baselines]
plan = "2019/20"
national = "12 months ending June 2019"

[forces.home]
name = "Home Police"
short = "HP"
population = 1000000

[[sections]]
id = "s"
title = "Section"

[[objectives]]
id = "o"
section = "s"
title = "Objective"

[[kpis]]
id = "officers"
title = "Officers: headcount"
short = "Officers"
objective = "o"
unit = "count"
better = "higher"
measure = "stock"
{own}

[kpis.target]
kind = "monitor"

[[kpis]]
id = "quarterly"
title = "Quarterly count"
short = "Quarterly"
objective = "o"
unit = "count"
better = "lower"
measure = "flow"

[kpis.target]
kind = "monitor"
"""


def freshness(tmp_path: Path, own: str, as_of: str, text: str = CONFIG) -> dict[str, str]:
    (tmp_path / "config.toml").write_text(text.format(own=own), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    # the half-yearly stock as at 30 September 2019 (Q2) and 31 March 2020 (Q4); a quarterly
    # flow for every quarter up to 2020/21 Q2
    rows = ["kpi,force,period,value", "officers,home,2019/20 Q2,6546",
            "officers,home,2019/20 Q4,6600"]
    rows += [f"quarterly,home,{(Quarter(2019, 1) + i).label},{10 + i}" for i in range(6)]
    (data / "returns.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    observations = load_observations(data, config, today=date(2021, 11, 26))
    assessment = assess(config, observations, Quarter.parse(as_of))
    return {kpi: assessment.status(kpi).freshness for kpi in ("officers", "quarterly")}


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2020/21 Q1", "lagging"),  # one quarter after the March figure
    ("2020/21 Q2", "lagging"),  # the September figure is due: still judged
])
def test_a_half_yearly_stock_is_judged_until_its_next_publication(tmp_path, as_of, expected):
    found = freshness(tmp_path, "stale_after_quarters = 2", as_of)
    assert found["officers"] == expected
    assert found["quarterly"] == "current"


def test_without_its_own_setting_the_kpi_takes_the_settings_one(tmp_path):
    assert freshness(tmp_path, "", "2020/21 Q2")["officers"] == "stale"


def test_a_kpi_stale_after_a_negative_number_is_a_config_problem(tmp_path):
    with pytest.raises(ConfigError, match="stale_after_quarters"):
        freshness(tmp_path, "stale_after_quarters = -1", "2020/21 Q1")


def with_publication(table: str) -> str:
    """The test config with a `[settings.publication]` table and a source on the stock."""
    return (CONFIG.replace('national = "12 months ending June 2019"\n',
                           'national = "12 months ending June 2019"\n\n'
                           f"[settings.publication]\n{table}\n")
            .replace('measure = "stock"\n',
                     'measure = "stock"\nsource = "Home Office workforce"\n'))


def test_the_sources_publication_cycle_stands_when_the_kpi_sets_none(tmp_path):
    text = with_publication('"Home Office workforce" = 2')
    assert freshness(tmp_path, "", "2020/21 Q2", text) == {"officers": "lagging",
                                                           "quarterly": "current"}
    # the KPI's own setting goes before its source's
    assert freshness(tmp_path, "stale_after_quarters = 1", "2020/21 Q2",
                     text)["officers"] == "stale"
    config = load_config(tmp_path / "config.toml")
    assert config.settings.publication == {"Home Office workforce": 2}
    assert config.settings.stale_after(config.framework.kpi("quarterly")) == 1


@pytest.mark.parametrize(("table", "key", "words"), [
    ('"Home Office workforce" = -1', "Home Office workforce", "found -1; expected 0 or more"),
    ('"Home Office workforce" = "two"', "Home Office workforce", "found text 'two'"),
    ('"Home Office workfroce" = 2', "Home Office workfroce",
     "no KPI has this source; did you mean 'Home Office workforce'?"),
])
def test_a_bad_publication_setting_is_a_config_problem(tmp_path, table, key, words):
    (tmp_path / "config.toml").write_text(with_publication(table).format(own=""),
                                          encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "config.toml")
    problems = [p for p in caught.value.problems if p.where == "settings.publication"]
    assert [p.key for p in problems] == [key], caught.value.problems
    assert words in problems[0].message
