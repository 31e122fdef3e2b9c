"""Small plans for the rules' tests: a KPI written as config text, a series of quarterly rows,
and the plan assessed from them as of a quarter (quarterly values, or published 12-month
figures)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import assess

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2021, 11, 26)

SETTINGS = """
[settings]
home_force = "home"
comparators = ["north", "south"]
stale_after_quarters = 1

[settings.baselines]
plan = "2019/20"
national = "12 months ending June 2019"

[settings.tolerances]
trajectory_pct = 2.0
milestone_pct = 2.0
msf_margin_pct = 10.0

[forces.home]
name = "Home Police"
short = "HP"
population = 1000000

[forces.north]
name = "North Police"
short = "NP"
population = 500000

[forces.south]
name = "South Police"
short = "SP"
population = 2000000

[[sections]]
id = "s"
title = "Section"

[[objectives]]
id = "o"
section = "s"
title = "Objective"

[[priorities]]
id = "p"
title = "Priority"
"""


def kpi(ident: str, target: str, *, unit: str = "count", measure: str = "flow",
        better: str = "lower", msf: bool = False, objective: str = "o") -> str:
    place = f'objective = "{objective}"' if objective else 'priorities = ["p"]'
    return f"""
[[kpis]]
id = "{ident}"
title = "{ident.replace('-', ' ').capitalize()}"
short = "{ident[:24]}"
{place}
unit = "{unit}"
better = "{better}"
measure = "{measure}"
msf = {str(msf).lower()}
target = {target}
"""


HEADER = "kpi,force,period,value,numerator,denominator,lower,upper,status"


def build(tmp_path: Path, kpis: str, rows: list[str], as_of: str | None = None, *,
          header: str = HEADER):
    (tmp_path / "config.toml").write_text(SETTINGS + kpis, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    header = header + "\n"
    (data / "returns.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    observations = load_observations(data, config, today=TODAY)
    assert not observations.problems, observations.problems
    return assess(config, observations, Quarter.parse(as_of) if as_of else None)


def series(ident: str, values: list[float | None], *, first: str = "2019/20 Q1",
           force: str = "home") -> list[str]:
    start = Quarter.parse(first)
    return [f"{ident},{force},{(start + i).label},{'' if v is None else v},,,,,"
            for i, v in enumerate(values)]


def twelve_month_rows(ident: str, values: dict[str, float], force: str = "home") -> list[str]:
    return [f"{ident},{force},{q},,,,,,,{v}" for q, v in values.items()]


def build_12m(tmp_path: Path, kpis: str, rows: list[str], as_of: str | None = None):
    return build(tmp_path, kpis, rows, as_of, header=HEADER + ",value_12m")


# a milestone of 1,200 from 0 in 2019/20 Q2, due by 2022/23 Q4
MILESTONE = ('{ kind = "milestone", goal = 1200, start = "2019/20 Q2", start_value = 0, '
             'deadline = "2022/23 Q4" }')
