"""Each KPI's `spc`: control limits on the values, on the change each quarter, or none."""

from __future__ import annotations

import pytest
from small_plans import ROOT, build, build_12m, kpi, series, twelve_month_rows

from pcp_tui.config import load_config
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.explain import NO_SPC_WORDS, alert_message, spc_phrase

MILESTONE = ('{ kind = "milestone", goal = 400, start = "2019/20 Q1", start_value = 100, '
             'deadline = "2022/23 Q4" }')
TRAJECTORY = '{ kind = "trajectory", direction = "increase" }'


def with_spc(text: str, method: str) -> str:
    return text.replace("msf = false", f'msf = false\nspc = "{method}"')


def test_defaults_follow_the_target_kind():
    config = load_config(ROOT / "config.toml")
    kpis = {k.id: k for k in config.framework.kpis}
    # milestones rise along their planned path by design
    assert kpis["bame-officers"].spc == "increments"
    assert kpis["neighbourhood-officers"].spc == "increments"
    # the running totals, said so in the config
    assert kpis["police-officer-uplift"].spc == "increments"
    assert kpis["wmnow-signups"].spc == "increments"
    assert kpis["homicides"].spc == "xmr"
    assert kpis["da-positive-outcome-rate"].spc == "xmr"


def test_increments_chart_the_change_each_quarter(tmp_path):
    # levels 100, 110, 125, 135, 150: changes 10, 15, 10, 15 (the first level has none);
    # mean 12.5, moving ranges 5, 5, 5: limits 12.5 ± 2.66 × 5 = −0.8 to 25.8
    a = build(tmp_path, kpi("k", MILESTONE, measure="stock", better="higher"),
              series("k", [100, 110, 125, 135, 150]), as_of="2020/21 Q1")
    status = a.status("k")
    assert status.kpi.spc == "increments"
    points = a.spc_points("k")
    assert [p.quarter.label for p in points] == ["2019/20 Q2", "2019/20 Q3", "2019/20 Q4",
                                                 "2020/21 Q1"]
    assert [p.value for p in points] == [10, 15, 10, 15]
    assert status.spc.mean == pytest.approx(12.5)
    assert status.spc.lpl == pytest.approx(12.5 - 2.66 * 5)
    assert status.spc.upl == pytest.approx(12.5 + 2.66 * 5)
    assert status.spc.last_value == 15


def test_a_steady_cumulative_count_is_no_special_cause(tmp_path):
    # 13 quarters of a running total rising by 40, 45, 40, 45, …: on the levels XmR would call
    # every late quarter a rising trend and beyond the limits; its changes vary by chance only
    changes = [40, 45] * 6
    levels = [0.0]
    for change in changes:
        levels.append(levels[-1] + change)
    cumulative = kpi("k", TRAJECTORY, measure="stock", better="higher")
    rows = series("k", levels, first="2018/19 Q1")
    (tmp_path / "xmr").mkdir()
    (tmp_path / "inc").mkdir()
    xmr = build(tmp_path / "xmr", with_spc(cumulative, "xmr"), rows)
    assert xmr.status("k").spc.last_point_type == spc_plain.SPECIAL_CAUSE_IMPROVEMENT
    a = build(tmp_path / "inc", with_spc(cumulative, "increments"), rows)
    points = a.spc_points("k")
    assert len(points) == 12
    assert {p.point_type for p in points} == {spc_plain.COMMON_CAUSE}
    status = a.status("k")
    assert status.spc.mean == pytest.approx(42.5)
    assert not status.is_signal
    assert spc_phrase(status) == "common-cause variation on the change from quarter to quarter"
    assert not [al for al in a.alerts if al.rule == "spc"]


