"""`config.toml` problems: one problem each, named by table and key with what was expected;
several problems reported in one run."""

from __future__ import annotations

import pytest
from broken_configs import EXTRA_WHERE, WriteConfig, find, problems_of, with_kpi
from conftest import CONFIG_TOML

# one problem each: (config text, where, key, fragments of the message) ----------------------------

CASES = {
    "unknown target key": (
        with_kpi(target='{ kind = "trajectory", direction = "decrease", tolerence_pct = 3 }'),
        f"{EXTRA_WHERE}.target", "tolerence_pct", ["unknown key", "did you mean 'tolerance_pct'"],
    ),
    "unknown KPI key": (
        with_kpi(unit=None, unti='"count"'),
        EXTRA_WHERE, "unti", ["unknown key", "did you mean 'unit'"],
    ),
    "unknown settings key": (
        CONFIG_TOML.replace("data_folder =", "data_fodler ="),
        "settings", "data_fodler", ["did you mean 'data_folder'"],
    ),
    "unknown top-level table": (
        CONFIG_TOML + '\n[[kpi]]\nid = "x"\n',
        "top level", "kpi", ["did you mean 'kpis'"],
    ),
    "duplicate KPI id": (
        with_kpi(id='"pcsos"', title='"Another"'),
        "kpis[6] (pcsos)", "id", ["duplicate id 'pcsos'", "kpis[2] (pcsos)"],
    ),
    "KPI id clashes with an objective": (
        with_kpi(id='"crime"'),
        "kpis[6] (crime)", "id", ["duplicate id 'crime'"],
    ),
    "badly formed KPI id": (
        with_kpi(id='"Rape POR"'),
        "kpis[6] (Rape POR)", "id", ["lowercase letters, digits and hyphens"],
    ),
    "threshold without value": (
        with_kpi(target='{ kind = "threshold", op = ">" }'),
        f"{EXTRA_WHERE}.target", "value", ["missing"],
    ),
    "threshold operator typo": (
        with_kpi(target='{ kind = "threshold", op = "=>", value = 50 }'),
        f"{EXTRA_WHERE}.target", "op", ["'=>'", ">, >=, <, <=", "did you mean '>='"],
    ),
    "milestone without deadline": (
        with_kpi(measure='"stock"',
                 target='{ kind = "milestone", goal = 8000, start = "2019/20 Q4" }'),
        f"{EXTRA_WHERE}.target", "deadline", ["missing"],
    ),
    "milestone with goal and increase": (
        with_kpi(measure='"stock"', target=(
            '{ kind = "milestone", goal = 8000, increase = 1200, start = "2019/20 Q4", '
            'deadline = "2022/23 Q4" }'
        )),
        f"{EXTRA_WHERE}.target", "goal", ["exactly one of 'goal'", "'increase'"],
    ),
    "milestone deadline before start": (
        with_kpi(measure='"stock"', target=(
            '{ kind = "milestone", goal = 8000, start = "2022/23 Q4", deadline = "2019/20 Q4" }'
        )),
        f"{EXTRA_WHERE}.target", "deadline", ["not after the start"],
    ),
    "milestone with a bad quarter": (
        with_kpi(measure='"stock"', target=(
            '{ kind = "milestone", goal = 8000, start = "2019/21 Q4", deadline = "2022/23 Q4" }'
        )),
        f"{EXTRA_WHERE}.target", "start", ["one year to the next"],
    ),
    "unknown comparator force": (
        CONFIG_TOML.replace('"merseyside", "west-yorkshire"]', '"merseyside", "west-yorks"]'),
        "settings", "comparators", ["unknown force 'west-yorks'", "did you mean 'west-yorkshire'"],
    ),
    "unknown home force": (
        CONFIG_TOML.replace('home_force = "west-midlands"', 'home_force = "west-midland"'),
        "settings", "home_force", ["unknown force 'west-midland'", "did you mean 'west-midlands'"],
    ),
    "unknown unit": (
        with_kpi(unit='"precent"'),
        EXTRA_WHERE, "unit", ["found 'precent'", "did you mean 'percent'"],
    ),
    "unknown measure": (
        with_kpi(measure='"flows"'),
        EXTRA_WHERE, "measure", ["found 'flows'", "did you mean 'flow'"],
    ),
    "unknown better": (
        with_kpi(better='"up"'),
        EXTRA_WHERE, "better", ["found 'up'", "higher, lower, none"],
    ),
    "unknown target kind": (
        with_kpi(target='{ kind = "treshold", op = ">", value = 5 }'),
        f"{EXTRA_WHERE}.target", "kind", ["found 'treshold'", "did you mean 'threshold'"],
    ),
    "target without kind": (
        with_kpi(target='{ op = ">", value = 5 }'),
        f"{EXTRA_WHERE}.target", "kind", ["missing"],
    ),
    "target that is not a table": (
        with_kpi(target='"monitor"'),
        EXTRA_WHERE, "target", ["found text 'monitor'", "expected a table"],
    ),
    "KPI without target": (
        with_kpi(target=None),
        EXTRA_WHERE, "target", ["missing"],
    ),
    "string where a number is expected": (
        with_kpi(target='{ kind = "threshold", op = ">", value = "5" }'),
        f"{EXTRA_WHERE}.target", "value", ["found text '5'", "a number"],
    ),
    "true where a number is expected": (
        with_kpi(target='{ kind = "threshold", op = ">", value = true }'),
        f"{EXTRA_WHERE}.target", "value", ["found true/false", "a number"],
    ),
    "true where a tolerance is expected": (
        CONFIG_TOML.replace("trajectory_pct = 2.0", "trajectory_pct = true"),
        "settings.tolerances", "trajectory_pct", ["found true/false", "a number"],
    ),
    "text where a population is expected": (
        CONFIG_TOML.replace("population = 1423100", 'population = "1.4m"'),
        "forces.merseyside", "population", ["found text '1.4m'", "a whole number"],
    ),
    "negative population": (
        CONFIG_TOML.replace("population = 1423100", "population = -5"),
        "forces.merseyside", "population", ["positive"],
    ),
    "true where a whole number is expected": (
        CONFIG_TOML.replace("min_points = 13", "min_points = true"),
        "settings.spc", "min_points", ["found true/false", "a whole number"],
    ),
    "SPC run too short": (
        CONFIG_TOML.replace("run_length = 7", "run_length = 1"),
        "settings.spc", "run_length", ["2 or more"],
    ),
    "tolerance that is not a number": (
        CONFIG_TOML.replace("trajectory_pct = 2.0", "trajectory_pct = nan"),
        "settings.tolerances", "trajectory_pct", ["found nan", "a finite number"],
    ),
    "infinite margin": (
        CONFIG_TOML.replace("msf_margin_pct = 10.0", "msf_margin_pct = inf"),
        "settings.tolerances", "msf_margin_pct", ["found inf", "a finite number"],
    ),
    "tolerance beyond any percentage": (
        CONFIG_TOML.replace("msf_margin_pct = 10.0", "msf_margin_pct = 1e300"),
        "settings.tolerances", "msf_margin_pct", ["0 or more up to 1,000"],
    ),
    "negative staleness": (
        CONFIG_TOML.replace("stale_after_quarters = 1", "stale_after_quarters = -5"),
        "settings", "stale_after_quarters", ["found -5", "0 or more"],
    ),
    "SPC run longer than any history": (
        CONFIG_TOML.replace("run_length = 7", "run_length = 9223372036854775807"),
        "settings.spc", "run_length", ["up to 400"],
    ),
    "population beyond any force": (
        CONFIG_TOML.replace("population = 1423100", "population = 9223372036854775807"),
        "forces.merseyside", "population", ["positive", "up to 10,000,000,000"],
    ),
    "threshold that is not a number": (
        with_kpi(target='{ kind = "threshold", op = ">", value = nan }'),
        f"{EXTRA_WHERE}.target", "value", ["found nan", "a finite number"],
    ),
    "threshold beyond what a KPI can hold": (
        with_kpi(target='{ kind = "threshold", op = ">", value = 1.7e308 }'),
        f"{EXTRA_WHERE}.target", "value", ["up to 1,000,000,000,000,000"],
    ),
    "trajectory tolerance that is infinite": (
        with_kpi(target='{ kind = "trajectory", direction = "decrease", tolerance_pct = inf }'),
        f"{EXTRA_WHERE}.target", "tolerance_pct", ["found inf"],
    ),
    "milestone goal that is infinite": (
        with_kpi(target='{ kind = "milestone", goal = -inf, start = "2019/20 Q4", '
                 'deadline = "2022/23 Q4" }'),
        f"{EXTRA_WHERE}.target", "goal", ["found -inf", "a finite number"],
    ),
    "milestone start value that is not a number": (
        with_kpi(target='{ kind = "milestone", increase = 5, start_value = nan, '
                 'start = "2019/20 Q4", deadline = "2022/23 Q4" }'),
        f"{EXTRA_WHERE}.target", "start_value", ["found nan"],
    ),
    "KPI id with a trailing newline": (
        with_kpi(id='"extra\\n"'),
        "kpis[6] (extra\\n)", "id", ["found 'extra\\n'", "lowercase letters"],
    ),
    "objective id with a trailing newline": (
        CONFIG_TOML.replace('id = "crime"', 'id = "crime\\n"', 1),
        "objectives[0] (crime\\n)", "id", ["found 'crime\\n'", "lowercase letters"],
    ),
    "force id with a trailing newline": (
        CONFIG_TOML.replace("[forces.merseyside]", '[forces."merseyside\\n"]'),
        "forces.merseyside\\n", "", ["found 'merseyside\\n'", "lowercase letters"],
    ),
    "comparators not a list": (
        CONFIG_TOML.replace(
            'comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
            'comparators = "merseyside"',
        ),
        "settings", "comparators", ["found text 'merseyside'", "a list"],
    ),
    "comparator that is not text": (
        CONFIG_TOML.replace(
            'comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
            'comparators = ["greater-manchester", ["merseyside"]]',
        ),
        "settings", "comparators", ["found a list", "expected text"],
    ),
    "priority that is not text": (
        with_kpi(priorities='[{ id = "neighbourhood-crime" }]'),
        EXTRA_WHERE, "priorities", ["found a table", "expected text"],
    ),
    "missing plan baseline": (
        CONFIG_TOML.replace('plan = "2019/20"\n', ""),
        "settings.baselines", "plan", ["missing"],
    ),
    "bad baseline window": (
        CONFIG_TOML.replace('national = "12 months ending June 2019"',
                            'national = "12 months ending May 2019"'),
        "settings.baselines", "national", ["March, June, September or December"],
    ),
    "trajectory with unknown direction": (
        with_kpi(target='{ kind = "trajectory", direction = "down" }'),
        f"{EXTRA_WHERE}.target", "direction", ["found 'down'", "decrease"],
    ),
    "KPI with no place in the plan": (
        with_kpi(objective=None),
        EXTRA_WHERE, "objective", ["no place in the plan"],
    ),
    "sub-objective of another objective": (
        with_kpi(objective='"people"', sub_objective='"justice"'),
        EXTRA_WHERE, "sub_objective", ["'justice' belongs to objective 'crime'", "not 'people'"],
    ),
    "unknown sub-objective": (
        with_kpi(sub_objective='"justise"'),
        EXTRA_WHERE, "sub_objective", ["unknown sub-objective 'justise'", "did you mean 'justice'"],
    ),
    "unknown objective": (
        with_kpi(objective='"crme"'),
        EXTRA_WHERE, "objective", ["unknown objective 'crme'", "did you mean 'crime'"],
    ),
    "unknown priority": (
        with_kpi(priorities='["neighbourhood-crim"]'),
        EXTRA_WHERE, "priorities", ["unknown priority", "did you mean 'neighbourhood-crime'"],
    ),
    "unknown also_in reference": (
        with_kpi(also_in='["justise"]'),
        EXTRA_WHERE, "also_in", ["unknown objective or sub-objective 'justise'",
                                 "did you mean 'justice'"],
    ),
    "rate measure with a count unit": (
        with_kpi(measure='"rate"'),
        EXTRA_WHERE, "unit", ["a rate needs a unit of percent", "not 'count'"],
    ),
    "objective in an unknown section": (
        CONFIG_TOML.replace('section = "wmp"\ntitle = "Supporting our people"',
                            'section = "wpm"\ntitle = "Supporting our people"'),
        "objectives[1] (people)", "section", ["unknown section 'wpm'", "did you mean 'wmp'"],
    ),
    "unknown spc method": (
        with_kpi(spc='"xbar"'),
        EXTRA_WHERE, "spc", ["found 'xbar'", "expected one of xmr, increments, none"],
    ),
    "spc that is not text": (
        with_kpi(spc="true"),
        EXTRA_WHERE, "spc", ["expected text"],
    ),
    "duplicate short title": (
        with_kpi(short='"PCSOs"'),
        EXTRA_WHERE, "short", ["duplicate short title 'PCSOs'"],
    ),
}


