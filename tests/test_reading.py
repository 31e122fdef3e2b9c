"""Reading returns (reading): whole files that cannot be used are reported and the other files
still load; files as analysts leave them (encodings, delimiters, line endings, header
spellings, workbooks, Parquet) load without a problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from loaded_returns import (
    GOOD,
    GOOD_ROW,
    HEAD,
    Q1,
    Q2,
    Load,
    LoadPaths,
    Write,
    check,
    the_problem,
    values,
)

from pcp_tui.config import Config
from pcp_tui.dataset import load_observations

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


def test_column_aliases_and_header_spelling(load: Load) -> None:
    obs = load(
        "returns.csv",
        "KPI ID,Force Name,Quarter,Count\n Residential-Burglary ,WMP,2021/22 Q1,2100\n",
    )
    assert obs.problems == ()
    assert values(obs) == {("residential-burglary", "west-midlands", "2021/22 Q1"): 2100.0}


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