def test_a_special_cause_in_the_changes_is_named_as_such(tmp_path):
    # changes of 10 for 12 quarters, then 60: above the upper limit of the changes (10 ± 0)
    levels = [100.0 + 10 * i for i in range(13)] + [100.0 + 10 * 12 + 60]
    a = build(tmp_path, with_spc(kpi("k", TRAJECTORY, measure="stock", better="higher"),
                                 "increments"), series("k", levels, first="2017/18 Q1"))
    status = a.status("k")
    assert status.spc.last_special_cause == spc_plain.ABOVE_UCL
    assert spc_phrase(status) == ("special-cause improvement on the change from quarter to "
                                  "quarter: the latest quarter's change is above the upper "
                                  "process limit")
    alert = next(al for al in a.alerts if al.rule == "spc")
    assert alert_message(status, alert.rule, alert.severity, a.config.settings).startswith(
        "K: +60 in 2020/21 Q2, to 280 — special-cause improvement on the change")


def test_none_leaves_the_series_out_of_spc(tmp_path):
    values = [5.0, 7.0] * 4 + [6.0]
    target = '{ kind = "threshold", op = ">", value = 5 }'
    a = build(tmp_path, with_spc(kpi("por", target, unit="percent", measure="stock",
                                     better="higher"), "none"), series("por", values))
    status = a.status("por")
    assert a.spc_points("por") == []
    assert status.spc.n_points == 0
    # no limits, so no assurance and nothing to make a met threshold amber
    assert status.spc.assurance is None
    assert status.rag == "green"
    assert spc_phrase(status) == NO_SPC_WORDS


def test_increments_give_no_assurance_against_a_level_target(tmp_path):
    values = [5.0, 7.0] * 4 + [6.0]
    target = '{ kind = "threshold", op = ">", value = 5 }'
    a = build(tmp_path, with_spc(kpi("por", target, unit="percent", measure="stock",
                                     better="higher"), "increments"), series("por", values))
    status = a.status("por")
    assert status.spc.n_points == 8
    assert status.spc.assurance is None  # limits on changes say nothing about the level of 5
    assert status.rag == "green"


def test_a_gap_breaks_the_changes(tmp_path):
    # no figure for 2019/20 Q3: the Q4 level has no change from the quarter before
    a = build(tmp_path, kpi("k", MILESTONE, measure="stock", better="higher"),
              series("k", [100, 110, None, 130, 140]), as_of="2020/21 Q1")
    assert [(p.quarter.label, p.value) for p in a.spc_points("k")] == [
        ("2019/20 Q2", 10), ("2020/21 Q1", 10)]


def test_published_twelve_month_sums_get_no_spc(tmp_path):
    values = {f"{2016 + i // 4}/{(17 + i // 4) % 100:02d} Q{i % 4 + 1}": 100.0 + i
              for i in range(16)}
    a = build_12m(tmp_path, kpi("k", '{ kind = "monitor" }'), twelve_month_rows("k", values))
    status = a.status("k")
    assert status.twelve_month_only
    assert a.spc_points("k") == []
    assert spc_phrase(status) == "no control limits on overlapping 12-month figures"


def test_bundled_officer_uplift_shows_no_special_cause_from_cumulating():
    from small_plans import TODAY

    from pcp_tui.dataset import load_observations
    from pcp_tui.rules.assess import build_timeline

    config = load_config(ROOT / "config.toml")
    timeline = build_timeline(config, load_observations(ROOT / "data", config, today=TODAY))
    for quarter in timeline.quarters:
        a = timeline.at(quarter)
        points = a.spc_points("police-officer-uplift")
        # every point is a quarter's recruits, never the running total
        history = dict(a.history("police-officer-uplift"))
        for point in points:
            assert point.value == history[point.quarter] - history[point.quarter.minus(1)]
        assert not [al for al in a.alerts
                    if al.kpi == "police-officer-uplift" and al.rule == "spc"]
    latest = timeline.at().status("police-officer-uplift")
    assert latest.spc.on_increments
    assert latest.spc.last_point_type == spc_plain.COMMON_CAUSE
