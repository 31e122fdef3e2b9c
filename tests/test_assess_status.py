"""assess(): commitments, monitors and missing data; stale figures; most similar forces' rates
and rank; survey changes judged on their intervals."""

from __future__ import annotations

import pytest
from small_plans import (
    build,
    kpi,
    series,
)

from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import assess

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
    # no icons either (the Making Data Count summary puts it among the KPIs without SPC),
    # though the last point has a label, against limits that are not shown
    assert status.spc.last_point_type is not None
    assert status.spc.variation_icon is None and status.spc.assurance is None


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
