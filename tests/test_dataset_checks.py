"""Checking a return's rows (dataset_checks): one bad row per file becomes a Problem naming
file, row, column, what was found and what was expected, beside a good row that still loads;
and the cell spellings analysts use (separators, suppressed cells, force names, statuses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from loaded_returns import (
    GOOD,
    GOOD_ROW,
    HEAD,
    Load,
    check,
    the_problem,
    values,
)

# One bad row per file, beside a good one ----------------------------------------------------------
#
# (file name, content, row, column, found fragment, expected fragment, the good rows that load)

BAD_ROWS = {
    "unknown KPI id": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "residental-burglary,WMP,2100\n",
        3, "kpi", "'residental-burglary'", "did you mean 'residential-burglary'", GOOD,
    ),
    "blank KPI id": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + ",WMP,2100\n",
        3, "kpi", "''", "a KPI id from the config", GOOD,
    ),
    "unknown force": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "pcsos,Nowhere Constabulary,4\n",
        3, "force", "'Nowhere Constabulary'", "a force from the config", GOOD,
    ),
    "misspelt force": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "pcsos,Greater Manchster Police,4\n",
        3, "force", "'Greater Manchster Police'", "did you mean 'Greater Manchester Police'", GOOD,
    ),
    "value not a number": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "residential-burglary,WMP,lots\n",
        3, "value", "'lots'", "a finite number", GOOD,
    ),
    "decimal comma is not a thousands separator": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + 'rape-por,WMP,"3,9"\n',
        3, "value", "'3,9'", "a finite number", GOOD,
    ),
    "negative count": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "residential-burglary,GMP,-3\n",
        3, "value", "-3", "0 or more", GOOD,
    ),
    "negative 12-month figure beside a good value": (
        "2021-22_Q2.csv", "kpi,force,value,value_12m\npcsos,WMP,470,\n"
        + "residential-burglary,GMP,1234,-3\n",
        3, "value_12m", "'-3' for residential-burglary", "0 or more", GOOD,
    ),
    "infinite value": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "residential-burglary,GMP,1e309\n",
        3, "value", "'1e309'", "a finite number", GOOD,
    ),
    "nan value": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "residential-burglary,GMP,nan\n",
        3, "value", "'nan'", "a finite number", GOOD,
    ),
    "quarter in the future": (
        "returns.csv",
        "kpi,force,period,value\npcsos,WMP,2021/22 Q2,470\npcsos,WMP,2021/22 Q4,480\n",
        3, "period", "a quarter in the future", "up to 2021/22 Q3", GOOD,
    ),
    "month in the future": (
        "returns.csv",
        "kpi,force,period,value\npcsos,WMP,2021/22 Q2,470\npcsos,GMP,2022-01-31,480\n",
        3, "period", "'2022-01-31', a quarter in the future", "up to 2021/22 Q3", GOOD,
    ),
    "duplicate row": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "pcsos,west-midlands,999\n",
        3, "period", "a second row for pcsos, west-midlands", "the first is kept", GOOD,
    ),
    "bad period spelling": (
        "returns.csv",
        "kpi,force,period,value\npcsos,WMP,2021/22 Q2,470\npcsos,GMP,2021/23 Q2,480\n",
        3, "period", "'2021/23 Q2'", "a quarter such as '2021/22 Q2'", GOOD,
    ),
    "blank period in a file not named after a quarter": (
        "returns.csv",
        "kpi,force,period,value\npcsos,WMP,2021/22 Q2,470\npcsos,GMP,,480\n",
        3, "period", "''", "a quarter such as", GOOD,
    ),
    "commitment with an unknown status": (
        "2021-22_Q2.csv", "kpi,force,value,status\npcsos,WMP,470,\ns163,WMP,,started\n",
        3, "status", "'started'", "not-started, in-progress, complete, at-risk", GOOD,
    ),
    "commitment with no status": (
        "2021-22_Q2.csv", "kpi,force,value,status\npcsos,WMP,470,\ns163,WMP,,\n",
        3, "status", "''", "a commitment status", GOOD,
    ),
    "numerator without denominator": (
        "2021-22_Q2.csv",
        "kpi,force,value,numerator,denominator\npcsos,WMP,470,,\nrape-por,WMP,,12,\n",
        3, "denominator", "only one of numerator and denominator", "both, or neither", GOOD,
    ),
    "zero denominator": (
        "2021-22_Q2.csv",
        "kpi,force,value,numerator,denominator\npcsos,WMP,470,,\nrape-por,WMP,,12,0\n",
        3, "denominator", "0", "a denominator above 0", GOOD,
    ),
    "lower above upper": (
        "2021-22_Q2.csv",
        "kpi,force,value,lower,upper\npcsos,WMP,470,,\nvictim-confidence,WMP,70,75,72\n",
        3, "lower", "lower 75 above upper 72", "at or below the upper bound", GOOD,
    ),
    "ragged row": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "pcsos,GMP,480,extra\n",
        3, None, "4 fields", "3 fields", GOOD,
    ),
    "short row": (
        "2021-22_Q2.csv", HEAD + GOOD_ROW + "pcsos\n",
        3, None, "1 fields", "3 fields", GOOD,
    ),
    "unknown column (ignored)": (
        "2021-22_Q2.csv", "kpi,force,value,staus\npcsos,WMP,470,ok\n",
        1, "staus", "an unknown column 'staus'", "did you mean 'status'", GOOD,
    ),
}


@pytest.mark.parametrize(
    ("name", "content", "row", "column", "found", "expected", "good"),
    BAD_ROWS.values(), ids=BAD_ROWS.keys(),
)
def test_bad_row_is_a_problem_and_good_rows_load(
    load: Load, data_dir: Path, name: str, content: str, row: int, column: str | None,
    found: str, expected: str, good: dict[tuple[str, str, str], float],
) -> None:
    obs = load(name, content)
    check(the_problem(obs), data_dir / name, row, column, found, expected)
    assert values(obs) == good


def test_problem_reads_as_a_sentence(load: Load, data_dir: Path) -> None:
    obs = load("2021-22_Q2.csv", HEAD + GOOD_ROW + "residential-burglary,WMP,lots\n")
    assert str(the_problem(obs)) == (
        f"{data_dir / '2021-22_Q2.csv'}, row 3, column 'value': found 'lots'; "
        "expected a finite number such as 28,675 or 3.9%"
    )


def test_many_bad_rows_in_one_file_all_reported(load: Load, data_dir: Path) -> None:
    obs = load(
        "2021-22_Q2.csv",
        HEAD
        + "residential-burglary,WMP,2100\n"  # row 2: good
        + "burglary,WMP,1\n"  # row 3: unknown KPI
        + "pcsos,Atlantis,2\n"  # row 4: unknown force
        + "pcsos,GMP,three\n"  # row 5: not a number
        + "pcsos,WYP,480\n"  # row 6: good
        + "residential-burglary,Merseyside,-1\n",  # row 7: negative
    )
    assert [(p.row, p.column) for p in obs.problems] == [
        (3, "kpi"), (4, "force"), (5, "value"), (7, "value"),
    ]
    assert values(obs) == {
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 2100.0,
        ("pcsos", "west-yorkshire", "2021/22 Q2"): 480.0,
    }


def test_row_numbers_count_spreadsheet_rows_past_quoted_newlines(
    load: Load, data_dir: Path,
) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,value,note\n"
        'pcsos,WMP,470,"first line\nsecond line"\n'
        "\n"
        "pcsos,GMP,lots,\n",
    )
    # header row 1, the two-line note is row 2, the blank line row 3
    check(the_problem(obs), data_dir / "2021-22_Q2.csv", 4, "value", "'lots'", "a finite number")
    assert values(obs) == GOOD


# What analysts' cells look like: all of this loads without a problem ----------------------------


def test_thousands_separators_percent_signs_and_pounds(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,value\n"
        'residential-burglary,WMP,"28,675"\n'
        'residential-burglary,GMP,"1,234,567.5"\n'
        "rape-por,WMP,3.9%\n"
        "rape-por,GMP, 4.4 % \n"
        'residential-burglary,WYP,"£1,200"\n',
    )
    assert obs.problems == ()
    assert values(obs) == {
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 28675.0,
        ("residential-burglary", "greater-manchester", "2021/22 Q2"): 1234567.5,
        ("residential-burglary", "west-yorkshire", "2021/22 Q2"): 1200.0,
        ("rape-por", "west-midlands", "2021/22 Q2"): 3.9,
        ("rape-por", "greater-manchester", "2021/22 Q2"): 4.4,
    }


@pytest.mark.parametrize("missing", ["", "..", "  ", "-", "n/a", "NA", ":", "x"])
def test_blank_and_suppressed_cells_are_missing_not_zero(load: Load, missing: str) -> None:
    obs = load("2021-22_Q2.csv", HEAD + GOOD_ROW + f"residential-burglary,WMP,{missing}\n")
    assert obs.problems == ()
    assert values(obs) == GOOD  # no row, and certainly not a zero


def test_force_by_id_name_short_name_or_blank(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,value\n"
        "pcsos,Greater Manchester Police,1\n"
        "pcsos,wyp,2\n"
        "pcsos,merseyside,3\n"
        "pcsos,,4\n"
        "residential-burglary,West Midlands,5\n"
        "residential-burglary,GMP,6\n",
    )
    assert obs.problems == ()
    assert values(obs) == {
        ("pcsos", "greater-manchester", "2021/22 Q2"): 1.0,
        ("pcsos", "west-yorkshire", "2021/22 Q2"): 2.0,
        ("pcsos", "merseyside", "2021/22 Q2"): 3.0,
        ("pcsos", "west-midlands", "2021/22 Q2"): 4.0,  # blank → the home force
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 5.0,
        ("residential-burglary", "greater-manchester", "2021/22 Q2"): 6.0,
    }


def test_period_column_beats_the_file_name_and_fills_its_blanks(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,period,value\npcsos,WMP,,470\npcsos,WMP,2021-22_Q1,460\npcsos,GMP,..,480\n",
    )
    assert obs.problems == ()
    assert values(obs) == {
        ("pcsos", "west-midlands", "2021/22 Q2"): 470.0,
        ("pcsos", "west-midlands", "2021/22 Q1"): 460.0,
        ("pcsos", "greater-manchester", "2021/22 Q2"): 480.0,
    }


def test_quarterly_rate_from_numerator_and_denominator(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,value,numerator,denominator\nrape-por,WMP,99,39,1000\n",
    )
    assert obs.problems == ()
    row = obs.frame.row(0, named=True)
    assert row["value"] == pytest.approx(3.9)  # from the counts, not the stated 99
    assert (row["numerator"], row["denominator"]) == (39.0, 1000.0)


def test_survey_estimate_keeps_its_interval(load: Load) -> None:
    obs = load("2021-22_Q2.csv", "kpi,force,value,lower,upper\nvictim-confidence,WMP,70%,66,74\n")
    assert obs.problems == ()
    row = obs.frame.row(0, named=True)
    assert (row["value"], row["lower"], row["upper"]) == (70.0, 66.0, 74.0)


def test_commitment_status_spellings(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi,force,status\ns163,WMP,In Progress\ns163,GMP,at_risk\ns163,WYP,COMPLETE\n",
    )
    assert obs.problems == ()
    statuses = dict(obs.frame.select("force", "status").iter_rows())
    assert statuses == {
        "west-midlands": "in-progress",
        "greater-manchester": "at-risk",
        "west-yorkshire": "complete",
    }
