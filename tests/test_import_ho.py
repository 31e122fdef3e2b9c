"""Home Office workforce and use-of-force tables → returns and context series.

Small workbooks are built here in the published layouts (a title with footnote marks glued on,
the unit cell, a row of "as at" dates, regions between the forces, the West Midlands region
row heading its forces and the force row among them, `..` cells, notes below); the real
editions in ../shared/realdata are read when they are there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from pcp_tui.cli.import_command import add_import_parser
from pcp_tui.config import bundled_config_path, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers import MappingError, write_return
from pcp_tui.importers.ho_use_of_force import import_ho_use_of_force
from pcp_tui.importers.ho_workforce import import_ho_workforce

SHARED = Path(__file__).resolve().parents[2] / "shared" / "realdata"
WORKFORCE = SHARED / "home-office-workforce"
USE_OF_FORCE = SHARED / "home-office-use-of-force"
needs_workforce = pytest.mark.skipif(not WORKFORCE.is_dir(),
                                     reason="../shared/realdata is not here")
needs_use_of_force = pytest.mark.skipif(not USE_OF_FORCE.is_dir(),
                                        reason="../shared/realdata is not here")


def kpi_value(result: Any, kpi: str, force: str, period: str) -> float | None:
    rows = result.frame.filter((pl.col("kpi") == kpi) & (pl.col("force") == force)
                               & (pl.col("period") == period))
    assert rows.height == 1, f"{kpi} {force} {period}: {rows.height} rows"
    return rows.get_column("value").item()


def context_value(result: Any, series: str, area: str, period: str) -> float | None:
    table = result.context["workforce"]
    rows = table.filter((pl.col("series") == series) & (pl.col("area") == area)
                        & (pl.col("period") == period))
    assert rows.height == 1, f"{series} {area} {period}: {rows.height} rows"
    return rows.get_column("value").item()


# Workbooks in the published workforce layout ---------------------------------------------------

SEP18, MAR19, SEP19 = datetime(2018, 9, 30), datetime(2019, 3, 31), datetime(2019, 9, 30)
# name as printed, then one figure per date column
WM_ROWS: list[tuple[str, list[Any]]] = [
    ("North West ", [15860.77, 15901.23, 16208.66]),
    ("Greater Manchester", [6390.76, 6443.59, 6539.39]),
    ("Merseyside6", [3408.74, "..", 3588.09]),
    ("West Midlands ", [10886.68, 10867.57, 11058.30]),
    ("Staffordshire", [1604.98, 1567.37, 1579.24]),
    ("West Midlands", [6558.88, 6494.70, 6405.06]),
    ("Eastern ", [10254.28, 10471.45, 10721.90]),
    ("Essex", [2959.90, 3070.95, 3187.50]),
    ("Total 43 forces", [122406.45, 123170.86, 124783.97]),
    ("British Transport Police", [3074.40, 2844.05, 2984.43]),
]


def write_table(book: Any, sheet: str, title: str, unit: str, days: list[datetime],
                rows: list[tuple[str, list[Any]]], *, index_title: str | None = None) -> None:
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, title)
    ws.write(2, 0, "England and Wales")
    ws.write(2, 1 + len(days) + 3, unit)
    ws.write(3, 1, "As at:")
    ws.write(3, 1 + len(days), "Change in 12 months")
    for i, day in enumerate(days):
        ws.write_datetime(5, 1 + i, day, dates)
    for j, (name, cells) in enumerate(rows):
        ws.write(6 + j, 0, name)
        for i, cell in enumerate(cells):
            ws.write(6 + j, 1 + i, cell)
    ws.write(6 + len(rows) + 1, 4, "Source: Home Office")
    ws.write(6 + len(rows) + 3, 0, "Notes")
    ws.write(6 + len(rows) + 4, 0, "1. Figures exclude officers on career breaks.")


@pytest.fixture
def edition(tmp_path: Path) -> Callable[..., Path]:
    """A workforce workbook of the edition as at 30 September `year`: an index, police
    officers in FTE and headcount, special constables under another table number, and a table
    nobody maps."""

    def make(name: str = "police-workforce-sep19-tables.xlsx", *, year: int = 2019,
             fte_rows: list[tuple[str, list[Any]]] = WM_ROWS) -> Path:
        sep0, mar, sep = (datetime(year - 1, 9, 30), datetime(year, 3, 31),
                          datetime(year, 9, 30))
        path = tmp_path / name
        book = xlsxwriter.Workbook(str(path))
        index = book.add_worksheet("Index")
        index.write(0, 0, f"Police Workforce, England and Wales, 30 September {year}")
        write_table(book, "Table_1", f"Table 1: Police officers by police force area, England "
                    f"and Wales, 30 September {year - 1}, 31 March {year} and 30 September "
                    f"{year} (FTE)", "Full-time equivalents", [sep0, mar, sep], fte_rows)
        write_table(book, "Table_2", f"Table 2: Police staff by police force area, England and "
                    f"Wales, 30 September {year}1 (FTE)", "Full-time equivalents",
                    [sep0, mar, sep], [("Essex", [1, 2, 3])])
        write_table(book, "Table_7", f"Table 7: Police officers by police force area, England "
                    f"and Wales, 31 March {year} and 30 September {year}1 (headcount)",
                    "Headcount", [mar, sep],
                    [("West Midlands ", [11069, 11254]), ("Staffordshire7", [1592, 1604]),
                     ("West Midlands", [6641, 6546]), ("Eastern", [10737, 10978]),
                     ("Essex", [3162, 3274])])
        write_table(book, "Table_12", f"Table 12: Special constables1 by police force area, "
                    f"England and Wales, 30 September {year - 1}, 31 March {year} and 30 "
                    f"September {year}1", "Headcount", [sep0, mar, sep],
                    [("West Midlands ", [600, 640, 700]), ("West Midlands", [162, 179, 205])])
        book.close()
        return path

    return make


def test_tables_are_found_by_title_and_headcount_is_never_fte(edition, plan):
    (result,) = import_ho_workforce(edition(), plan)
    assert result.problems == ()
    assert kpi_value(result, "police-officers-total", "west-midlands", "2019/20 Q2") == 6546
    assert kpi_value(result, "police-officers-total", "west-midlands", "2018/19 Q4") == 6641
    # no headcount for September 2018: the FTE figure is not used in its place
    assert result.frame.filter((pl.col("kpi") == "police-officers-total")
                               & (pl.col("period") == "2018/19 Q2")).is_empty()
    # special constables are Table 12 here; found by the title, footnote mark and all
    assert kpi_value(result, "special-constables", "west-midlands", "2019/20 Q2") == 205
    assert kpi_value(result, "special-constables", "west-midlands", "2018/19 Q2") == 162
    # FTE is a context series beside headcount, never in the return
    assert context_value(result, "police-officers-FTE", "West Midlands",
                         "2019/20 Q2") == pytest.approx(6405.06)
    assert context_value(result, "police-officers-headcount", "West Midlands",
                         "2019/20 Q2") == 6546
    assert set(result.frame.get_column("value").to_list()) & {6405.06, 6558.88} == set()
    assert result.suggested_name() == "ho-workforce_as-at-2019-09-30.csv"


def test_the_west_midlands_region_row_heads_its_forces(edition, plan):
    (result,) = import_ho_workforce(edition(), plan)
    table = result.context["workforce"]
    areas = set(table.get_column("area").to_list())
    assert "Staffordshire" in areas and "British Transport Police" in areas
    assert not areas & {"North West", "Eastern", "Total 43 forces"}
    # the region's 11,058 is not the force's 6,405
    assert context_value(result, "police-officers-FTE", "West Midlands",
                         "2019/20 Q2") == pytest.approx(6405.06)
    assert context_value(result, "police-officers-FTE", "Staffordshire",
                         "2018/19 Q2") == pytest.approx(1604.98)
    # every force of the national list is in the return
    assert "staffordshire" in set(result.frame.get_column("force"))
    assert "Staffordshire" not in result.skipped_forces


def test_forces_outside_the_config_stay_in_the_context_table(edition, group_plan):
    (result,) = import_ho_workforce(edition(), group_plan)
    table = result.context["workforce"]
    assert "Staffordshire" in result.skipped_forces
    assert table.filter(pl.col("area") == "Staffordshire").get_column("force").null_count() > 0


def test_a_region_row_without_its_force_row_is_a_problem(edition, plan):
    rows = [r for r in WM_ROWS if r[0] != "West Midlands"]
    (result,) = import_ho_workforce(edition(fte_rows=rows), plan)
    problems = [p for p in result.problems if p.column == "Table_1"]
    assert any("no west midlands force row" in p.found for p in problems)
    # the region's figures are never taken for the force
    fte = result.context["workforce"].filter(pl.col("series") == "police-officers-FTE")
    assert "West Midlands" not in fte.get_column("area").to_list()


def test_missing_cells_stay_missing_and_bad_cells_are_problems(edition, plan):
    rows = list(WM_ROWS)
    rows[7] = ("Essex", [2959.90, "lots", 3187.50])
    rows[5] = ("West Midlands", [6558.88, "..", 6405.06])
    (result,) = import_ho_workforce(edition(fte_rows=rows), plan)
    assert context_value(result, "police-officers-FTE", "West Midlands", "2018/19 Q4") is None
    assert context_value(result, "police-officers-FTE", "Merseyside", "2018/19 Q4") is None
    (bad,) = [p for p in result.problems if "lots" in p.found]
    assert bad.row == 14 and bad.column == "Table_1: 31 March 2019"
    assert bad.file.endswith("police-workforce-sep19-tables.xlsx")
    # the rest of the row still imports
    assert context_value(result, "police-officers-FTE", "Essex",
                         "2019/20 Q2") == pytest.approx(3187.50)


def test_a_kpi_takes_headcount_or_fte_never_both(plan):
    with pytest.raises(MappingError, match="both headcount and fte"):
        import_ho_workforce([], plan, {"fte": {"Police officers": "police-officers-total"}})


def test_a_later_edition_restating_a_date_is_a_revision(edition, tmp_path):
    config = load_config(bundled_config_path())  # Essex is in the national list
    # the 2018 edition says 2,959.90 for Essex at 30 September 2018; the 2019 one 2,960
    earlier = edition("police-workforce-sep18-tables.xlsx", year=2018,
                      fte_rows=[("Essex", [2900.0, 2950.0, 2959.90])])
    later = edition(fte_rows=[("Essex", [2960.0, 3070.95, 3187.50])])
    mapping = {"headcount": {}, "fte": {"Police officers": "police-officers-total"}}
    results = import_ho_workforce([later, earlier], config, mapping)
    assert [r.provenance.editions for r in results] == [
        ("as at 30 September 2018",), ("as at 30 September 2019",)]
    newer = results[1].context["workforce"].filter(
        (pl.col("area") == "Essex") & (pl.col("period") == "2018/19 Q2"))
    assert newer.get_column("restates").item() == pytest.approx(2959.90)
    assert any("essex, 2018/19 Q2" in note and "revising 2,960" in note
               for note in results[1].notes)
    data = tmp_path / "data"
    for result in results:
        write_return(result, data)
    observations = load_observations(data, config)
    (revision,) = [r for r in observations.revisions if r.force == "essex"]
    assert revision.quarter.label == "2018/19 Q2"
    assert revision.old_value == pytest.approx(2959.90) and revision.new_value == 2960.0
    assert Path(revision.new_file).name == "ho-workforce_as-at-2019-09-30.csv"


def test_an_unreadable_file_is_a_problem_and_nothing_is_written(tmp_path, plan):
    bad = tmp_path / "police-workforce.ods"
    bad.write_bytes(b"not a workbook")
    (result,) = import_ho_workforce(bad, plan)
    assert result.is_empty
    (problem,) = result.problems
    assert problem.file == str(bad) and "cannot be read" in problem.found


def run_cli(argv: list[str]) -> int:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    common.add_argument("--no-color", action="store_true")
    common.add_argument("--width", type=int)
    parser = argparse.ArgumentParser(prog="pcp-tui", parents=[common])
    add_import_parser(parser.add_subparsers(dest="command"), common, argparse.HelpFormatter)
    args = parser.parse_args(argv)
    return args.func(args)


def test_the_command_writes_one_return_per_edition_or_none(edition, tmp_path, capsys):
    earlier = edition("police-workforce-sep18-tables.xlsx", year=2018)
    later = edition()
    out = tmp_path / "data"
    assert run_cli(["import", "ho-workforce", str(earlier), str(later), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "ho-workforce_as-at-2018-09-30.context", "ho-workforce_as-at-2018-09-30.csv",
        "ho-workforce_as-at-2018-09-30.csv.provenance.json",
        "ho-workforce_as-at-2019-09-30.context", "ho-workforce_as-at-2019-09-30.csv",
        "ho-workforce_as-at-2019-09-30.csv.provenance.json",
    ]
    assert "Police officers (FTE)" in capsys.readouterr().out  # listed as unmapped
    # one of the returns is there: the import writes none of them without --force
    (out / "ho-workforce_as-at-2018-09-30.csv").unlink()
    (out / "ho-workforce_as-at-2018-09-30.csv.provenance.json").unlink()
    assert run_cli(["import", "ho-workforce", str(earlier), str(later), "--out", str(out)]) == 2
    assert not (out / "ho-workforce_as-at-2018-09-30.csv").exists()


# The real workforce editions -----------------------------------------------------------------


@pytest.fixture(scope="module")
def workforce(plan):
    return import_ho_workforce(WORKFORCE, plan)


@needs_workforce
def test_all_four_real_workforce_editions_import(workforce):
    assert [r.provenance.editions for r in workforce] == [
        (f"as at 30 September {year}",) for year in (2016, 2017, 2018, 2019)]
    assert [p for r in workforce for p in r.problems] == []


@needs_workforce
def test_real_west_midlands_police_workforce_figures(workforce):
    sep18, sep19 = workforce[2], workforce[3]
    assert round(context_value(sep19, "police-officers-FTE", "West Midlands",
                               "2019/20 Q2")) == 6405
    assert kpi_value(sep19, "police-officers-total", "west-midlands", "2019/20 Q2") == 6546
    assert round(context_value(sep19, "police-officers-FTE", "West Midlands",
                               "2018/19 Q2")) == 6559
    assert round(context_value(sep18, "police-officers-FTE", "West Midlands",
                               "2018/19 Q2")) == 6559
    assert kpi_value(sep19, "pcsos", "west-midlands", "2019/20 Q2") == 455
    assert kpi_value(sep19, "special-constables", "west-midlands", "2019/20 Q2") == 205
    assert kpi_value(sep18, "special-constables", "west-midlands", "2018/19 Q2") == 162
    assert kpi_value(sep19, "special-constables", "west-midlands", "2018/19 Q2") == 162


@needs_workforce
def test_real_workforce_tables_tell_the_region_from_the_force(workforce):
    table = workforce[3].context["workforce"]
    fte = table.filter((pl.col("series") == "police-officers-FTE")
                       & (pl.col("period") == "2019/20 Q2"))
    assert fte.height == 44  # the 43 forces and British Transport Police
    west_midlands = fte.filter(pl.col("area") == "West Midlands").get_column("value").item()
    region = sum(fte.filter(pl.col("area").is_in(
        ["Staffordshire", "Warwickshire", "West Mercia", "West Midlands"])).get_column("value"))
    assert round(west_midlands) == 6405 and round(region) == 11058


@needs_workforce
def test_a_real_edition_restates_an_earlier_one(workforce):
    # Northumbria's officers at 30 September 2018: 3,140.62 FTE in the 2018 edition, restated
    # as 3,151.62 in the 2019 edition
    assert context_value(workforce[2], "police-officers-FTE", "Northumbria",
                         "2018/19 Q2") == pytest.approx(3140.62)
    rows = workforce[3].context["workforce"].filter(
        (pl.col("series") == "police-officers-FTE") & (pl.col("area") == "Northumbria")
        & (pl.col("period") == "2018/19 Q2"))
    assert rows.get_column("value").item() == pytest.approx(3151.62)
    assert rows.get_column("restates").item() == pytest.approx(3140.62)
    assert rows.get_column("restated_edition").item() == "as at 30 September 2018"


# Use of force ----------------------------------------------------------------------------------


def write_use_of_force(path: Path, *, year: int = 2018) -> Path:
    book = xlsxwriter.Workbook(str(path))
    contents = book.add_worksheet("Contents")
    contents.write(0, 0, f"Police use of force statistics, England and Wales, 1 April {year} "
                         f"to 31 March {year + 1}")
    incidents = book.add_worksheet("Table_12")
    incidents.write(0, 0, "Table 12. Incidents by police force")
    incidents.write_row(3, 0, ["Region", "Police force", "Total"])
    for i, row in enumerate([
        ["England and Wales", "Total England and Wales", 427725],
        ["West Midlands", "Total West Midlands ", 19669],
        ["West Midlands", "Staffordshire", 3084],
        ["West Midlands", "West Midlands", 7481],
        ["London", "Metropolitan", ".."],
        ["London", "Gotham", 12],
    ]):
        incidents.write_row(4 + i, 0, row)
    incidents.write(12, 0, "Notes")
    tactics = book.add_worksheet("Table_16")
    tactics.write(0, 0, "Table 16. Number of times tactics were used, by police force and "
                        "officer perceived ethnicity of subject")
    tactics.write_row(4, 0, ["Police force", "Type of force", "Tactic", "White",
                             "Black (or Black British)", "Asian (or Asian British)", "Chinese",
                             "Mixed", "Other", "Don't know", "Not reported",
                             "Number of times tactic reported"])
    tactics.write_row(5, 0, ["Total England and Wales", "Total", "*Total Tactics", 447337,
                             94222, 35817, 1234, 13736, 11157, 25539, 1751, 630793])
    tactics.write_row(6, 0, ["West Midlands", "Total (excluding not reported and tactical "
                             "communication)", "*Total Tactics", 7379, 2053, 1704, 6, 690,
                             182, 246, 0, 12260])
    tactics.write_row(7, 0, ["West Midlands", "Restraint", "*Total Restraint", 4000, 1000, 900,
                             3, 300, 100, 100, 0, 6403])
    book.close()
    return path


def test_use_of_force_by_force_is_a_financial_year_at_q4(tmp_path, plan):
    result = import_ho_use_of_force(write_use_of_force(tmp_path / "uof-2018-19.xlsx"), plan)
    (gotham,) = result.problems
    assert gotham.found == "'Gotham'" and gotham.row == 10
    series = result.context["series"]

    def one(name: str, area: str = "West Midlands") -> pl.DataFrame:
        return series.filter((pl.col("series") == name) & (pl.col("area") == area))

    assert one("incidents").get_column("value_12m").item() == 7481  # not the region's 19,669
    assert one("incidents").get_column("period").item() == "2018/19 Q4"
    assert one("incidents", "Staffordshire").get_column("value_12m").item() == 3084
    assert one("incidents", "Metropolitan Police").get_column("value_12m").item() is None
    assert one("tactics").get_column("value_12m").item() == 12260
    assert one("tactics-black").get_column("value_12m").item() == 2053
    share = one("tactics-minority-ethnic-share")
    assert share.get_column("numerator").item() == 2053 + 1704 + 6 + 690 + 182
    assert share.get_column("denominator").item() == 7379 + 2053 + 1704 + 6 + 690 + 182
    assert result.context["tactics_by_ethnicity"].height == 2  # both West Midlands rows
    # no plan KPI has these definitions: no return rows, only the context tables
    assert result.frame.is_empty() and not result.is_empty
    written = write_return(result, tmp_path / "data")
    assert written.path is None
    assert [p.name for p in (tmp_path / "data").iterdir() if p.is_file()] == [
        "ho-use-of-force_2018-19_Q4.csv.provenance.json"]
    sidecar = json.loads(written.provenance_path.read_text(encoding="utf-8"))
    assert sidecar["return_file"] is None and len(sidecar["context_files"]) == 2


def test_a_mapped_use_of_force_series_is_a_12_month_figure(tmp_path, plan):
    # the mechanism, with a KPI of the bundled plan standing in for one an analyst would add
    result = import_ho_use_of_force(write_use_of_force(tmp_path / "uof.xlsx"), plan,
                                    {"series": {"incidents": "uof-death-serious-injury"}})
    rows = result.frame.filter(pl.col("force") == "west-midlands")
    assert rows.select("period", "value", "value_12m").rows() == [("2018/19 Q4", None, 7481)]
    with pytest.raises(MappingError, match="not a series"):
        import_ho_use_of_force([], plan, {"series": {"tactics-share": "pcsos"}})


@needs_use_of_force
def test_real_use_of_force_editions(plan):
    result = import_ho_use_of_force(USE_OF_FORCE, plan)
    assert result.problems == ()
    assert result.provenance.editions == ("1 April 2017 to 31 March 2018",
                                          "1 April 2018 to 31 March 2019")
    series = result.context["series"]
    incidents = series.filter(pl.col("series") == "incidents")
    assert incidents.group_by("period").len().sort("period").rows() == [
        ("2017/18 Q4", 43), ("2018/19 Q4", 43)]
    wmp = incidents.filter(pl.col("force") == "west-midlands").sort("period")
    assert wmp.get_column("value_12m").to_list() == [1607, 7481]
    black = series.filter((pl.col("series") == "tactics-black")
                          & (pl.col("force") == "west-midlands"))
    assert black.get_column("value_12m").to_list() == [2053]
    assert any("2017" in note and "ethnicity" in note for note in result.notes)
