"""assess(): hand-worked numbers for every target kind and the edges around them."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import assess, build_timeline
from pcp_tui.rules.spc import analyse

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


# thresholds ---------------------------------------------------------------------------------


def test_threshold_exactly_on_a_strict_threshold_fails(tmp_path):
    a = build(tmp_path, kpi("por", '{ kind = "threshold", op = ">", value = 5 }',
                            unit="percent", measure="stock", better="higher"),
              series("por", [5.0]))
    status = a.status("por")
    assert status.rag == "red"
    assert status.explanation == "Por 5.0% in 2019/20 Q1, below the target of more than 5%."


def test_threshold_exactly_on_an_inclusive_threshold_passes(tmp_path):
    a = build(tmp_path, kpi("pcsos", '{ kind = "threshold", op = ">=", value = 480 }',
                            measure="stock", better="higher"),
              series("pcsos", [480]))
    # one point: no limits yet, so no assurance verdict and nothing to make it amber
    assert a.status("pcsos").rag == "green"


def test_threshold_met_but_limits_straddle_the_target_is_amber(tmp_path):
    # mean 6, moving ranges all 2: limits 6 ± 5.32 straddle the target of 5
    values = [5.0, 7.0] * 4 + [6.0]
    a = build(tmp_path, kpi("por", '{ kind = "threshold", op = ">", value = 5 }',
                            unit="percent", measure="stock", better="higher"),
              series("por", values))
    status = a.status("por")
    assert status.rag == "amber"
    assert status.spc.assurance == "inconsistent"
    assert "hit and missed" in status.explanation


def test_threshold_met_with_limits_clear_of_the_target_is_green(tmp_path):
    values = [60.0, 61.0] * 4 + [60.5]
    a = build(tmp_path, kpi("ss", '{ kind = "threshold", op = ">=", value = 50 }',
                            unit="percent", measure="stock", better="higher"),
              series("ss", values))
    status = a.status("ss")
    assert status.spc.assurance == "consistent_pass"
    assert status.rag == "green"


# trajectories --------------------------------------------------------------------------------


def test_trajectory_rolling_twelve_months_against_the_financial_year(tmp_path):
    # 2019/20: 10,000 a quarter (40,000); the 12 months to 2021/22 Q2: 9,000 a quarter
    # (36,000), −10 %: z = −4,000 / √(φ · 76,000) with φ = 2 · 500² / (2 · 9 · 9,500) = 2.92
    values = [10000.0] * 4 + [9500.0] * 2 + [9000.0] * 4
    a = build(tmp_path, kpi("burglary", '{ kind = "trajectory", direction = "decrease" }'),
              series("burglary", values))
    status = a.status("burglary")
    assert status.as_of == Quarter(2021, 2)
    assert status.comparison == 36000
    assert status.baseline == 40000
    assert status.change == -4000
    assert status.change_pct == pytest.approx(-10.0)
    assert status.change_z == pytest.approx(-4000 / math.sqrt(76000 * 500000 / (18 * 9500)))
    assert status.rag == "green"
    assert status.explanation == (
        "Burglary: 36,000 in the 12 months to 2021/22 Q2, 10% below the 40,000 of 2019/20: "
        "a significant fall (p < 0.001); 9,000 in 2021/22 Q2 against 9,500 in 2020/21 Q2, "
        "the same quarter a year earlier (-5.3%); target: reduce — on track."
    )


def test_the_same_fall_on_small_counts_is_no_significant_change(tmp_path):
    # 400 against 360: z = −40 / √760 = −1.45, p = 0.15: amber, and no warning for it
    values = [100.0] * 4 + [95.0] * 2 + [90.0] * 4
    a = build(tmp_path, kpi("burglary", '{ kind = "trajectory", direction = "decrease" }'),
              series("burglary", values))
    status = a.status("burglary")
    assert status.change_z == pytest.approx(-40 / math.sqrt(760))
    assert status.rag == "amber"
    assert status.explanation == (
        "Burglary: 360 in the 12 months to 2021/22 Q2, 10% below the 400 of 2019/20: "
        "no significant change (p = 0.1); 90 in 2021/22 Q2 against 95 in 2020/21 Q2, the same "
        "quarter a year earlier (-5.3%); target: reduce — no clear change."
    )
    assert [al for al in a.alerts if al.kpi == "burglary" and al.severity == "warning"] == []


def test_a_tolerance_judged_trajectory_keeps_the_band(tmp_path):
    values = [100.0] * 4 + [95.0] * 2 + [90.0] * 4
    a = build(tmp_path, kpi("burglary", '{ kind = "trajectory", direction = "decrease", '
                                        'judged_by = "tolerance" }'),
              series("burglary", values))
    status = a.status("burglary")
    assert status.rag == "green"
    assert "significant" not in status.explanation


@pytest.mark.parametrize(
    ("latest_year", "direction", "rag"),
    [
        (401.0, "decrease", "amber"),  # +0.25 %: within the 2 % tolerance
        (392.0, "decrease", "amber"),  # −2 % exactly: still within
        (391.0, "decrease", "green"),
        (420.0, "decrease", "red"),
        (420.0, "increase", "green"),
        (380.0, "not-decrease", "red"),
        (399.0, "not-decrease", "green"),
        (420.0, "not-increase", "red"),
    ],
)
def test_trajectory_tolerance_and_directions(tmp_path, latest_year, direction, rag):
    values = [100.0] * 4 + [latest_year / 4] * 4
    a = build(tmp_path, kpi("k", f'{{ kind = "trajectory", direction = "{direction}", '
                                 'judged_by = "tolerance" }'),
              series("k", values))
    assert a.status("k").rag == rag


def test_trajectory_with_a_zero_baseline(tmp_path):
    values = [0.0] * 4 + [1.0, 0.0, 0.0, 0.0]
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease", '
                                 'judged_by = "tolerance" }'),
              series("k", values))
    status = a.status("k")
    assert status.baseline == 0
    assert status.change_pct is None
    assert status.rag == "red"  # any rise on nothing is against a reduction
    # tested, one event against none is no significant change
    (tmp_path / "tested").mkdir()
    tested = build(tmp_path / "tested", kpi("k", '{ kind = "trajectory", '
                                                 'direction = "decrease" }'),
                   series("k", values))
    assert tested.status("k").rag == "amber"


def test_trajectory_with_a_missing_baseline_quarter_is_grey(tmp_path):
    values = [100.0, None, 100.0, 100.0] + [90.0] * 4
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease" }'),
              series("k", values))
    status = a.status("k")
    assert status.baseline is None
    assert status.rag == "grey"
    assert "no complete baseline for 2019/20" in status.explanation


def test_trajectory_before_the_baseline_year_ends_is_grey(tmp_path):
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease" }'),
              series("k", [100.0] * 8), as_of="2019/20 Q3")
    assert a.status("k").rag == "grey"


def test_rate_is_summed_numerators_over_summed_denominators(tmp_path):
    # quarterly rates 10 % and 50 % on very different denominators: the year is 20 %, not 30 %
    rows = []
    for i, (num, den) in enumerate([(10, 100), (5, 10), (10, 100), (5, 10)]):
        rows.append(f"por,home,{(Quarter(2019, 1) + i).label},,{num},{den},,,")
    for i, (num, den) in enumerate([(30, 100), (30, 100), (30, 100), (30, 100)]):
        rows.append(f"por,home,{(Quarter(2020, 1) + i).label},,{num},{den},,,")
    a = build(tmp_path, kpi("por", '{ kind = "trajectory", direction = "increase" }',
                            unit="percent", measure="rate", better="higher"), rows)
    status = a.status("por")
    assert status.baseline == pytest.approx(30 / 220 * 100)  # 13.6 %, not the mean 30 %
    assert status.comparison == pytest.approx(30.0)
    assert status.rag == "green"


def test_stock_compares_the_latest_level_with_the_level_at_the_end_of_the_baseline(tmp_path):
    values = [10.0, 20.0, 30.0, 40.0, 35.0, 36.0]
    a = build(tmp_path, kpi("suspects", '{ kind = "trajectory", direction = "decrease" }',
                            measure="stock"), series("suspects", values))
    status = a.status("suspects")
    assert status.baseline == 40
    assert status.comparison == 36
    assert status.change_pct == pytest.approx(-10.0)


def test_national_baseline_is_the_twelve_months_ending_june_2019(tmp_path):
    values = [10.0, 11.0, 12.0, 13.0] + [5.0] * 8
    a = build(tmp_path, kpi("homicides", '{ kind = "trajectory", direction = "decrease", '
                            'baseline = "national" }', objective=""),
              series("homicides", values, first="2018/19 Q2"))
    status = a.status("homicides")
    assert status.baseline_label == "12 months ending June 2019"
    assert status.baseline == 46
    assert status.national_baseline == 46


# milestones ----------------------------------------------------------------------------------


MILESTONE = ('{ kind = "milestone", goal = 1200, start = "2019/20 Q2", start_value = 0, '
             'deadline = "2022/23 Q4" }')


@pytest.mark.parametrize(("value", "rag"), [(686, "green"), (700, "green"), (680, "amber"),
                                            (673, "amber"), (671, "red"), (650, "red")])
def test_milestone_against_the_planned_path(tmp_path, value, rag):
    # 8 of 14 quarters gone at 2021/22 Q2: planned 1,200 × 8/14 = 685.7, all of it change since
    # the start value of 0; tolerance 2 % of that change = 13.7, so amber down to 672.0
    values = [0.0] * 8 + [value]
    a = build(tmp_path, kpi("uplift", MILESTONE, measure="stock", better="higher"),
              series("uplift", values, first="2019/20 Q2"))
    status = a.status("uplift")
    assert status.milestone_planned == pytest.approx(1200 * 8 / 14)
    assert status.rag == rag


def test_milestone_past_its_deadline_is_judged_on_the_goal(tmp_path):
    target = ('{ kind = "milestone", goal = 100, op = ">", start = "2019/20 Q1", '
              'start_value = 0, deadline = "2019/20 Q4" }')
    a = build(tmp_path, kpi("k", target, measure="stock", better="higher"),
              series("k", [25.0, 50.0, 75.0, 100.0, 100.0]))
    status = a.status("k")
    assert status.rag == "red"  # 100 is not more than 100
    assert "was not reached" in status.explanation


def test_milestone_increase_on_the_start_value_from_the_data(tmp_path):
    target = ('{ kind = "milestone", increase = 40, start = "2019/20 Q1", '
              'deadline = "2020/21 Q1" }')
    a = build(tmp_path, kpi("k", target, measure="stock", better="higher"),
              series("k", [100.0, 110.0, 120.0]), as_of="2019/20 Q3")
    status = a.status("k")
    assert status.milestone_goal == 140
    assert status.milestone_planned == pytest.approx(120.0)
    assert status.rag == "green"


# commitments, monitors, missing data --------------------------------------------------------


@pytest.mark.parametrize(("reported", "rag"), [("complete", "green"), ("in progress", "amber"),
                                               ("At risk", "red"), ("not-started", "grey")])
def test_commitment_status_from_the_data(tmp_path, reported, rag):
    a = build(tmp_path, kpi("s163", '{ kind = "commitment" }', measure="stock"),
              [f"s163,home,2021/22 Q2,,,,,,{reported}"])
    assert a.status("s163").rag == rag


def test_monitor_has_no_rag_but_signals(tmp_path):
    values = [10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 40.0]
    a = build(tmp_path, kpi("asb", '{ kind = "monitor" }'), series("asb", values))
    status = a.status("asb")
    assert status.rag is None
    assert status.spc.last_special_cause == "Above UCL"
    assert status.spc.last_point_type == "special_cause_concern"
    assert [al.rule for al in a.alerts] == ["spc"]
    assert a.alerts[0].severity == "signal"


def test_too_few_points_is_insufficient_history_not_a_signal(tmp_path):
    a = build(tmp_path, kpi("asb", '{ kind = "monitor" }'), series("asb", [1.0, 1.0, 50.0]))
    status = a.status("asb")
    assert status.spc.insufficient
    assert not a.alerts
    assert "too few quarters" in status.explanation


def test_a_kpi_with_data_only_for_comparator_forces(tmp_path):
    rows = series("k", [100.0] * 8, force="north") + series("k", [300.0] * 8, force="south")
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease" }', msf=True),
              rows)
    home = a.status("k")
    assert home.rag == "grey"
    assert home.latest_value is None
    assert "no figure for Home Police yet" in home.explanation
    north = a.status("k", "north")
    assert north.rag is None  # targets apply to the home force only
    assert north.comparison == 400


def test_stale_figures_are_grey_and_alerted(tmp_path):
    rows = series("k", [100.0] * 8) + series("other", [1.0] * 11)
    kpis = (kpi("k", '{ kind = "trajectory", direction = "decrease" }')
            + kpi("other", '{ kind = "monitor" }'))
    a = build(tmp_path, kpis, rows)
    assert a.as_of == Quarter(2021, 3)
    status = a.status("k")
    assert status.freshness == "stale"
    assert status.rag == "grey"
    assert any(al.rule == "stale" and al.kpi == "k" for al in a.alerts)


def test_msf_rates_per_thousand_population_and_rank(tmp_path):
    rows = (series("k", [100.0] * 4) + series("k", [100.0] * 4, force="north")
            + series("k", [100.0] * 4, force="south"))
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }', msf=True), rows)
    msf = a.status("k").msf
    basis = {e.force: e.basis for e in msf.entries}
    # 400 offences a year: home 0.4, north 0.8, south 0.2 per 1,000
    assert basis == pytest.approx({"home": 0.4, "north": 0.8, "south": 0.2})
    assert msf.home_rank == 2  # lower is better: south, home, north
    assert msf.comparators_mean == pytest.approx(0.5)
    assert msf.gap_pct == pytest.approx(-20.0)
    assert not msf.worst


def test_msf_worst_by_more_than_the_margin_is_a_warning(tmp_path):
    rows = (series("k", [300.0] * 4) + series("k", [100.0] * 4, force="north")
            + series("k", [100.0] * 4, force="south"))
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }', msf=True), rows)
    assert a.status("k").msf.worst
    warning = [al for al in a.alerts if al.rule == "msf"]
    assert warning and warning[0].severity == "warning"
    assert "worst of its most similar forces" in warning[0].message


def test_survey_change_significant_only_when_intervals_say_so(tmp_path):
    # SE = width / 3.92; 1.96 × √(SE₁² + SE₂²) with widths 4 and 4: 2.83
    rows = ["conf,home,2019/20 Q4,55,,,53,57,", "conf,home,2020/21 Q4,52,,,50,54,",
            "conf,home,2021/22 Q1,57.9,,,55.9,59.9,"]
    kpis = kpi("conf", '{ kind = "trajectory", direction = "increase" }', unit="percent",
               measure="stock", better="higher")
    a = build(tmp_path, kpis, rows, as_of="2020/21 Q4")
    status = a.status("conf")
    assert status.change == pytest.approx(-3.0)
    assert status.survey_significant is True
    assert status.rag == "red"
    later = assess(a.config, a.timeline.observations, Quarter(2021, 1))
    assert later.status("conf").survey_significant is True
    assert later.status("conf").rag == "green"
    assert later.status("conf").spc.last_point_type is None  # no SPC on survey estimates


def test_survey_change_within_the_intervals_is_not_significant(tmp_path):
    rows = ["conf,home,2019/20 Q4,55,,,53,57,", "conf,home,2020/21 Q4,53,,,51,55,"]
    kpis = kpi("conf", '{ kind = "trajectory", direction = "increase" }', unit="percent",
               measure="stock", better="higher")
    status = build(tmp_path, kpis, rows).status("conf")
    assert status.survey_significant is False
    assert status.rag == "amber"


# alerts over time ---------------------------------------------------------------------------


def test_alerts_know_since_when_they_fire_and_what_resolved(tmp_path):
    # red from 2020/21 Q1 (above baseline) until 2021/22 Q1 when it drops
    values = [100.0] * 4 + [120.0] * 4 + [50.0, 50.0]
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease", '
                                 'judged_by = "tolerance" }'),
              series("k", values), as_of="2020/21 Q4")
    breach = [al for al in a.alerts if al.severity == "breach"]
    assert [al.id for al in breach] == ["k/home/target/2020-21_Q4"]
    assert breach[0].since == Quarter(2020, 1)
    assert not breach[0].is_new
    timeline = a.timeline
    later = timeline.at(Quarter(2021, 2))
    assert not [al for al in later.alerts if al.severity == "breach"]
    # the 12 months to 2021/22 Q1 are still 2.5 % up (410); to Q2 they are 15 % down (340)
    assert "breach" in [al.severity for al in timeline.at(Quarter(2021, 1)).alerts]
    resolved = timeline.at(Quarter(2021, 2)).resolved
    assert [(al.id, al.since) for al in resolved if al.rule == "target"] == [
        ("k/home/target/2021-22_Q1", Quarter(2020, 1))]


def test_alerts_sort_by_severity_then_plan_order(tmp_path):
    kpis = (kpi("first", '{ kind = "monitor" }')
            + kpi("second", '{ kind = "threshold", op = ">", value = 5 }', measure="stock",
                  better="higher"))
    values = [10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 40.0]
    rows = series("first", values) + series("second", [1.0] * 11)
    a = build(tmp_path, kpis, rows)
    assert [(al.severity, al.kpi) for al in a.alerts] == [("breach", "second"),
                                                          ("signal", "first")]


# the bundled sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    config = load_config(ROOT / "config.toml")
    observations = load_observations(ROOT / "data", config, today=TODAY)
    return build_timeline(config, observations)


def test_bundled_explanations_state_the_quoted_figures(bundled):
    homicides = bundled.at(Quarter(2020, 4)).status("homicides")
    assert homicides.explanation == (
        "Homicides: 43 in the 12 months to 2020/21 Q4, 22% below the 55 of the 12 months "
        "ending June 2019: no significant change (p = 0.2); 14 in 2020/21 Q4 against 18 in "
        "2019/20 Q4, the same quarter a year earlier (-22%); target: reduce — no clear change."
    )
    discharges = bundled.at(Quarter(2020, 4)).status("firearm-discharges")
    assert "157 in the 12 months to 2020/21 Q4" in discharges.explanation
    assert "the 162 of the 12 months ending June 2019" in discharges.explanation


def test_bundled_latest_quarter_has_a_believable_mix(bundled):
    a = bundled.at()
    assert a.as_of == Quarter(2021, 2)
    rags = [s.rag for s in a.home_statuses.values()]
    for rag in ("red", "amber", "green", "grey", None):
        assert rags.count(rag) >= 2, rag
    severities = {al.severity for al in a.alerts}
    assert severities == {"breach", "warning", "signal", "improvement", "data"}
    rape = a.status("rape-positive-outcome-rate")
    assert rape.rag == "red"
    # judged on the year: 47 + 43 + 40 + 40 = 170 positive outcomes of 974 + 960 + 969 + 1,025
    # = 3,928 offences in the 12 months to 2021/22 Q2, 4.3 %
    assert rape.explanation == (
        "Positive outcome rate: Rape 4.3% in the 12 months to 2021/22 Q2, below the target of "
        "more than 5% (judged on the 12 months; 3.9% in 2021/22 Q2 alone).")


def test_vectorised_spc_agrees_with_the_plain_function_on_every_bundled_series(bundled):
    spc = bundled.config.settings.spc
    checked = 0
    for quarter in bundled.quarters:
        a = bundled.at(quarter)
        for (kpi_id, force) in a._rows:
            kpi_def = bundled.config.framework.kpi(kpi_id)
            points = a.spc_points(kpi_id, force)
            if not points:
                continue
            direction = {"higher": "increase", "lower": "decrease"}.get(kpi_def.better,
                                                                         "neutral")
            plain = analyse([p.value for p in points], improvement_direction=direction,
                            screen_outliers=spc.screen_outliers, run_length=spc.run_length,
                            trend_length=spc.trend_length)
            assert [p.special_cause_type for p in points] == list(plain.special_cause_type)
            assert [p.point_type for p in points] == list(plain.point_type)
            status = a.status(kpi_id, force)
            if len(points) > 1:
                assert math.isclose(status.spc.upl, plain.upl, rel_tol=1e-9, abs_tol=1e-9)
                assert math.isclose(status.spc.lpl, plain.lpl, rel_tol=1e-9, abs_tol=1e-9)
            checked += 1
    assert checked > 3000


def test_every_quarter_is_assessed(bundled):
    assert len(bundled.quarters) == 18
    for quarter in bundled.quarters:
        assert bundled.at(quarter).as_of == quarter


# published 12-month figures ---------------------------------------------------------------


def twelve_month_rows(ident: str, values: dict[str, float], force: str = "home") -> list[str]:
    return [f"{ident},{force},{q},,,,,,,{v}" for q, v in values.items()]


def build_12m(tmp_path: Path, kpis: str, rows: list[str], as_of: str | None = None):
    return build(tmp_path, kpis, rows, as_of, header=HEADER + ",value_12m")


def test_published_twelve_month_figures_are_compared_directly(tmp_path):
    # ONS-style: only rolling 12-month counts, one per quarter; no quarterly counts at all
    rows = twelve_month_rows("burglary", {"2019/20 Q3": 410, "2019/20 Q4": 400,
                                          "2020/21 Q4": 300, "2021/22 Q1": 320})
    a = build_12m(tmp_path, kpi("burglary", '{ kind = "trajectory", direction = "decrease" }'),
                  rows)
    status = a.status("burglary")
    assert status.baseline == 400  # the 12 months ending March 2020, as published
    assert status.comparison == 320
    assert status.change_pct == pytest.approx(-20.0)
    assert status.rag == "green"
    assert status.spc.last_point_type is None  # no SPC on overlapping 12-month windows
    assert status.explanation.startswith("Burglary: 320 in the 12 months to 2021/22 Q1, 20% "
                                         "below the 400 of 2019/20")


def test_a_published_figure_wins_over_summing_quarters(tmp_path):
    rows = [f"k,home,{(Quarter(2019, 1) + i).label},100,,,,,," for i in range(7)]
    rows[3] = "k,home,2019/20 Q4,100,,,,,,390"  # the official 12-month counts beside them
    rows.append("k,home,2020/21 Q4,100,,,,,,380")
    a = build_12m(tmp_path, kpi("k", '{ kind = "monitor" }'), rows)
    status = a.status("k")
    assert status.comparison == 380
    assert status.baseline == 390  # the baseline from the same published series
    assert status.source == "published"
    assert status.latest_value == 100  # the quarter's own count is kept beside it
    assert status.spc.n_points == 8


def test_baseline_and_comparison_come_from_the_same_source(tmp_path):
    # a published figure for the latest 12 months but none for the baseline year: the
    # quarterly counts give both, so both come from them (400 against 400, not 380 against 400)
    rows = [f"k,home,{(Quarter(2019, 1) + i).label},100,,,,,," for i in range(7)]
    rows.append("k,home,2020/21 Q4,100,,,,,,380")
    a = build_12m(tmp_path, kpi("k", '{ kind = "monitor" }'), rows)
    status = a.status("k")
    assert (status.comparison, status.baseline, status.source) == (400, 400, "quarters")
    # with only a published baseline beside quarterly counts, nothing is set across sources
    rows = twelve_month_rows("k", {"2019/20 Q4": 390})
    rows += [f"k,home,{(Quarter(2020, 1) + i).label},100,,,,,," for i in range(4)]
    other = tmp_path / "other"
    other.mkdir()
    b = build_12m(other, kpi("k", '{ kind = "trajectory", direction = "decrease" }'), rows)
    status = b.status("k")
    assert status.comparison == 400
    assert status.source == "quarters"
    assert status.baseline is None
    assert status.rag == "grey"


def test_a_milestone_is_not_judged_before_its_start(tmp_path):
    # the start value comes from the data at the start quarter: unknown before it
    target = ('{ kind = "milestone", increase = 40, start = "2020/21 Q1", '
              'deadline = "2021/22 Q1" }')
    a = build(tmp_path, kpi("k", target, measure="stock", better="higher"),
              series("k", [90.0, 95.0, 100.0, 100.0, 100.0, 110.0]), as_of="2019/20 Q4")
    status = a.status("k")
    assert status.rag == "grey"
    assert status.milestone_goal is None
    assert "starts in 2020/21 Q1" in status.explanation
    later = a.timeline.at(Quarter(2020, 2)).status("k")
    assert later.milestone_goal == 140


def test_an_alert_that_changes_severity_has_not_resolved(tmp_path):
    a = build(tmp_path, kpi("s163", '{ kind = "commitment" }', measure="stock"),
              ["s163,home,2021/22 Q1,,,,,,in progress", "s163,home,2021/22 Q2,,,,,,at risk"])
    assert [al.severity for al in a.alerts] == ["breach"]
    assert a.alerts[0].is_new
    assert a.resolved == ()


def test_a_significant_survey_improvement_is_an_improvement(tmp_path):
    rows = ["conf,home,2020/21 Q1,50,,,48,52,", "conf,home,2021/22 Q1,56,,,54,58,"]
    kpis = kpi("conf", '{ kind = "monitor" }', unit="percent", measure="stock",
               better="higher")
    a = build(tmp_path, kpis, rows)
    assert [(al.rule, al.severity) for al in a.alerts] == [("survey", "improvement")]


def test_a_monitored_kpi_without_data_is_grey(tmp_path):
    kpis = kpi("k", '{ kind = "monitor" }') + kpi("other", '{ kind = "monitor" }')
    a = build(tmp_path, kpis, series("other", [1.0, 2.0]))
    assert a.status("k").rag == "grey"
    assert a.status("other").rag is None


# figures that lag, stop or have gaps ------------------------------------------------------------


def test_a_flow_one_quarter_behind_is_judged_on_its_own_latest_twelve_months(tmp_path):
    # burglary to 2021/22 Q1 (100 + i from 2018/19 Q1); another KPI reaches 2021/22 Q2
    values = [100.0 + i for i in range(13)]
    rows = series("burglary", values, first="2018/19 Q1") + series("other", [1.0] * 14,
                                                                  first="2018/19 Q1")
    kpis = (kpi("burglary", '{ kind = "trajectory", direction = "decrease", '
                            'judged_by = "tolerance" }')
            + kpi("other", '{ kind = "monitor" }'))
    status = build(tmp_path, kpis, rows).status("burglary")
    assert status.as_of == Quarter(2021, 2)
    assert status.freshness == "lagging"
    assert status.comparison == 109 + 110 + 111 + 112
    assert status.comparison_label == "the 12 months to 2021/22 Q1"
    assert status.baseline == 104 + 105 + 106 + 107
    assert status.rag == "red"


def test_a_stale_series_signals_nothing(tmp_path):
    # ends 2021/22 Q1 with an outlier; another KPI reaches 2021/22 Q3, two quarters later
    values = [10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 11.0, 40.0]
    rows = series("asb", values) + series("other", [1.0] * 11)
    kpis = kpi("asb", '{ kind = "monitor" }') + kpi("other", '{ kind = "monitor" }')
    a = build(tmp_path, kpis, rows)
    assert a.timeline.at(Quarter(2021, 1)).status("asb").is_signal
    status = a.status("asb")
    assert status.freshness == "stale"
    assert not status.is_signal
    assert [al.rule for al in a.alerts if al.kpi == "asb"] == ["stale"]


def test_a_milestone_without_its_start_value_is_grey(tmp_path):
    target = ('{ kind = "milestone", goal = 200, start = "2019/20 Q2", '
              'deadline = "2022/23 Q4" }')
    values = [100.0, None, 120.0, 130.0]  # nothing for the start quarter
    a = build(tmp_path, kpi("k", target, measure="stock", better="higher"),
              series("k", values, first="2019/20 Q1"))
    assert a.status("k").rag == "grey"
    assert not a.alerts


def test_a_gap_is_a_data_alert_not_a_resolution(tmp_path):
    # amber while the 12 months are level with 2019/20; 2020/21 Q3 never arrives. In Q3 the
    # figure to Q2 is still judged (it lags by one quarter); in Q4 the window has a hole.
    values = [100.0] * 6 + [None, 100.0]
    kpis = kpi("k", '{ kind = "trajectory", direction = "decrease", judged_by = "tolerance" }')
    a = build(tmp_path, kpis, series("k", values))
    timeline = a.timeline
    assert [al.severity for al in timeline.at(Quarter(2020, 3)).alerts] == ["warning"]
    gap = timeline.at(Quarter(2020, 4))
    assert gap.resolved == ()
    assert [(al.rule, al.severity) for al in gap.alerts] == [("missing", "data")]
    assert ("no figure for Home Police for 2020/21 Q3 from the 12 months to 2020/21 Q4"
            in gap.alerts[0].message)


def test_a_lagging_milestone_figure_is_set_against_the_path_at_its_own_quarter(tmp_path):
    # the uplift figure stops at 2021/22 Q1 while another KPI reaches Q2: 7 of 14 quarters
    # gone at the figure's quarter (planned 600), not 8 (685.7)
    rows = (series("uplift", [0.0] * 7 + [590.0], first="2019/20 Q2")
            + series("other", [1.0] * 10, first="2019/20 Q1"))
    kpis = (kpi("uplift", MILESTONE, measure="stock", better="higher")
            + kpi("other", '{ kind = "monitor" }'))
    status = build(tmp_path, kpis, rows).status("uplift")
    assert status.as_of == Quarter(2021, 2)
    assert status.freshness == "lagging"
    assert status.milestone_planned == pytest.approx(600.0)
    assert status.rag == "amber"  # 10 behind; against the Q2 point it would be 96 behind, red
    assert "against 600 planned" in status.explanation
    assert "behind by 10" in status.explanation


def test_a_gap_in_the_baseline_year_is_a_data_alert_naming_the_quarter(tmp_path):
    from pcp_tui.report import render_markdown

    values = [100.0, None, 100.0, 100.0] + [90.0] * 4
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease" }'),
              series("k", values))
    status = a.status("k")
    assert status.missing_in_baseline == (Quarter(2019, 2),)
    assert "no complete baseline for 2019/20 (2019/20 Q2 missing)" in status.explanation
    gaps = [al for al in a.alerts if al.rule == "missing"]
    assert [al.severity for al in gaps] == ["data"]
    message = gaps[0].message
    assert "no figure for Home Police for 2019/20 Q2 from the baseline 2019/20" in message
    report = render_markdown(a, [])
    missing = report.split("### Missing and stale figures")[1]
    assert "2019/20 Q2 from the baseline 2019/20" in missing


def test_no_gap_alerts_for_quarters_before_a_series_starts(tmp_path):
    # the series starts in 2019/20 Q1: at its first three quarters the 12 months reach back
    # before it, which is not a gap; a real hole later is
    values = [100.0] * 6 + [None, 100.0]
    a = build(tmp_path, kpi("k", '{ kind = "trajectory", direction = "decrease" }'),
              series("k", values))
    timeline = a.timeline
    for quarter in (Quarter(2019, 1), Quarter(2019, 2), Quarter(2019, 3)):
        assert not [al for al in timeline.at(quarter).alerts if al.rule == "missing"], quarter
    assert [al.rule for al in timeline.at(Quarter(2020, 4)).alerts] == ["missing"]


def test_the_bundled_first_quarter_has_no_gap_alerts(bundled):
    first = bundled.quarters[0]
    assert first == Quarter(2017, 1)
    assert [al.id for al in bundled.at(first).alerts if al.rule == "missing"] == []


def test_msf_compares_every_force_on_the_home_forces_window(tmp_path):
    # the home figure stops at 2020/21 Q4 (lagging at 2021/22 Q1); north runs on to 2021/22 Q1
    # with a much higher last quarter; south stops at 2020/21 Q3 (not yet published for Q4)
    rows = series("k", [100.0] * 8) + series("k", [100.0] * 8 + [900.0], force="north")
    kpis = kpi("k", '{ kind = "monitor" }', msf=True)
    (tmp_path / "config.toml").write_text(SETTINGS + kpis, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # south's own return, which stops a quarter earlier
    (data / "b.csv").write_text(HEADER + "\n" + "\n".join(
        series("k", [100.0] * 7, force="south")) + "\n", encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    a = assess(config, load_observations(data, config, today=TODAY))
    assert a.as_of == Quarter(2021, 1)
    msf = a.status("k").msf
    assert msf.window == Quarter(2020, 4)
    assert msf.window_label == "the 12 months to 2020/21 Q4"
    by_force = {e.force: e for e in msf.entries}
    assert by_force["north"].value == 400  # its 12 months to 2020/21 Q4, not to 2021/22 Q1
    assert by_force["north"].basis == pytest.approx(0.8)
    assert by_force["south"].basis is None
    assert by_force["south"].missing == "not yet published"
    assert msf.n == 2
    assert msf.comparators_mean == pytest.approx(0.8)  # north alone
    assert a.status("k", "north").msf.window == Quarter(2020, 4)


def test_no_msf_rank_without_a_better_direction(tmp_path):
    rows = (series("k", [100.0] * 4) + series("k", [100.0] * 4, force="north")
            + series("k", [100.0] * 4, force="south"))
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }', msf=True, better="none"), rows)
    msf = a.status("k").msf
    assert msf.home_rank is None
    assert {e.rank for e in msf.entries} == {None}
    assert msf.comparators_mean == pytest.approx(0.5)


def test_msf_a_force_the_same_return_gives_no_figure_for_is_suppressed(tmp_path):
    # one return for all forces, whose south rows stop before the window (the ONS `..`)
    rows = (series("k", [100.0] * 8) + series("k", [100.0] * 8, force="north")
            + series("k", [100.0] * 6, force="south"))
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }', msf=True), rows)
    south = next(e for e in a.status("k").msf.entries if e.force == "south")
    assert (south.basis, south.missing) == (None, "suppressed in the source")
