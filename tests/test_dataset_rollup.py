"""Roll-ups (dataset_rollup): monthly rows become quarters by the KPI's measure: flows summed,
stocks the last month, rates from summed counts; incomplete quarters and duplicate months are
reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from loaded_returns import (
    Q1,
    Load,
    check,
    the_problem,
    values,
)

# Roll-ups: monthly rows become quarters by the KPI's measure -------------------------------------


MONTHLY = (
    "kpi,force,period,value,numerator,denominator\n"
    # a flow: summed over the quarter
    "residential-burglary,WMP,2021-04,100,,\n"
    "residential-burglary,WMP,May 2021,110,,\n"
    "residential-burglary,WMP,30/06/2021,120,,\n"
    # a stock: the level at the quarter's last month
    "pcsos,WMP,2021-04,400,,\n"
    "pcsos,WMP,2021-05,410,,\n"
    "pcsos,WMP,2021-06,420,,\n"
    # a rate: summed numerators over summed denominators (10%, 10%, 50% by month)
    "rape-por,WMP,2021-04,,1,10\n"
    "rape-por,WMP,2021-05,,9,90\n"
    "rape-por,WMP,2021-06,,50,100\n"
)


def test_monthly_rows_roll_up_by_measure(load: Load) -> None:
    obs = load("monthly.csv", MONTHLY)
    assert obs.problems == ()
    assert values(obs) == {
        ("residential-burglary", "west-midlands", "2021/22 Q1"): 330.0,
        ("pcsos", "west-midlands", "2021/22 Q1"): 420.0,
        ("rape-por", "west-midlands", "2021/22 Q1"): 30.0,  # 60 / 200, not (10+10+50)/3
    }
    rate = obs.frame.filter(pl.col("kpi") == "rape-por").row(0, named=True)
    assert (rate["numerator"], rate["denominator"]) == (60.0, 200.0)
    assert rate["period"] == Q1


def test_monthly_rows_in_any_order(load: Load) -> None:
    lines = MONTHLY.splitlines()
    shuffled = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    assert values(load("monthly.csv", shuffled)) == values(load("monthly2.csv", MONTHLY))


def test_incomplete_quarter_of_a_flow_is_reported_not_rolled_up(load: Load, data_dir: Path) -> None:
    obs = load(
        "monthly.csv",
        MONTHLY
        + "residential-burglary,WMP,2021-07,90,,\n"
        + "residential-burglary,WMP,2021-08,95,,\n",
    )
    check(the_problem(obs), data_dir / "monthly.csv", 12, "period",
          "2 of 3 months of 2021/22 Q2 for residential-burglary", "not rolled up")
    assert ("residential-burglary", "west-midlands", "2021/22 Q2") not in values(obs)
    assert values(obs)[("residential-burglary", "west-midlands", "2021/22 Q1")] == 330.0


def test_stock_needs_only_the_last_month(load: Load, data_dir: Path) -> None:
    obs = load(
        "monthly.csv",
        "kpi,force,period,value\n"
        "pcsos,WMP,2021-05,410\npcsos,WMP,2021-06,420\n"  # Q1: June is there
        "pcsos,WMP,2021-07,430\npcsos,WMP,2021-08,440\n",  # Q2: no September
    )
    check(the_problem(obs), data_dir / "monthly.csv", 5, "period",
          "2 of 3 months of 2021/22 Q2 for pcsos", "its last month for a level")
    assert values(obs) == {("pcsos", "west-midlands", "2021/22 Q1"): 420.0}


def test_monthly_rates_need_counts(load: Load, data_dir: Path) -> None:
    obs = load(
        "monthly.csv",
        "kpi,force,period,value\n"
        "rape-por,WMP,2021-04,10%\nrape-por,WMP,2021-05,10%\nrape-por,WMP,2021-06,50%\n"
        "pcsos,WMP,2021/22 Q1,470\n",
    )
    check(the_problem(obs), data_dir / "monthly.csv", 4, "numerator",
          "monthly rape-por rates without numerator and denominator",
          "not an average of rates")
    assert values(obs) == {("pcsos", "west-midlands", "2021/22 Q1"): 470.0}


def test_a_lone_first_month_is_a_month_not_the_quarter(load: Load) -> None:
    # `2021-10` names October, even though October starts 2021/22 Q3
    obs = load("monthly.csv", "kpi,force,period,value\nresidential-burglary,WMP,2021-10,5\n")
    problem = the_problem(obs)
    assert problem.column == "period"
    assert "1 of 3 months of 2021/22 Q3" in problem.found
    assert obs.frame.is_empty()


def test_quarterly_row_beside_a_monthly_series_is_kept(load: Load) -> None:
    obs = load(
        "returns.csv",
        "kpi,force,period,value\n"
        "residential-burglary,WMP,2021/22 Q1,300\n"
        "residential-burglary,WMP,2021-07,100\n"
        "residential-burglary,WMP,2021-08,110\n"
        "residential-burglary,WMP,2021-09,120\n",
    )
    assert obs.problems == ()
    assert values(obs) == {
        ("residential-burglary", "west-midlands", "2021/22 Q1"): 300.0,
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 330.0,
    }


def test_quarterly_row_and_months_of_the_same_quarter(load: Load, data_dir: Path) -> None:
    obs = load(
        "returns.csv",
        "kpi,force,period,value\n"
        "residential-burglary,WMP,2021/22 Q2,300\n"
        "residential-burglary,WMP,2021-07,100\n"
        "residential-burglary,WMP,2021-08,110\n"
        "residential-burglary,WMP,2021-09,120\n",
    )
    check(the_problem(obs), data_dir / "returns.csv", 5, "period",
          "monthly rows for residential-burglary in 2021/22 Q2", "the quarterly row is kept")
    assert values(obs) == {("residential-burglary", "west-midlands", "2021/22 Q2"): 300.0}
    assert obs.revisions == ()


def test_duplicate_month_is_reported(load: Load, data_dir: Path) -> None:
    obs = load("monthly.csv", MONTHLY + "residential-burglary,WMP,2021-05-31,999,,\n")
    check(the_problem(obs), data_dir / "monthly.csv", 11, "period", "a second row",
          "the first is kept")
    assert values(obs)[("residential-burglary", "west-midlands", "2021/22 Q1")] == 330.0
