"""Analysts' own trackers laid out wide: one row per KPI, one column per quarter or month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from pcp_tui.dataset import load_observations

TODAY = date(2021, 11, 26)

LONG = """\
kpi,force,period,value
pcsos,WMP,2021/22 Q1,471
pcsos,WMP,2021/22 Q2,468
pcsos,GMP,2021/22 Q1,590
pcsos,GMP,2021/22 Q2,601
residential-burglary,WMP,2021/22 Q1,2150
residential-burglary,WMP,2021/22 Q2,2034
residential-burglary,GMP,2021/22 Q1,3100
residential-burglary,GMP,2021/22 Q2,2950
"""


def rows(folder: Path, config) -> tuple[pl.DataFrame, tuple]:
    obs = load_observations(folder, config, today=TODAY)
    return obs.frame.drop("file").sort("kpi", "force", "period"), obs.problems


def long_rows(tmp_path: Path, config) -> pl.DataFrame:
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "returns.csv").write_text(LONG)
    frame, problems = rows(folder, config)
    assert problems == ()
    assert frame.height == 8
    return frame


def test_a_wide_csv_loads_as_the_long_file_does(config, tmp_path: Path) -> None:
    folder = tmp_path / "wide"
    folder.mkdir()
    # the quarters spelled three ways, a KPI named by its title, a column that describes
    (folder / "tracker.csv").write_text(
        "KPI,Force,Unit,2021/22 Q1,Q2 2021/22\n"
        "pcsos,WMP,count,471,468\n"
        "pcsos,GMP,count,590,601\n"
        "Residential burglary,WMP,count,\"2,150\",2034\n"
        "residential-burglary,GMP,count,3100,2950\n"
    )
    frame, problems = rows(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))


def test_a_wide_workbook_with_a_sheet_per_force_loads_as_the_long_file_does(
    config, tmp_path: Path,
) -> None:
    folder = tmp_path / "wide"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "tracker.xlsx"))
    figures = {"WMP": ((471, 468), (2150, 2034)), "Greater Manchester Police": (
        (590, 601), (3100, 2950))}
    for force, (pcsos, burglary) in figures.items():
        sheet = book.add_worksheet(force)
        sheet.write_row(0, 0, [f"{force} KPI tracker"])  # a title above the header
        sheet.write_row(2, 0, ["KPI", "Title", "2021-22 Q1", "2021/22 Q2"])
        sheet.write_row(3, 0, ["pcsos", "PCSOs", *pcsos])
        sheet.write_row(4, 0, ["residential-burglary", "Residential burglary", *burglary])
    book.close()
    frame, problems = rows(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))


def test_monthly_columns_roll_up_as_monthly_rows_do(config, tmp_path: Path) -> None:
    wide, long = tmp_path / "wide", tmp_path / "long"
    wide.mkdir()
    long.mkdir()
    (wide / "tracker.csv").write_text(
        "kpi,Apr-21,2021-05,June 2021,Jul-21,Aug-21,Sep-21\n"
        "residential-burglary,700,710,740,690,660,684\n"
        "pcsos,470,470,471,469,468,468\n"
    )
    months = ["2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-09"]
    lines = ["kpi,period,value"]
    for kpi, values in (("residential-burglary", (700, 710, 740, 690, 660, 684)),
                        ("pcsos", (470, 470, 471, 469, 468, 468))):
        lines += [f"{kpi},{m},{v}" for m, v in zip(months, values, strict=True)]
    (long / "returns.csv").write_text("\n".join(lines) + "\n")
    wide_frame, wide_problems = rows(wide, config)
    long_frame, long_problems = rows(long, config)
    assert wide_problems == long_problems == ()
    assert wide_frame.equals(long_frame)
    burglary = wide_frame.filter(pl.col("kpi") == "residential-burglary")
    assert burglary.get_column("value").to_list() == [2150.0, 2034.0]


def test_problems_name_the_sheet_the_row_and_the_period_column(config, tmp_path: Path):
    folder = tmp_path / "wide"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "tracker.xlsx"))
    good = book.add_worksheet("WMP")
    good.write_row(0, 0, ["KPI", "2021/22 Q1", "2021/22 Q2"])
    good.write_row(1, 0, ["pcsos", 471, 468])
    bad = book.add_worksheet("GMP")
    bad.write_row(0, 0, ["KPI", "2021/22 Q1", "2021/22 Q2", "2021/22 Q4"])
    bad.write_row(1, 0, ["pcsos", 590, "about 600", None])
    bad.write_row(2, 0, ["pcsoss", 1, 2, None])  # an unknown KPI: said once, not per column
    bad.write_row(3, 0, ["residential-burglary", 3100, None, 5])  # Q4 is in the future
    book.close()
    obs = load_observations(folder, config, today=TODAY)
    found = {(p.sheet, p.row, p.column, p.found) for p in obs.problems}
    assert found == {
        ("GMP", 2, "2021/22 Q2", "'about 600'"),
        ("GMP", 3, "KPI", "'pcsoss'"),
        ("GMP", 4, "2021/22 Q4", "'2021/22 Q4', a quarter in the future"),
    }
    problem = next(p for p in obs.problems if p.row == 2)
    assert "sheet 'GMP', row 2, column '2021/22 Q2'" in str(problem)
    got = set(obs.frame.select("kpi", "force", "value").rows())
    assert got == {("pcsos", "west-midlands", 471.0), ("pcsos", "west-midlands", 468.0),
                   ("pcsos", "greater-manchester", 590.0),
                   ("residential-burglary", "greater-manchester", 3100.0)}


def test_a_sheet_that_names_no_force_is_reported(config, tmp_path: Path) -> None:
    folder = tmp_path / "wide"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "tracker.xlsx"))
    for name in ("WMP", "Sheet2"):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["KPI", "2021/22 Q1"])
        sheet.write_row(1, 0, ["pcsos", 471])
    book.close()
    obs = load_observations(folder, config, today=TODAY)
    (problem,) = obs.problems
    assert (problem.sheet, problem.row, problem.column, problem.found) == (
        "Sheet2", 2, "force", "'Sheet2'")
    assert obs.frame.select("force", "value").rows() == [("west-midlands", 471.0)]


def test_quarter_spellings_in_file_names(config, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "Q1 2021-22.csv").write_text("kpi,value\npcsos,471\n")
    book = xlsxwriter.Workbook(str(folder / "2021-22_Q2_workforce.xlsx"))
    sheet = book.add_worksheet("return")
    sheet.write_row(0, 0, ["kpi", "value"])
    sheet.write_row(1, 0, ["pcsos", 468])
    book.close()
    obs = load_observations(folder, config, today=TODAY)
    assert obs.problems == ()
    assert obs.frame.select("period", "value").rows() == [
        (date(2021, 4, 1), 471.0), (date(2021, 7, 1), 468.0)]
