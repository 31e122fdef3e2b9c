"""Data files → one canonical frame plus Problems: bad rows are reported, good rows still load."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcp_tui.config import Config
from pcp_tui.dataset import CANONICAL_SCHEMA, Observations, Problem, load_observations
from pcp_tui.periods import Quarter

Load = Callable[[str, "str | bytes"], Observations]
Write = Callable[[str, "str | bytes"], Path]
LoadPaths = Callable[..., Observations]

Q1 = date(2021, 4, 1)  # 2021/22 Q1
Q2 = date(2021, 7, 1)  # 2021/22 Q2


def values(obs: Observations) -> dict[tuple[str, str, str], float | None]:
    """{(kpi, force, quarter label): value} of the loaded frame."""
    return {
        (kpi, force, Quarter.from_date(period).label): value
        for kpi, force, period, value in obs.frame.select(
            "kpi", "force", "period", "value"
        ).iter_rows()
    }


def the_problem(obs: Observations) -> Problem:
    assert len(obs.problems) == 1, obs.problems
    return obs.problems[0]


def check(
    problem: Problem, file: Path | str, row: int | None, column: str | None,
    found: str, expected: str,
) -> None:
    assert problem.file == str(file)
    assert problem.row == row
    assert problem.column == column
    assert found in problem.found, problem
    assert expected in problem.expected, problem


# The canonical frame ------------------------------------------------------------------------------


def test_a_clean_return_loads(load: Load, data_dir: Path) -> None:
    obs = load("2021-22_Q2.csv", "kpi,force,value\nresidential-burglary,WMP,2100\npcsos,WMP,470\n")
    assert obs.problems == ()
    assert obs.revisions == ()
    assert obs.files == (str(data_dir / "2021-22_Q2.csv"),)
    assert dict(obs.frame.schema) == CANONICAL_SCHEMA
    assert values(obs) == {
        ("pcsos", "west-midlands", "2021/22 Q2"): 470.0,
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 2100.0,
    }
    assert set(obs.frame["file"]) == {str(data_dir / "2021-22_Q2.csv")}
    assert obs.quarters == (Quarter(2021, 2),)


def test_nothing_to_load(config: Config, data_dir: Path) -> None:
    obs = load_observations(data_dir, config, today=date(2021, 11, 26))
    assert obs.frame.is_empty()
    assert dict(obs.frame.schema) == CANONICAL_SCHEMA
    assert obs.problems == () and obs.files == () and obs.quarters == ()


# One bad row per file, beside a good one ----------------------------------------------------------
#
# (file name, content, row, column, found fragment, expected fragment, the good rows that load)

GOOD = {("pcsos", "west-midlands", "2021/22 Q2"): 470.0}
GOOD_ROW = "pcsos,WMP,470\n"
HEAD = "kpi,force,value\n"

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


# Whole files that cannot be used: reported, and the other files still load ----------------------


def test_missing_kpi_column(write_data: Write, load_paths: LoadPaths, data_dir: Path) -> None:
    good = write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data("2021-22_Q1.csv", "force,value\nWMP,450\n")
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, 1, "kpi", "no such column", "a 'kpi' column")
    assert "the file is skipped" in obs.problems[0].expected
    assert values(obs) == GOOD
    assert obs.files == (str(bad), str(good))


def test_missing_value_column(write_data: Write, load_paths: LoadPaths, data_dir: Path) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data("2021-22_Q1.csv", "kpi,force,amount\npcsos,WMP,450\n")
    obs = load_paths(data_dir)
    problem = next(p for p in obs.problems if p.column == "value")
    check(problem, bad, 1, "value", "no such column", "a 'value' column")
    assert values(obs) == GOOD


def test_missing_period_column_in_a_file_not_named_after_a_quarter(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data("westmids-return.csv", HEAD + "pcsos,WMP,450\n")
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, 1, "period", "no such column", "named after its quarter")
    assert values(obs) == GOOD


WHOLE_FILES: dict[str, tuple[str, bytes, str]] = {
    "empty file": ("returns.csv", b"", "is empty"),
    "whitespace-only file": ("returns.csv", b"  \r\n\n\t \n", "is empty"),
    "binary file": ("returns.csv", b"PK\x03\x04\x00\x00\x08\x00kpi,force\x00\xff\xfe", "binary"),
    "zero-byte Parquet": ("returns.parquet", b"", "not a readable Parquet file"),
    "Parquet that is text": ("returns.parquet", b"kpi,force,value\n", "not a readable Parquet"),
    "zero-byte Excel": ("returns.xlsx", b"", "not a readable spreadsheet"),
    "Excel that is text": ("returns.xlsx", b"kpi,force,value\npcsos,WMP,1\n", "spreadsheet"),
}


@pytest.mark.parametrize(("name", "content", "found"), WHOLE_FILES.values(), ids=WHOLE_FILES.keys())
def test_unusable_file_is_reported(
    write_data: Write, load_paths: LoadPaths, data_dir: Path, name: str, content: bytes,
    found: str,
) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data(name, content)
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, None, None, found, "a CSV, Parquet or Excel/ODS return")
    assert values(obs) == GOOD


def test_truncated_parquet(write_data: Write, load_paths: LoadPaths, data_dir: Path) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    whole = data_dir / "whole.parquet"
    pl.DataFrame(
        {"kpi": ["pcsos"] * 50, "force": ["GMP"] * 50, "period": ["2021/22 Q1"] * 50,
         "value": list(range(50))}
    ).write_parquet(whole)
    raw = whole.read_bytes()
    whole.unlink()
    bad = write_data("truncated.parquet", raw[: len(raw) // 2])
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, None, None, "not a readable Parquet file", "a CSV, Parquet")
    assert values(obs) == GOOD


def test_a_folder_that_does_not_exist(
    write_data: Write, load_paths: LoadPaths, tmp_path: Path,
) -> None:
    good = write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    missing = tmp_path / "no-such-folder"
    obs = load_paths(missing, good)
    check(the_problem(obs), missing, None, None, "no such file or folder", "a folder of data")
    assert values(obs) == GOOD


ALL_ROWS_BAD = {
    "every KPI unknown": ("2021-22_Q1.csv", HEAD + "burglary,WMP,1\n", 2, "kpi"),
    "every force unknown": ("2021-22_Q1.csv", HEAD + "pcsos,Atlantis,1\n", 2, "force"),
    "every period bad": (
        "returns.csv", "kpi,force,period,value\npcsos,WMP,soon,1\n", 2, "period",
    ),
    "every period in the future": (
        "returns.csv", "kpi,force,period,value\npcsos,WMP,2022/23 Q1,1\n", 2, "period",
    ),
    "every value bad": ("2021-22_Q1.csv", HEAD + "pcsos,WMP,many\n", 2, "value"),
}


@pytest.mark.parametrize(("name", "content", "row", "column"), ALL_ROWS_BAD.values(),
                         ids=ALL_ROWS_BAD.keys())
def test_a_file_with_no_good_row(
    write_data: Write, load_paths: LoadPaths, data_dir: Path, name: str, content: str,
    row: int, column: str,
) -> None:
    """Nothing left after the checks is not a crash: the problem is listed, the rest loads."""
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data(name, content)
    obs = load_paths(data_dir)
    problem = the_problem(obs)
    assert (problem.file, problem.row, problem.column) == (str(bad), row, column)
    assert values(obs) == GOOD


def test_header_only_file(write_data: Write, load_paths: LoadPaths, data_dir: Path) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    write_data("returns.csv", "kpi,force,period,value\n")
    obs = load_paths(data_dir)
    assert obs.problems == ()
    assert values(obs) == GOOD


def test_two_columns_of_one_kind(load: Load, data_dir: Path) -> None:
    obs = load("2021-22_Q2.csv", "kpi,force,Value,Count\npcsos,WMP,470,999\n")
    check(the_problem(obs), data_dir / "2021-22_Q2.csv", 1, "Count",
          "a second value column, 'Count' (column 4), after 'Value' (column 3)",
          "the first is used")
    assert values(obs) == GOOD


def test_two_columns_of_one_kind_in_a_spreadsheet(config: Config, data_dir: Path) -> None:
    path = data_dir / "2021-22_Q2.xlsx"
    pl.DataFrame({"kpi": ["pcsos"], "force": ["WMP"], "Value": [470], "count": [999]}).write_excel(
        path
    )
    obs = load_observations([path], config, today=date(2021, 11, 26))
    check(the_problem(obs), path, 1, "count", "a second value column, 'count' (column 4), "
          "after 'Value'", "the first is used")
    assert values(obs) == GOOD


def test_problems_quote_the_header_as_written(load: Load, data_dir: Path) -> None:
    """A header is matched without case or spaces, but quoted as the analyst typed it."""
    obs = load("2021-22_Q2.csv", "KPI ID,Force Name,Value,2020/21 Q3\n"
                                 "pcsos,WMP,470,1\npcsos,Nowhere,3,1\n")
    unknown, force = obs.problems
    check(unknown, data_dir / "2021-22_Q2.csv", 1, "2020/21 Q3",
          "an unknown column '2020/21 Q3'", "the column is ignored")
    assert "2020/21_q3" not in str(unknown)
    check(force, data_dir / "2021-22_Q2.csv", 3, "Force Name", "'Nowhere'", "a force")
    assert str(force).startswith(f"{data_dir / '2021-22_Q2.csv'}, row 3, column 'Force Name'")
    assert values(obs) == GOOD


def test_parquet_headers_spelt_as_in_csv(config: Config, data_dir: Path) -> None:
    path = data_dir / "returns.parquet"
    pl.DataFrame(
        {"KPI ID": ["pcsos"], "Force Name": ["WMP"], "Quarter": ["2021/22 Q2"], "Value": [470]}
    ).write_parquet(path)
    obs = load_observations([path], config, today=date(2021, 11, 26))
    assert obs.problems == ()
    assert values(obs) == GOOD


def test_parquet_with_a_nested_column(write_data: Write, load_paths: LoadPaths,
                                      data_dir: Path) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = data_dir / "nested.parquet"
    pl.DataFrame({"kpi": ["pcsos"], "period": ["2021/22 Q1"], "value": [[1, 2]]}).write_parquet(bad)
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, None, None, "not plain values", "a CSV, Parquet")
    assert values(obs) == GOOD


def test_only_data_files_in_a_folder_are_read(write_data: Write, load_paths: LoadPaths,
                                              data_dir: Path) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    write_data("README.md", "# not data\n")
    write_data(".2021-22_Q1.csv", "hidden,file\n")
    write_data("~$2021-22_Q1.xlsx", b"\x00lock")
    (data_dir / "archive").mkdir()
    (data_dir / "archive" / "2020-21_Q4.csv").write_text(HEAD + "pcsos,WMP,1\n")
    obs = load_paths(data_dir)
    assert obs.problems == ()
    assert obs.files == (str(data_dir / "2021-22_Q2.csv"),)
    assert values(obs) == GOOD


def test_an_unreadable_file(write_data: Write, load_paths: LoadPaths, data_dir: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_data("2021-22_Q2.csv", HEAD + GOOD_ROW)
    bad = write_data("2021-22_Q1.csv", HEAD + "pcsos,WMP,1\n")
    real_open = Path.open

    def open_(self: Path, *args, **kwargs):  # root may read anything: simulate the refusal
        if self.name == bad.name:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    obs = load_paths(data_dir)
    check(the_problem(obs), bad, None, None, "cannot be read (Permission denied)", "readable")
    assert values(obs) == GOOD


# What analysts' files look like: all of this loads without a problem ----------------------------


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


def test_byte_order_mark(load: Load) -> None:
    obs = load("2021-22_Q2.csv", ("\ufeff" + HEAD + GOOD_ROW).encode("utf-8"))
    assert obs.problems == ()
    assert values(obs) == GOOD


def test_windows_1252_text(load: Load) -> None:
    text = (
        "kpi,force,value,note\n"
        "pcsos,WMP,470,Cost £5k – see note\n"
        'residential-burglary,WMP,"£1,200",\n'
    )
    obs = load("2021-22_Q2.csv", text.encode("cp1252"))
    assert obs.problems == ()
    assert values(obs) == {**GOOD, ("residential-burglary", "west-midlands", "2021/22 Q2"): 1200.0}


def test_semicolon_delimited(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        "kpi;force;value\npcsos;WMP;470\nresidential-burglary;GMP;28,675\nrape-por;WMP;3.9%\n",
    )
    assert obs.problems == ()
    assert values(obs) == {
        **GOOD,
        ("residential-burglary", "greater-manchester", "2021/22 Q2"): 28675.0,
        ("rape-por", "west-midlands", "2021/22 Q2"): 3.9,
    }


def test_tab_delimited(load: Load) -> None:
    obs = load("2021-22_Q2.tsv", "kpi\tforce\tvalue\npcsos\tWMP\t470\n")
    assert obs.problems == ()
    assert values(obs) == GOOD


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(load: Load, encoding: str) -> None:
    text = HEAD + GOOD_ROW + 'residential-burglary,WMP,"28,675"\n'
    raw = text.encode(encoding)
    if encoding != "utf-16":  # Excel's "Unicode text" has a byte-order mark
        raw = ("\ufeff" + text).encode(encoding)
    obs = load("2021-22_Q2.csv", raw)
    assert obs.problems == ()
    assert values(obs) == {**GOOD, ("residential-burglary", "west-midlands", "2021/22 Q2"): 28675.0}


def test_windows_line_endings_and_quoted_newlines(load: Load) -> None:
    obs = load(
        "2021-22_Q2.csv",
        'kpi,force,value,note\r\npcsos,WMP,470,"Two lines,\r\nwith a comma"\r\n'
        "residential-burglary,WMP,2100,\r\n",
    )
    assert obs.problems == ()
    assert values(obs) == {**GOOD, ("residential-burglary", "west-midlands", "2021/22 Q2"): 2100.0}


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


def test_column_aliases_and_header_spelling(load: Load) -> None:
    obs = load(
        "returns.csv",
        "KPI ID,Force Name,Quarter,Count\n Residential-Burglary ,WMP,2021/22 Q1,2100\n",
    )
    assert obs.problems == ()
    assert values(obs) == {("residential-burglary", "west-midlands", "2021/22 Q1"): 2100.0}


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


def test_excel_return(config: Config, data_dir: Path) -> None:
    path = data_dir / "2021-22_Q2.xlsx"
    pl.DataFrame({
        "kpi": ["pcsos", "residential-burglary", None, "pcsos"],
        "force": ["WMP", "Greater Manchester Police", "WMP", "Atlantis"],
        "value": ["470", "28,675", "5", "1"],
    }).write_excel(path)
    obs = load_observations([path], config, today=date(2021, 11, 26))
    assert values(obs) == {
        **GOOD, ("residential-burglary", "greater-manchester", "2021/22 Q2"): 28675.0,
    }
    assert [(p.file, p.row, p.column) for p in obs.problems] == [
        (str(path), 4, "kpi"),  # a blank cell is reported, never dropped silently
        (str(path), 5, "force"),
    ]


def test_excel_with_numbers_and_dates(config: Config, data_dir: Path) -> None:
    path = data_dir / "monthly.xlsx"
    pl.DataFrame({
        "kpi": ["residential-burglary"] * 3,
        "force": ["WMP"] * 3,
        "period": [date(2021, 4, 1), date(2021, 5, 1), date(2021, 6, 1)],
        "value": [100, 110, 120],
    }).write_excel(path)
    obs = load_observations([path], config, today=date(2021, 11, 26))
    assert obs.problems == ()
    assert values(obs) == {("residential-burglary", "west-midlands", "2021/22 Q1"): 330.0}


def test_parquet_return(config: Config, data_dir: Path) -> None:
    path = data_dir / "returns.parquet"
    pl.DataFrame({
        "kpi": ["pcsos", "pcsos", "residential-burglary"],
        "force": ["WMP", "GMP", None],
        "period": [Q2, Q2, Q1],
        "value": [470.0, None, float("nan")],
    }).write_parquet(path)
    obs = load_observations([path], config, today=date(2021, 11, 26))
    assert values(obs) == GOOD  # GMP's null value is missing data
    check(the_problem(obs), path, 4, "value", "'NaN'", "a finite number")


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


# Revisions: the later return wins, and the change stays visible ----------------------------------


def test_later_return_wins_and_revision_is_kept(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q1 = write_data(
        "2021-22_Q1.csv", "kpi,force,value\npcsos,WMP,450\nresidential-burglary,WMP,2000\n"
    )
    q2 = write_data(
        "2021-22_Q2.csv",
        "kpi,force,period,value\n"
        "pcsos,WMP,2021/22 Q1,455\n"  # restated
        "residential-burglary,WMP,2021/22 Q1,\"2,000\"\n"  # the same figure again
        "pcsos,WMP,2021/22 Q2,470\n",
    )
    for obs in (load_paths(data_dir), load_paths(q2, q1), load_paths(q1, q2)):
        assert obs.problems == ()
        assert values(obs) == {
            ("pcsos", "west-midlands", "2021/22 Q1"): 455.0,
            ("pcsos", "west-midlands", "2021/22 Q2"): 470.0,
            ("residential-burglary", "west-midlands", "2021/22 Q1"): 2000.0,
        }
        (revision,) = obs.revisions  # the identical restatement is not a revision
        assert (revision.kpi, revision.force, revision.quarter) == (
            "pcsos", "west-midlands", Quarter(2021, 1),
        )
        assert (revision.old_value, revision.new_value) == (450.0, 455.0)
        assert (revision.old_file, revision.new_file) == (str(q1), str(q2))
        winner = obs.frame.filter((pl.col("kpi") == "pcsos") & (pl.col("period") == Q1))
        assert winner["file"].to_list() == [str(q2)]


def test_identical_restatements_are_not_revisions(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    write_data("2021-22_Q1.csv", "kpi,force,value\nrape-por,WMP,4%\n")
    write_data("2021-22_Q2.csv", "kpi,force,period,value\nrape-por,West Midlands Police,"
               "2021/22 Q1,4.0\n")
    obs = load_paths(data_dir)
    assert obs.problems == ()
    assert obs.revisions == ()
    assert values(obs) == {("rape-por", "west-midlands", "2021/22 Q1"): 4.0}


def test_a_changed_commitment_status_is_a_revision(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q1 = write_data("2021-22_Q1.csv", "kpi,force,status\ns163,WMP,in progress\n")
    q2 = write_data("2021-22_Q2.csv", "kpi,force,period,status\ns163,WMP,2021/22 Q1,complete\n")
    obs = load_paths(data_dir)
    (revision,) = obs.revisions
    assert (revision.old_file, revision.new_file) == (str(q1), str(q2))
    assert obs.frame.filter(pl.col("kpi") == "s163")["status"].to_list() == ["complete"]


def test_a_file_not_named_after_a_quarter_comes_last(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q2 = write_data("2021-22_Q2.csv", "kpi,force,period,value\npcsos,WMP,2021/22 Q1,455\n")
    fix = write_data("corrections.csv", "kpi,force,period,value\npcsos,WMP,2021/22 Q1,457\n")
    obs = load_paths(data_dir)
    assert values(obs) == {("pcsos", "west-midlands", "2021/22 Q1"): 457.0}
    (revision,) = obs.revisions
    assert (revision.old_file, revision.new_file) == (str(q2), str(fix))


# Any mix of good and bad cells: never an exception, and the frame keeps its promises ------------

CELLS = {
    "kpi": ["pcsos", "residential-burglary", "rape-por", "s163", "victim-confidence", "foo", "",
            " PCSOs "],
    "force": ["", "WMP", "gmp", "Atlantis", "Merseyside Police"],
    "period": ["", "2021/22 Q1", "2021/22 Q4", "2021-04", "2021-05", "2021-06", "2021-07", "bad",
               "Jun 2021", "2021-22_Q2", ".."],
    "value": ["", "..", "1", "-1", "abc", "1e309", "nan", "28,675", "3,5", "5%", "0"],
    "numerator": ["", "0", "5", "-1", "x"],
    "denominator": ["", "0", "10", "-1"],
    "lower": ["", "1", "9"],
    "upper": ["", "2", "8"],
    "status": ["", "complete", "bogus", "in progress"],
    "count": ["3"],
    "note": ["a,b", 'q"uote', "line\nbreak"],
}


@st.composite
def returns(draw: st.DrawFn) -> tuple[str, str]:
    header = draw(st.lists(st.sampled_from(list(CELLS)), max_size=8))
    row = st.tuples(*(st.sampled_from(CELLS[column]) for column in header))
    rows = draw(st.lists(row, max_size=8)) if header else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(header)
    writer.writerows(rows)
    return draw(st.sampled_from(["2021-22_Q2.csv", "returns.csv"])), buffer.getvalue()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(returns())
def test_any_return_loads_without_an_exception(config: Config, file: tuple[str, str]) -> None:
    name, text = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        obs = load_observations([path], config, today=date(2021, 11, 26))
    frame = obs.frame
    assert dict(frame.schema) == CANONICAL_SCHEMA
    assert set(frame["kpi"]) <= set(config.framework.kpi_ids)
    assert set(frame["force"]) <= set(config.settings.forces)
    assert not frame.select(pl.struct("kpi", "force", "period").is_duplicated()).to_series().any()
    assert all(v is None or math.isfinite(v) for v in frame["value"].to_list())
    for period in frame["period"].to_list():
        assert Quarter.from_date(period).start == period <= date(2021, 10, 1)
    assert all(p.file == str(path) and (p.row is None or p.row >= 1) for p in obs.problems)


def test_twelve_month_figures_and_quarterly_counts_from_different_returns_combine(
    load_paths, write_data
) -> None:
    # a quarterly return gives the quarter's count; an ONS import later gives the 12-month figure
    first = write_data("2021-22_Q1.csv", "kpi,force,value\nresidential-burglary,WMP,3800\n")
    second = write_data(
        "ons-import.csv",
        "kpi,force,period,value_12m\nresidential-burglary,WMP,2021/22 Q1,15200\n",
    )
    obs = load_paths(first, second)
    assert obs.problems == ()
    assert obs.revisions == ()
    row = obs.frame.row(0, named=True)
    assert (row["value"], row["value_12m"]) == (3800.0, 15200.0)


def test_a_restated_twelve_month_figure_is_a_revision(load_paths, write_data) -> None:
    first = write_data("2021-22_Q1.csv",
                       "kpi,force,value_12m\nresidential-burglary,WMP,15200\n")
    second = write_data("2021-22_Q2.csv", "kpi,force,period,value_12m\n"
                        "residential-burglary,WMP,2021/22 Q1,15250\n")
    obs = load_paths(first, second)
    (revision,) = obs.revisions
    assert (revision.field, revision.old_value, revision.new_value) == ("value_12m", 15200,
                                                                       15250)
