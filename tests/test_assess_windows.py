"""assess(): the comparison and baseline windows: published 12-month figures against summed
quarters, figures that lag, stop or have gaps, and most similar forces on the home force's
window."""

from __future__ import annotations

import pytest
from small_plans import (
    HEADER,
    MILESTONE,
    SETTINGS,
    TODAY,
    build,
    build_12m,
    kpi,
    series,
    twelve_month_rows,
)

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import assess

# published 12-month figures ---------------------------------------------------------------


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
