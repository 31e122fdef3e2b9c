"""assess(): alerts over time: since when each fires, what resolved, and their order."""

from __future__ import annotations

from small_plans import (
    build,
    kpi,
    series,
)

from pcp_tui.periods import Quarter

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
