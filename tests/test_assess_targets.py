"""assess(): hand-worked numbers for each target kind (thresholds, trajectories, milestones)
and the edges around them."""

from __future__ import annotations

import math

import pytest
from small_plans import (
    MILESTONE,
    build,
    kpi,
    series,
)

from pcp_tui.periods import Quarter

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
