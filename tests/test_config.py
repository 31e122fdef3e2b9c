"""`config.toml` → Framework and Settings: every problem named, all of them in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CONFIG_TOML, FORCES_TOML, KPIS_TOML, PLAN_TOML, SETTINGS_TOML

from pcp_tui.config import (
    MAX_CONFIG_BYTES,
    ConfigError,
    ConfigProblem,
    bundled_config_path,
    load_config,
    locate_config,
)
from pcp_tui.framework import (
    Commitment,
    Milestone,
    Monitor,
    Threshold,
    Trajectory,
)
from pcp_tui.periods import Quarter, financial_year, rolling_12_months

WriteConfig = Callable[..., Path]

# A well-formed extra KPI, seventh in the list (index 6); each case below spoils one thing.
EXTRA_KPI = {
    "id": '"extra"',
    "title": '"Extra KPI"',
    "objective": '"crime"',
    "unit": '"count"',
    "measure": '"flow"',
    "target": '{ kind = "monitor" }',
}
EXTRA_WHERE = "kpis[6] (extra)"


def with_kpi(**changes: str | None) -> str:
    """The base config plus one extra KPI; a change of None drops the key."""
    fields = {**EXTRA_KPI, **changes}
    body = "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)
    return CONFIG_TOML + "\n[[kpis]]\n" + body


def problems_of(write_config: WriteConfig, text: str) -> tuple[Path, list[ConfigProblem]]:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert problems, "a ConfigError must list its problems"
    assert all(p.file == str(path) for p in problems)
    # the exception's text lists every problem, one a line
    assert str(caught.value).count("\n") == len(problems) - 1
    return path, problems


def find(problems: list[ConfigProblem], where: str, key: str) -> ConfigProblem:
    matches = [p for p in problems if p.where == where and p.key == key]
    assert matches, f"no problem at {where} / {key}; got {problems}"
    return matches[0]


# the valid config --------------------------------------------------------------------------


def test_valid_config_loads(config_path: Path) -> None:
    config = load_config(config_path)
    assert config.path == config_path
    assert config.framework.kpi_ids == (
        "residential-burglary", "rape-por", "pcsos", "officer-uplift", "s163",
        "victim-confidence",
    )
    assert config.data_folder == config_path.parent / "data"


def test_valid_config_settings(config_path: Path) -> None:
    settings = load_config(config_path).settings
    assert settings.home_force == "west-midlands"
    assert settings.comparators == ("greater-manchester", "merseyside", "west-yorkshire")
    assert settings.all_forces[0] == "west-midlands"
    assert settings.forces["merseyside"].population == 1423100
    assert settings.forces["west-midlands"].short == "WMP"
    assert settings.baselines["plan"] == financial_year(2019)
    assert settings.baselines["national"] == rolling_12_months(Quarter(2019, 1))
    assert settings.trajectory_tolerance_pct == 2.0
    assert settings.spc.min_points == 13


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("west-midlands", "west-midlands"),
        ("West Midlands Police", "west-midlands"),
        ("West Midlands", "west-midlands"),
        ("WMP", "west-midlands"),
        ("gmp", "greater-manchester"),
        ("Greater Manchester Police", "greater-manchester"),
        ("  greater   manchester  police ", "greater-manchester"),
        ("Merseyside", "merseyside"),
        ("WYP", "west-yorkshire"),
        ("West Yorkshire", "west-yorkshire"),
        ("Nowhere Constabulary", None),
        ("", None),
    ],
)
def test_force_resolution(config_path: Path, text: str, expected: str | None) -> None:
    assert load_config(config_path).settings.force_id(text) == expected


def test_valid_config_targets(config_path: Path) -> None:
    framework = load_config(config_path).framework
    burglary = framework.kpi("residential-burglary")
    assert isinstance(burglary.target, Trajectory)
    assert burglary.target.direction == "decrease"
    assert burglary.target.baseline == financial_year(2019)
    assert burglary.target.tolerance_pct == 2.0
    assert burglary.measure == "flow" and burglary.unit.id == "count" and burglary.msf
    rape = framework.kpi("rape-por")
    assert rape.target == Threshold(">", 5.0)
    assert rape.measure == "rate" and rape.unit.id == "percent"
    uplift = framework.kpi("officer-uplift").target
    assert isinstance(uplift, Milestone)
    assert (uplift.start, uplift.deadline) == (Quarter(2019, 4), Quarter(2022, 4))
    assert uplift.goal is None and uplift.increase == 1200.0 and uplift.op == ">="
    assert uplift.goal_for(7000) == 8200
    assert isinstance(framework.kpi("s163").target, Commitment)
    assert not framework.kpi("s163").is_numeric
    assert isinstance(framework.kpi("victim-confidence").target, Monitor)
    with pytest.raises(KeyError):
        framework.kpi("no-such-kpi")


def test_framework_by_plan(config_path: Path) -> None:
    framework = load_config(config_path).framework
    nodes = framework.by_plan()
    assert [(n.kind, n.id) for n in nodes] == [("section", "wmp"), ("unplaced", "national-only")]
    section = nodes[0]
    assert [o.id for o in section.children] == ["crime", "people"]
    crime, people = section.children
    assert [k.id for k in crime.kpis] == ["residential-burglary", "s163"]
    assert [s.id for s in crime.children] == ["justice"]
    # rape-por sits under its sub-objective; victim-confidence is listed there through also_in
    assert [k.id for k in crime.children[0].kpis] == ["rape-por", "victim-confidence"]
    assert [k.id for k in people.kpis] == ["pcsos", "officer-uplift"]
    # the national-only proxy comes last, in its own node
    assert [k.id for k in nodes[1].kpis] == ["victim-confidence"]
    # every placed KPI is reachable by walking the tree
    assert {k.id for k in section.walk_kpis()} == set(framework.kpi_ids)
    assert framework.location(framework.kpi("rape-por")) == (
        "West Midlands Police › Preventing and reducing crime › Bringing offenders to justice"
    )


def test_framework_by_priority(config_path: Path) -> None:
    framework = load_config(config_path).framework
    nodes = framework.by_priority()
    assert [(n.kind, n.id) for n in nodes] == [
        ("priority", "neighbourhood-crime"),
        ("priority", "public-satisfaction"),
    ]
    assert [k.id for k in nodes[0].kpis] == ["residential-burglary"]
    assert [k.id for k in nodes[1].kpis] == ["victim-confidence"]


def test_sub_objective_alone_gives_the_objective(write_config: WriteConfig) -> None:
    config = load_config(write_config(with_kpi(objective=None, sub_objective='"justice"')))
    kpi = config.framework.kpi("extra")
    assert (kpi.objective, kpi.sub_objective) == ("crime", "justice")


def test_config_with_byte_order_mark_loads(write_config: WriteConfig, tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CONFIG_TOML.encode("utf-8"))
    assert load_config(path).settings.home_force == "west-midlands"


def test_a_config_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(CONFIG_TOML + "# padding\n" * (MAX_CONFIG_BYTES // 10), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problem, = caught.value.problems
    assert problem.file == str(path)
    assert f"larger than {MAX_CONFIG_BYTES >> 20} MB" in problem.message


ZERO = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.path.insert(0, sys.argv[1])
from pcp_tui.config import ConfigError, load_config
try:
    load_config("/dev/zero")
except ConfigError as err:
    print(err)
"""


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_config_is_refused_in_bounded_memory() -> None:
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[1])
    # reading it whole would fill the memory; with 1 GB of address space it is a MemoryError
    done = subprocess.run([sys.executable, "-c", ZERO, root], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert "/dev/zero: file: is larger than" in done.stdout


# locate_config ----------------------------------------------------------------------------------


def test_locate_config_explicit_path_wins(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    explicit = tmp_path / "elsewhere" / "mine.toml"
    assert locate_config(explicit, cwd=tmp_path) == explicit
    assert locate_config(str(explicit), cwd=tmp_path) == explicit


def test_locate_config_uses_config_in_working_folder(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    assert locate_config(None, cwd=tmp_path) == tmp_path / "config.toml"


def test_locate_config_defaults_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert locate_config(None) == tmp_path / "config.toml"


def test_locate_config_falls_back_to_bundled(tmp_path: Path) -> None:
    assert locate_config(None, cwd=tmp_path) == bundled_config_path()
    # a folder called config.toml is not a config file
    (tmp_path / "config.toml").mkdir()
    assert locate_config(None, cwd=tmp_path) == bundled_config_path()
    assert bundled_config_path().name == "config.toml"


# whole-file problems ----------------------------------------------------------------------------


def test_invalid_toml_names_line_and_column(write_config: WriteConfig) -> None:
    text = CONFIG_TOML + '\n[[kpis]\nid = "broken"\n'
    line = text.count("\n", 0, text.index("[[kpis]\n")) + 1
    path, problems = problems_of(write_config, text)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.where == "file"
    assert "not valid TOML" in problem.message
    assert f"line {line}" in problem.message
    assert "column" in problem.message
    assert str(path) in str(problem)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "nope.toml")
    assert "cannot be read" in problem.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    text = CONFIG_TOML.replace("West Midlands Police", "West Midlands £")
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "not UTF-8" in caught.value.problems[0].message


def test_missing_settings(write_config: WriteConfig) -> None:
    _, problems = problems_of(write_config, FORCES_TOML + PLAN_TOML + KPIS_TOML)
    assert "[settings]" in find(problems, "settings", "").message


def test_missing_forces_and_kpis(write_config: WriteConfig) -> None:
    _, problems = problems_of(write_config, SETTINGS_TOML + PLAN_TOML)
    assert "forces" in find(problems, "forces", "").message
    assert "[[kpis]]" in find(problems, "kpis", "").message


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


# the national list of forces ---------------------------------------------------------------


def test_the_bundled_config_holds_every_force_of_england_and_wales():
    from pcp_tui.config import bundled_config_path
    from pcp_tui.importers.areas import TERRITORIAL_FORCES

    settings = load_config(bundled_config_path()).settings
    assert len(settings.forces) == 43
    assert {f.area_code for f in settings.forces.values()} == {
        f.code for f in TERRITORIAL_FORCES}
    # the most similar group is still the plan's choice, apart from the national list
    assert settings.all_forces == (
        "west-midlands", "greater-manchester", "merseyside", "west-yorkshire")
    assert settings.role("west-midlands") == "home"
    assert settings.role("merseyside") == "most similar"
    assert settings.role("kent") == "national"
    assert settings.national_forces[:4] == settings.all_forces
    assert len(settings.national_forces) == 43


def test_a_population_is_taken_from_the_edition_of_the_window():
    from pcp_tui.config import bundled_config_path
    from pcp_tui.periods import Quarter

    gmp = load_config(bundled_config_path()).settings.forces["greater-manchester"]
    # Table P3: mid-2016 in the edition ending March 2018, mid-2017 from June 2018, mid-2018
    # from June 2019; GMP is '..' in the September and December 2019 editions
    assert gmp.population_for(Quarter(2017, 4)) == 2780800
    assert gmp.population_for(Quarter(2015, 1)) == 2780800  # before the first edition
    assert gmp.population_for(Quarter(2018, 3)) == 2798800
    assert gmp.population_for(Quarter(2019, 3)) == 2812600
    assert gmp.population_for(None) == 2812600


def test_any_force_can_be_made_home(write_config):
    text = CONFIG_TOML.replace('home_force = "west-midlands"', 'home_force = "merseyside"')
    text = text.replace('comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
                        'comparators = ["greater-manchester", "west-midlands"]')
    settings = load_config(write_config(text)).settings
    assert settings.all_forces == ("merseyside", "greater-manchester", "west-midlands")
    assert settings.role("west-yorkshire") == "national"


def test_force_list_problems_are_named(write_config):
    text = CONFIG_TOML.replace(
        'comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
        'comparators = ["greater-manchester", "west-midlands", "greater-manchester"]',
    ).replace('area_code = "E23000004"', 'area_code = "E23000005"').replace(
        'area_code = "E23000010"\npopulation = 2320200',
        'area_code = "WY"\npopulation = 2320200\n'
        'populations = { "2019/20 Q1" = 2320200, "June" = 1, "2019/20 Q2" = -3 }',
    )
    _, problems = problems_of(write_config, text)
    messages = [p.message for p in problems if p.key == "comparators"]
    assert any("is the home force" in m for m in messages)
    assert any("listed twice" in m for m in messages)
    assert "also the area code of forces.greater-manchester" in find(
        problems, "forces.merseyside", "area_code").message
    assert "an ONS area code" in find(problems, "forces.west-yorkshire", "area_code").message
    assert "a quarter such as" in find(problems, "forces.west-yorkshire.populations",
                                       "June").message
    assert "a positive whole number" in find(problems, "forces.west-yorkshire.populations",
                                             "2019/20 Q2").message


def test_rate_per_is_a_readable_base_for_counts(write_config):
    from pcp_tui.config import bundled_config_path

    framework = load_config(bundled_config_path()).framework
    assert framework.kpi("homicides").rate_per == 100000
    assert framework.kpi("homicides").rate_base == "per 100,000"
    assert framework.kpi("residential-burglary").rate_per == 1000  # the default
    text = CONFIG_TOML.replace('id = "rape-por"',
                               'id = "rape-por"\nrate_per = 1000', 1)
    text = text.replace('id = "residential-burglary"',
                        'id = "residential-burglary"\nrate_per = 10000', 1)
    _, problems = problems_of(write_config, text)
    assert "expected 1000 (per 1,000 population) or 100000" in find(
        problems, "kpis[0] (residential-burglary)", "rate_per").message
    assert "not compared per population" in find(
        problems, "kpis[1] (rape-por)", "rate_per").message