@pytest.mark.parametrize(("text", "where", "key", "fragments"), CASES.values(), ids=CASES.keys())
def test_each_problem_named(
    write_config: WriteConfig, text: str, where: str, key: str, fragments: list[str]
) -> None:
    path, problems = problems_of(write_config, text)
    problem = find(problems, where, key)
    for fragment in fragments:
        assert fragment in problem.message
    # the printed form names file, table and key
    printed = str(problem)
    assert printed.startswith(str(path))
    assert where in printed
    if key:
        assert f"key '{key}'" in printed


def test_five_errors_reported_in_one_run(write_config: WriteConfig) -> None:
    text = (
        CONFIG_TOML.replace('"merseyside", "west-yorkshire"]', '"merseyside", "west-yorks"]')
        + """
[[kpis]]
id = "pcsos"
title = "PCSOs again"
objective = "people"
unit = "count"
measure = "stock"
target = { kind = "monitor" }

[[kpis]]
id = "stop-search-grounds"
title = "Reasonable grounds recorded"
objective = "crime"
unit = "precent"
measure = "rate"
target = { kind = "threshold", op = "=>", value = 50 }

[[kpis]]
id = "homicide"
title = "Homicide"
objective = "crime"
unit = "count"
measure = "flow"
target = { kind = "trajectory", direction = "decrease", tolerence_pct = 5 }
"""
    )
    _, problems = problems_of(write_config, text)
    found = {(p.where, p.key) for p in problems}
    assert found == {
        ("settings", "comparators"),
        ("kpis[6] (pcsos)", "id"),
        ("kpis[7] (stop-search-grounds)", "unit"),
        ("kpis[7] (stop-search-grounds).target", "op"),
        ("kpis[8] (homicide).target", "tolerence_pct"),
    }
    # exactly five: the unknown unit is not blamed a second time as "a rate ... not 'count'"
    assert len(problems) == 5


def test_problems_in_settings_and_kpis_together(write_config: WriteConfig) -> None:
    """A broken [settings] does not hide the KPIs' problems, nor the other way round."""
    text = with_kpi(unit='"precent"').replace("trajectory_pct = 2.0", 'trajectory_pct = "two"')
    _, problems = problems_of(write_config, text)
    find(problems, "settings.tolerances", "trajectory_pct")
    find(problems, EXTRA_WHERE, "unit")
