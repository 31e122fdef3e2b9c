"""Every flow's sentence sets its latest quarter against the same quarter a year earlier."""

from __future__ import annotations

from small_plans import build, kpi, series

TRAJECTORY = '{ kind = "trajectory", direction = "decrease" }'

# a seasonal count: high every third quarter (Q3), flat otherwise
SEASONAL = [100, 100, 130, 100,   # 2019/20: the baseline year, 430
            100, 100, 130, 100,   # 2020/21
            100, 100, 132]        # 2021/22 Q1–Q3


def test_a_seasonal_rise_is_set_against_the_same_quarter_a_year_earlier(tmp_path):
    # Q3 2021/22 is 32% above Q2 but only 1.5% above Q3 2020/21 (132 against 130); the 12
    # months to 2021/22 Q3 are 100 + 100 + 100 + 132 = 432 against 430
    a = build(tmp_path, kpi("k", TRAJECTORY), series("k", SEASONAL))
    status = a.status("k")
    assert status.year_ago_value == 130
    assert "132 in 2021/22 Q3 against 130 in 2020/21 Q3, the same quarter a year earlier " \
           "(+1.5%); target: reduce" in status.explanation
    assert status.explanation.startswith("K: 432 in the 12 months to 2021/22 Q3, 0.5% above "
                                         "the 430 of 2019/20")


def test_a_monitored_flow_gives_the_year_on_year_change(tmp_path):
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }'), series("k", SEASONAL[:-1] + [117]))
    # 117 against 130: −10 %
    assert "; 130 in 2020/21 Q3, the same quarter a year earlier (-10%);" in \
        a.status("k").explanation


def test_from_none_a_year_earlier(tmp_path):
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }'), series("k", [0, 0, 0, 0, 3]))
    assert "0 in 2019/20 Q1, the same quarter a year earlier (up from none)" in \
        a.status("k").explanation


def test_no_year_on_year_without_the_quarter_a_year_earlier(tmp_path):
    values = SEASONAL[:6] + [None] + SEASONAL[7:]
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }'), series("k", values))
    status = a.status("k")
    assert status.year_ago_value is None
    assert "a year earlier" not in status.explanation


def test_levels_get_no_year_on_year_clause(tmp_path):
    a = build(tmp_path, kpi("k", '{ kind = "monitor" }', measure="stock"),
              series("k", SEASONAL))
    assert "a year earlier" not in a.status("k").explanation
