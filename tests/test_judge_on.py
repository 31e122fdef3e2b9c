"""A threshold judged on the latest quarter or on the 12 months to it (`judge_on`)."""

from __future__ import annotations

import pytest
from small_plans import ROOT, SETTINGS, build, kpi, series

from pcp_tui.config import ConfigError, load_config
from pcp_tui.periods import Quarter


def rate_rows(ident: str, fractions: list[tuple[int, int] | None],
              first: str = "2019/20 Q1") -> list[str]:
    start = Quarter.parse(first)
    rows = []
    for i, pair in enumerate(fractions):
        if pair is None:
            continue
        n, d = pair
        rows.append(f"{ident},home,{(start + i).label},{n / d * 100},{n},{d},,,")
    return rows


def threshold(value: float, judge_on: str | None = None, op: str = ">") -> str:
    on = f', judge_on = "{judge_on}"' if judge_on else ""
    return f'{{ kind = "threshold", op = "{op}", value = {value}{on} }}'


def por(tmp_path, fractions, judge_on=None, value=5):
    return build(tmp_path, kpi("por", threshold(value, judge_on), unit="percent",
                               measure="rate", better="higher"),
                 rate_rows("por", fractions)).status("por")


QUARTERS = [(5, 100), (6, 100), (7, 100), (4, 100)]


def test_the_12_months_decide_when_the_plan_means_the_year(tmp_path):
    # 5 + 6 + 7 + 4 = 22 positive outcomes of 400: 5.5 %, above 5 %; the last quarter alone
    # is 4.0 %, below it
    status = por(tmp_path, QUARTERS, "12 months")
    assert status.year_figure == pytest.approx(5.5)
    assert status.latest_value == pytest.approx(4.0)
    assert status.rag == "green"
    assert status.explanation == (
        "Por 5.5% in the 12 months to 2019/20 Q4, meeting the target of more than 5% (judged "
        "on the 12 months; 4.0% in 2019/20 Q4 alone).")


def test_the_quarter_decides_by_default_and_the_year_is_shown(tmp_path):
    status = por(tmp_path, QUARTERS)
    assert status.rag == "red"
    assert status.explanation == (
        "Por 4.0% in 2019/20 Q4, below the target of more than 5% (judged on the quarter; 5.5% "
        "in the 12 months to 2019/20 Q4).")


def test_the_year_is_summed_outcomes_over_summed_offences_not_a_mean_of_rates(tmp_path):
    # 10/100, 10/400, 10/100, 10/400: the quarters' rates average 6.25 %, but the year is
    # 40 of 1,000 = 4.0 %, below 5 %
    status = por(tmp_path, [(10, 100), (10, 400), (10, 100), (10, 400)], "12 months")
    assert status.year_figure == pytest.approx(4.0)
    assert status.rag == "red"


def test_a_year_with_a_missing_quarter_is_not_judged(tmp_path):
    status = por(tmp_path, [(5, 100), None, (7, 100), (4, 100)], "12 months")
    assert status.year_figure is None
    assert status.rag == "grey"
    assert "judged on the 12 months, which are not complete" in status.explanation


def test_limits_straddling_the_target_make_only_a_quarter_judged_target_amber(tmp_path):
    # outcomes 5, 7, 5, 7, … of 100 a quarter, then 6: limits 6 ± 5.32 straddle 5; the 12
    # months to the last quarter are 7 + 5 + 7 + 6 = 25 of 400 = 6.25 %
    fractions = [(n, 100) for n in [5, 7] * 4 + [6]]
    (tmp_path / "q").mkdir()
    (tmp_path / "y").mkdir()
    quarter = por(tmp_path / "q", fractions)
    year = por(tmp_path / "y", fractions, "12 months")
    assert quarter.spc.assurance == year.spc.assurance == "inconsistent"
    assert quarter.rag == "amber"
    assert year.year_figure == pytest.approx(6.25)
    assert year.rag == "green"


def test_a_flow_judged_on_its_12_months(tmp_path):
    # 30 + 20 + 25 + 28 = 103 in the 12 months, at most 100: red, although 28 ≤ 100
    a = build(tmp_path, kpi("k", threshold(100, "12 months", op="<=")),
              series("k", [30, 20, 25, 28]))
    status = a.status("k")
    assert status.year_figure == 103
    assert status.rag == "red"


def test_the_bundled_positive_outcome_rates_are_judged_on_the_year():
    config = load_config(ROOT / "config.toml")
    judged = {k.id: k.target.judge_on for k in config.framework.kpis
              if k.target.kind == "threshold"}
    assert judged == {
        "pcsos": "quarter",
        "da-positive-outcome-rate": "12 months",
        "rape-positive-outcome-rate": "12 months",
        "stalking-harassment-positive-outcome-rate": "12 months",
        "stop-search-positive-outcome-rate": "12 months",
    }


@pytest.mark.parametrize(("measure", "judge_on", "message"), [
    ("stock", "12 months", "a level (measure = \"stock\") has no 12-month figure"),
    ("rate", "year", "expected one of quarter, 12 months"),
])
def test_judge_on_is_checked(tmp_path, measure, judge_on, message):
    text = SETTINGS + kpi("k", threshold(5, judge_on), unit="percent", measure=measure)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "config.toml")
    problem = next(p for p in caught.value.problems if p.key == "judge_on")
    assert problem.where.endswith(".target")
    assert message in problem.message
