"""ONS Police Force Area data tables → a quarterly return of 12-month figures.

Small workbooks are built here in the published layout (a title row, a blank row, a heading
row, an `Area Code`/`Area Name` header, footnote marks glued to names, `..` cells, the West
Midlands region row before the force row); the real editions in ../shared/realdata are read
when they are there.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from rich.console import Console

from pcp_tui.config import Config, bundled_config_path, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers import (
    EmptyReturnError,
    MappingError,
    ReturnExistsError,
    read_import_tables,
    rich_progress,
    write_return,
)
from pcp_tui.importers.mapping import strip_footnotes
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.periods import Quarter

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "ons-pfa"

P1_TITLE = ("Table P1:  Police recorded crime by offence group and police force area, English "
            "regions and Wales, number of offences, year ending June 20191,2")
P4_TITLE = ("Table P4:  Knife and sharp instrument offences recorded by the police for selected "
            "offences, by police force area, English regions and Wales, year ending June 20191,2,3")
P1_GROUPS = [
    "Violence against the person", "Homicide", "Violence with injury", "Robbery", "Burglary",
    "Residential burglary5,6", "Non-residential  burglary5,6", "Theft from the person",
    "Shoplifting", "Drug offences",
]
# code, name as printed, then one cell per P1_GROUPS column (after the total in column C)
P1_ROWS: list[tuple[str, str, list[Any]]] = [
    ("K04000001", "ENGLAND AND WALES6", [1694644, 681, 543089, 88177, 417416, 291820, 125596,
                                         109096, 368745, 159615]),
    ("E12000005", "West Midlands ", [157235, 79, 57549, 11046, 45559, 33232, 12327, 5054, 36787,
                                     9909]),
    ("E23000015", "Staffordshire7", [31374, 11, 10219, 945, 5488, 3520, 1968, 569, 7701, 1963]),
    ("E23000014", "West Midlands", [80542, 53, 32340, 8945, 28675, 21542, 7133, 3239, 17961,
                                    5000]),
    ("E23000005", "Greater Manchester8,9", [".."] * 10),
    ("E23000004", "Merseyside", [45428, "-", 14569, 1403, 9842, 7330, 2512, 2331, "NA", 9081]),
    ("E23000010", "West Yorkshire 8", [108747, 34, "twelve", 3919, 25142, "18,477", 6665, 4191,
                                       " ", 6876]),
    ("", "British Transport Police", [12364, 6, 3297, 766, 552, 1, 551, 8841, 2817, 2493]),
]


def write_p1(book: Any, *, sheet: str = "Table P1 ", title: str = P1_TITLE,
             rows: list[tuple[str, str, list[Any]]] = P1_ROWS, start_row: int = 0,
             groups: list[str] = P1_GROUPS) -> None:
    ws = book.add_worksheet(sheet)
    r = start_row
    ws.write(r, 0, title)
    # r + 1 is blank, as published
    ws.write(r + 2, 0, "England and Wales")
    ws.write(r + 3, 2, "Total recorded crime (excluding fraud3)")
    ws.write(r + 3, 4, "Victim-based crime")
    ws.write(r + 4, 0, "Area Code")
    ws.write(r + 4, 1, "Area Name")
    for i, label in enumerate(groups):
        ws.write(r + 4, 4 + i, label)
    ws.write(r + 5, 2, "Numbers")
    for j, (code, name, cells) in enumerate(rows):
        row = r + 6 + j
        if code:
            ws.write(row, 0, code)
        ws.write(row, 1, name)
        numbers = [c for c in cells if isinstance(c, int)]
        ws.write_number(row, 2, sum(numbers))
        for i, cell in enumerate(cells):
            if isinstance(cell, int):
                ws.write_number(row, 4 + i, cell)
            else:
                ws.write_string(row, 4 + i, cell)
    end = r + 6 + len(rows)
    ws.write(end, 0, "Source: Home Office - Police recorded crime ")
    ws.write(end + 1, 0, "1. Police recorded crime data are not designated as National Statistics.")


def write_p4(book: Any, *, sheet: str = "Table P4  ") -> None:
    ws = book.add_worksheet(sheet)
    ws.write(0, 0, P4_TITLE)
    ws.write(2, 0, "England and Wales")
    ws.write(3, 2, "Total of selected serious offences")
    ws.write(3, 4, "Robbery")
    ws.write(4, 0, "Area Code")
    ws.write(4, 1, "Area Name")
    for col in (2, 4):
        ws.write(4, col, "Number of\n offences\n involving a\n knife6")
        ws.write(4, col + 1, "% involving a knife")
    rows = [
        ("E12000005", "West Midlands ", 6100, 2400),
        ("E23000014", "West Midlands", 3560, 2003),
        ("E23000005", "Greater Manchester8", "NA", "NA"),
        ("E23000004", "Merseyside", 1420, 700),
    ]
    for j, (code, name, total, robbery) in enumerate(rows):
        ws.write(6 + j, 0, code)
        ws.write(6 + j, 1, name)
        for col, value in ((2, total), (4, robbery)):
            if isinstance(value, int):
                ws.write_number(6 + j, col, value)
                ws.write_number(6 + j, col + 1, 5.5)
            else:
                ws.write_string(6 + j, col, value)
                ws.write_string(6 + j, col + 1, value)
    ws.write(12, 0, "Source: Police recorded crime, Home Office")


def write_asb_without_codes(book: Any) -> None:
    """The March 2019 layout: no area-code column, the region named like the force."""
    ws = book.add_worksheet("Table P7 ")
    ws.write(0, 0, "Table P7: Anti-social behaviour incidents (non-National Statistics), by police "
                   "force area, English regions and Wales, year ending March 2008 to year ending "
                   "March 20191,2,3")
    ws.write(2, 0, "England and Wales")
    ws.write(3, 1, "Apr '17 to Mar '186,7")
    ws.write(3, 3, "Apr '18 to Mar '196,7")
    for col in (1, 3):
        ws.write(4, col, "Number of Incidents")
        ws.write(4, col + 1, "Number per 1,000 population")
    rows = [
        ("ENGLAND AND WALES (inc. BTP)9", 1663267, 1456163),
        (None, None, None),
        ("West Midlands ", 156477, 138952),
        ("Staffordshire", 36575, 36008),
        ("West Midlands", 56152, 44804),
        (None, None, None),
        ("Greater Manchester", 79300, ".."),
        ("Merseyside", 45662, 32359),
    ]
    for j, (name, first, second) in enumerate(rows):
        if name is None:
            continue
        ws.write(5 + j, 0, name)
        for col, value in ((1, first), (3, second)):
            if isinstance(value, int):
                ws.write_number(5 + j, col, value)
                ws.write_number(5 + j, col + 1, 21.5)
            else:
                ws.write_string(5 + j, col, value)
    ws.write(20, 0, "Source: Home Office - Police recorded incidents")
    ws.write(21, 0, "3 '..'  Not available.")


def write_notes(book: Any, edition: str = "June 2019") -> None:
    ws = book.add_worksheet("Notes")
    ws.write(0, 0, f"Crime in England & Wales, year ending {edition} - PFA tables")


@pytest.fixture(scope="module")
def plan() -> Config:
    """The bundled framework, whose KPI ids the default mapping names."""
    return load_config(bundled_config_path())


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "pfatables.xlsx", *parts: Callable[[Any], None]) -> Path:
        path = tmp_path / name
        book = xlsxwriter.Workbook(str(path))
        for part in parts or (write_notes, write_p1, write_p4):
            part(book)
        book.close()
        return path

    return make


def value(result: Any, kpi: str, force: str, period: str) -> float | None:
    rows = result.frame.filter(
        (pl.col("kpi") == kpi) & (pl.col("force") == force) & (pl.col("period") == period)
    )
    assert rows.height == 1, f"{kpi} {force} {period}: {rows.height} rows"
    assert rows.get_column("value").item() is None  # 12-month figures never go in `value`
    return rows.get_column("value_12m").item()


# Footnotes and names ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "clean"), [
    ("Cheshire7", "Cheshire"),
    ("North West 7,8", "North West"),
    ("Residential burglary5,6", "Residential burglary"),
    ("Total recorded crime (excluding fraud3)", "Total recorded crime (excluding fraud)"),
    ("ENGLAND AND WALES7,8,9,10", "ENGLAND AND WALES"),
    ("Number of\n offences\n involving a\n knife6", "Number of offences involving a knife"),
    ("Dyfed-Powys", "Dyfed-Powys"),
    ("Non-residential  burglary5,6", "Non-residential burglary"),
])
def test_footnote_marks_are_stripped_from_names(text: str, clean: str) -> None:
    assert strip_footnotes(text) == clean


# Table P1 ----------------------------------------------------------------------------------


def test_offence_groups_become_12_month_values_at_the_editions_quarter(workbook, plan):
    result = import_ons_pfa(workbook(), plan)
    q = "2019/20 Q1"  # 12 months ending June 2019
    assert value(result, "residential-burglary", "west-midlands", q) == 21542
    assert value(result, "business-burglary", "west-midlands", q) == 7133
    assert value(result, "homicides", "west-midlands", q) == 53
    assert value(result, "violence-with-injury", "west-midlands", q) == 32340
    assert value(result, "theft-from-person", "west-midlands", q) == 3239
    assert value(result, "shoplifting", "west-midlands", q) == 17961
    assert value(result, "knife-crime", "west-midlands", q) == 3560
    # a thousands separator in a text cell is still a number
    assert value(result, "residential-burglary", "west-yorkshire", q) == 18477


def test_the_west_midlands_region_is_not_taken_for_the_force(workbook, plan):
    result = import_ons_pfa(workbook(), plan)
    # the region (E12000005) comes first with 33,232; the force (E23000014) has 21,542
    assert value(result, "residential-burglary", "west-midlands", "2019/20 Q1") == 21542
    assert value(result, "knife-crime", "west-midlands", "2019/20 Q1") == 3560


@pytest.mark.parametrize(("kpi", "force"), [
    ("homicides", "greater-manchester"),  # '..'
    ("homicides", "merseyside"),  # '-'
    ("shoplifting", "merseyside"),  # 'NA'
    ("shoplifting", "west-yorkshire"),  # a blank (space) cell
    ("knife-crime", "greater-manchester"),  # 'NA' in Table P4
])
def test_suppressed_cells_are_missing_never_zero(workbook, plan, kpi, force):
    result = import_ons_pfa(workbook(), plan)
    assert value(result, kpi, force, "2019/20 Q1") is None
    note = result.frame.filter((pl.col("kpi") == kpi) & (pl.col("force") == force))["note"][0]
    assert "not available in the source" in note


def test_groups_that_mix_what_the_plan_separates_are_listed_not_forced(workbook, plan):
    result = import_ons_pfa(workbook(), plan)
    unmapped = {(u.table, u.label): u.reason for u in result.unmapped}
    assert "personal and business" in unmapped[("Table P1", "Robbery")]
    assert "residential and non-residential" in unmapped[("Table P1", "Burglary")]
    assert "trafficking and possession" in unmapped[("Table P1", "Drug offences")]
    assert ("Table P4 (knife)", "Robbery") in unmapped
    kpis = set(result.frame.get_column("kpi"))
    assert not kpis & {"robbery-personal", "business-robbery", "drug-trafficking",
                       "drug-possession", "theft-of-vehicle", "theft-from-vehicle"}


def test_a_bad_cell_is_a_problem_with_its_spreadsheet_row(workbook, plan):
    result = import_ons_pfa(workbook(), plan)
    bad = [p for p in result.problems if "twelve" in p.found]
    assert len(bad) == 1
    # title row 1, blank, heading, groups, header (row 5), units (row 6), data from row 7:
    # West Yorkshire is the 7th data row
    assert bad[0].row == 13
    assert bad[0].column == "Violence with injury"
    assert "west-yorkshire" not in set(
        result.frame.filter(pl.col("kpi") == "violence-with-injury").get_column("force")
    )


def test_row_numbers_follow_a_table_that_starts_lower_down(workbook, plan):
    def p1_lower(book: Any) -> None:
        write_p1(book, start_row=2)

    result = import_ons_pfa(workbook("t.xlsx", write_notes, p1_lower, write_p4), plan)
    assert [p.row for p in result.problems if "twelve" in p.found] == [15]


def test_every_force_of_the_national_list_is_kept_and_the_rest_set_aside(workbook, plan):
    result = import_ons_pfa(workbook(), plan)
    assert "staffordshire" in set(result.frame.get_column("force"))
    assert result.skipped_forces == ("British Transport Police",)
    aside = "\n".join(result.set_aside)
    assert "West Midlands" in aside and "England and Wales" in aside
    assert "British Transport Police (it has no police force area of its own" in aside


def test_areas_not_in_the_config_are_skipped_quietly(workbook, group_plan):
    result = import_ons_pfa(workbook(), group_plan)
    assert set(result.frame.get_column("force")) == {
        "west-midlands", "greater-manchester", "merseyside", "west-yorkshire"}
    assert "Staffordshire" in result.skipped_forces
    assert "British Transport Police" in result.skipped_forces
    assert not [p for p in result.problems if "Staffordshire" in p.found]


def test_an_unknown_area_is_a_problem(workbook, plan):
    rows = [*P1_ROWS, ("", "Atlantis", [1] * 10), ("E23009999", "Nowhere", [1] * 10),
            ("E23000010", "West Mercia", [2] * 10)]

    def p1(book: Any) -> None:
        write_p1(book, rows=rows)

    result = import_ons_pfa(workbook("t.xlsx", write_notes, p1, write_p4), plan)
    found = {p.found for p in result.problems}
    assert "'Atlantis'" in found
    assert "'E23009999' (Nowhere)" in found
    # a name that belongs to another force: the code decides, and the second row for West
    # Yorkshire is reported, not added
    assert "'West Mercia' beside area code E23000010 (West Yorkshire)" in found
    assert "a second row for West Yorkshire ('E23000010')" in found
    assert value(result, "homicides", "west-yorkshire", "2019/20 Q1") == 34
    assert value(result, "homicides", "west-midlands", "2019/20 Q1") == 53


# Editions ------------------------------------------------------------------------------------


def test_the_edition_comes_from_the_title_when_there_are_no_notes(workbook, plan):
    title = P1_TITLE.replace("June 20191,2", "December 181,2")

    def p1(book: Any) -> None:
        write_p1(book, title=title)

    result = import_ons_pfa(workbook("tables.xlsx", p1, write_p4), plan)
    assert result.quarters == ("2018/19 Q3",)
    assert result.provenance.editions == ("12 months ending December 2018",)


def test_the_edition_comes_from_the_file_name_as_a_last_resort(workbook, plan):
    def p1(book: Any) -> None:
        write_p1(book, title="Table P1: Police recorded crime by offence group, number of offences")

    result = import_ons_pfa(workbook("pfatablesdec19.xlsx", p1, write_p4), plan)
    assert result.quarters == ("2019/20 Q3",)


def test_editions_that_disagree_are_a_problem(workbook, plan):
    result = import_ons_pfa(workbook("pfatablesdec19.xlsx"), plan)
    assert result.quarters == ("2019/20 Q1",)  # the Notes sheet wins
    assert any("the file name says December 2019" in p.found for p in result.problems)


def test_asb_incidents_by_financial_year_land_at_each_years_q4(workbook, plan):
    def notes(book: Any) -> None:
        write_notes(book, "March 2019")

    def p1(book: Any) -> None:
        write_p1(book, title=P1_TITLE.replace("June", "March"))

    result = import_ons_pfa(workbook("asb.xlsx", notes, p1, write_p4, write_asb_without_codes),
                            plan)
    assert value(result, "asb-incidents", "west-midlands", "2017/18 Q4") == 56152
    assert value(result, "asb-incidents", "west-midlands", "2018/19 Q4") == 44804
    assert value(result, "asb-incidents", "greater-manchester", "2018/19 Q4") is None
    assert value(result, "asb-incidents", "merseyside", "2017/18 Q4") == 45662
    assert not [p for p in result.problems if "West Midlands" in p.found]


def test_a_later_edition_revises_an_earlier_one(workbook, plan, tmp_path):
    def notes18(book: Any) -> None:
        write_notes(book, "March 2018")

    def p1_18(book: Any) -> None:
        write_p1(book, title=P1_TITLE.replace("June 2019", "March 2018"))

    def asb18(book: Any) -> None:
        ws = book.add_worksheet("Table P7")
        ws.write(0, 0, "Table P7:  Anti-social behaviour incidents, by police force area, "
                       "English regions and Wales, year ending March 2008 to year ending March "
                       "20181,2")
        ws.write(3, 2, "Apr '17 to Mar '185, 6")
        ws.write(4, 0, "Area Code")
        ws.write(4, 1, "Area Name")
        ws.write(4, 2, "Number of Incidents")
        ws.write(6, 0, "E12000005")
        ws.write(6, 1, "West Midlands")
        ws.write_number(6, 2, 150000)
        ws.write(7, 0, "E23000014")
        ws.write(7, 1, "West Midlands")
        ws.write_number(7, 2, 55000)

    older = workbook("a2018.xlsx", notes18, p1_18, write_p4, asb18)

    def notes19(book: Any) -> None:
        write_notes(book, "March 2019")

    def p1_19(book: Any) -> None:
        write_p1(book, title=P1_TITLE.replace("June", "March"))

    newer = workbook("b2019.xlsx", notes19, p1_19, write_p4, write_asb_without_codes)
    # given newest first: the edition decides, not the order of the files
    result = import_ons_pfa([newer, older], plan)
    assert value(result, "asb-incidents", "west-midlands", "2017/18 Q4") == 56152
    assert any("revising 55,000" in note for note in result.notes)


# Files that cannot be read ---------------------------------------------------------------------


def test_an_unreadable_file_is_one_problem_and_the_rest_import(workbook, plan, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    result = import_ons_pfa([broken, workbook()], plan)
    assert [p.file for p in result.problems if "cannot be read" in p.found] == [str(broken)]
    assert value(result, "homicides", "west-midlands", "2019/20 Q1") == 53


def test_a_missing_path_is_a_problem(plan, tmp_path):
    result = import_ons_pfa(tmp_path / "nope.xlsx", plan)
    assert result.frame.is_empty()
    assert result.problems[0].found == "no such file or folder"


def test_a_workbook_without_the_tables_says_so(workbook, plan):
    def other(book: Any) -> None:
        book.add_worksheet("Sheet1").write(0, 0, "year ending June 2019")

    result = import_ons_pfa(workbook("x.xlsx", write_notes, other), plan)
    assert result.frame.is_empty()
    assert any("offence group" in p.found for p in result.problems)
    assert any("knife" in p.found for p in result.problems)


def test_a_mapped_group_missing_from_an_edition_is_a_problem(workbook, plan):
    renamed = [g if g != "Homicide" else "Homicide (renamed)" for g in P1_GROUPS]

    def p1(book: Any) -> None:
        write_p1(book, groups=renamed)

    result = import_ons_pfa(workbook("r.xlsx", write_notes, p1, write_p4), plan)
    assert any(p.found == "no 'Homicide' column in sheet 'Table P1'" for p in result.problems)
    assert "homicides" not in set(result.frame.get_column("kpi"))
    assert "Homicide (renamed)" in {u.label for u in result.unmapped}


# Mapping -------------------------------------------------------------------------------------


def test_a_mapping_to_an_unknown_kpi_is_refused(workbook, plan):
    with pytest.raises(MappingError, match="'robbery-all' is not a KPI id"):
        import_ons_pfa(workbook(), plan, {"offence_groups": {"Robbery": "robbery-all"}})


def test_the_default_mapping_needs_the_plans_kpis(workbook, config):
    # the small test framework has none of the crime KPIs
    with pytest.raises(MappingError) as err:
        import_ons_pfa(workbook(), config)
    assert "'homicides' is not a KPI id" in str(err.value)


def test_a_configured_mapping_replaces_one_table(workbook, plan, tmp_path):
    config = tmp_path / "import.toml"
    config.write_text('[import.ons_pfa.offence_groups]\n"Homicide" = "homicides"\n')
    table = read_import_tables(config)["ons_pfa"]
    result = import_ons_pfa(workbook(), plan, table)
    kpis = set(result.frame.get_column("kpi"))
    assert kpis == {"homicides", "knife-crime"}  # knife keeps its default table
    assert "Residential burglary" in {u.label for u in result.unmapped}


# Writing the return ----------------------------------------------------------------------------


def test_the_return_loads_with_provenance_beside_it(workbook, plan, tmp_path):
    source = workbook()
    result = import_ons_pfa(source, plan)
    out = tmp_path / "data"
    written = write_return(result, out)
    assert written.path == out / "ons-pfa_2019-20_Q1.csv"
    text = written.path.read_text()
    header = text.splitlines()[0].split(",")
    assert header == ["kpi", "force", "period", "value", "value_12m", "numerator",
                      "denominator", "lower", "upper", "status", "note"]
    assert ",21542," in text  # whole numbers written without `.0`
    first = pl.read_csv(written.path, infer_schema=False).row(0, named=True)
    assert "Imported by pcp-tui" in first["note"]
    assert "sha256" in first["note"]
    sidecar = json.loads(written.provenance_path.read_text())
    assert sidecar["importer"] == "ons-pfa"
    assert sidecar["files"][0]["path"] == str(source)
    assert len(sidecar["files"][0]["sha256"]) == 64
    assert sidecar["editions"] == ["12 months ending June 2019"]
    assert sidecar["tool_version"]
    assert sidecar["imported_at"]

    observations = load_observations(out, plan, today=date(2021, 11, 26))
    frame = observations.frame.filter(
        (pl.col("kpi") == "residential-burglary") & (pl.col("force") == "west-midlands")
    )
    assert frame.get_column("value_12m").to_list() == [21542.0]
    assert frame.get_column("period").to_list() == [Quarter.parse("2019/20 Q1").start]
    assert not [p for p in observations.problems if p.column in ("value_12m", "note")]


def test_an_existing_return_is_kept_unless_overwrite_is_asked(workbook, plan, tmp_path):
    result = import_ons_pfa(workbook(), plan)
    target = tmp_path / "out.csv"
    write_return(result, target)
    before = target.read_bytes()
    with pytest.raises(ReturnExistsError, match="already exists"):
        write_return(result, target)
    assert target.read_bytes() == before
    write_return(result, target, overwrite=True)
    assert target.exists()
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_an_empty_import_is_not_written(plan, tmp_path):
    result = import_ons_pfa(tmp_path / "nope.xlsx", plan)
    with pytest.raises(EmptyReturnError):
        write_return(result, tmp_path)


def test_progress_is_reported_and_printed_only_with_a_console(workbook, plan):
    calls: list[tuple[str, float, float | None]] = []
    import_ons_pfa(workbook(), plan, progress=lambda *a: calls.append(a))
    assert calls[0] == ("ONS PFA tables", 0, 1)
    assert calls[-1] == ("ONS PFA tables", 1, 1)
    with rich_progress(None) as callback:
        callback("quiet", 1, 2)  # no console: nothing to print, nothing raised
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False)
    with rich_progress(console) as callback:
        import_ons_pfa(workbook(), plan, progress=callback)
    assert "ONS PFA tables" in buffer.getvalue()


# The real editions ---------------------------------------------------------------------------

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


@pytest.fixture(scope="module")
def real(plan):
    return import_ons_pfa(REAL, plan)


@needs_real
def test_all_eight_real_editions_import(real):
    assert len(real.provenance.files) == 8
    assert real.provenance.editions == tuple(
        f"12 months ending {m}" for m in (
            "March 2018", "June 2018", "September 2018", "December 2018",
            "March 2019", "June 2019", "September 2019", "December 2019",
        )
    )
    assert real.problems == ()


@needs_real
def test_real_west_midlands_figures_for_the_12_months_ending_june_2019(real):
    assert value(real, "residential-burglary", "west-midlands", "2019/20 Q1") == 21542
    assert value(real, "business-burglary", "west-midlands", "2019/20 Q1") == 7133
    assert value(real, "homicides", "west-midlands", "2019/20 Q1") == 53
    assert value(real, "knife-crime", "west-midlands", "2019/20 Q1") == 3560


@needs_real
@pytest.mark.parametrize("period", ["2019/20 Q2", "2019/20 Q3"])
def test_real_greater_manchester_is_missing_not_zero_after_its_it_change(real, period):
    rows = real.frame.filter((pl.col("force") == "greater-manchester")
                             & (pl.col("period") == period))
    assert rows.height >= 7  # every mapped KPI has a row saying the figure is missing
    assert rows.get_column("value_12m").null_count() == rows.height
    # the edition before the IT change has the figures
    assert value(real, "homicides", "greater-manchester", "2019/20 Q1") == 61


@needs_real
def test_real_asb_incidents_come_from_both_march_editions(real):
    assert value(real, "asb-incidents", "west-midlands", "2018/19 Q4") == 44804
    assert value(real, "asb-incidents", "west-midlands", "2007/08 Q4") == 172034


# The command line --------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    """`pcp-tui import …` as cli.py wires it: the import parser under a plain top level."""
    import argparse

    from pcp_tui.cli.import_command import add_import_parser

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    common.add_argument("--no-color", action="store_true")
    common.add_argument("--width", type=int)
    parser = argparse.ArgumentParser(prog="pcp-tui", parents=[common])
    add_import_parser(parser.add_subparsers(dest="command"), common, argparse.HelpFormatter)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def own_config(tmp_path: Path) -> Path:
    path = tmp_path / "project" / "config.toml"
    path.parent.mkdir()
    path.write_text(bundled_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_the_import_command_writes_into_the_data_folder(workbook, own_config, capsys):
    source = workbook()
    assert run_cli(["import", "ons-pfa", str(source), "--config", str(own_config)]) == 1
    written = own_config.parent / "data" / "ons-pfa_2019-20_Q1.csv"
    assert written.exists()
    out = capsys.readouterr().out
    assert "1 problem in the source files" in out  # the 'twelve' cell
    assert "Wrote" in out and "ons-pfa_2019-20_Q1.csv" in out
    assert "Robbery" in out  # listed as unmapped, with the reason
    # a second run keeps the first return unless --force is given
    assert run_cli(["import", "ons-pfa", str(source), "--config", str(own_config)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert run_cli(["import", "ons-pfa", str(source), "--config", str(own_config),
                    "--force"]) == 1


def test_the_import_command_needs_out_with_the_bundled_config(workbook, tmp_path, capsys):
    code = run_cli(["import", "ons-pfa", str(workbook()), "--config",
                    str(bundled_config_path())])
    assert code == 2
    assert "--out" in capsys.readouterr().err
    assert run_cli(["import", "ons-pfa", str(workbook()), "--config", str(bundled_config_path()),
                    "--out", str(tmp_path / "elsewhere")]) == 1
    assert (tmp_path / "elsewhere" / "ons-pfa_2019-20_Q1.csv").exists()


@needs_real
def test_the_import_command_on_the_real_editions_is_clean(own_config, capsys):
    assert run_cli(["import", "ons-pfa", str(REAL), "--config", str(own_config)]) == 0
    # the March editions' anti-social behaviour tables reach back to 2007/08
    assert (own_config.parent / "data" / "ons-pfa_2007-08_Q4_to_2019-20_Q3.csv").exists()


@pytest.mark.parametrize(("cell", "expected", "problem"), [
    ("1,234", 1234.0, False),
    ("1234.0", 1234.0, False),
    ("1e3", 1000.0, False),
    ("..", None, False),
    ("-", None, False),
    ("+", None, False),
    (".", None, False),
    ("NA", None, False),
    ("n/a", None, False),
    ("[x]", None, False),
    ("", None, False),
    ("-5", None, True),  # a count cannot be negative
    ("£12", None, True),
    ("12 (p)", None, True),
    ("[/bold]", None, True),  # markup-looking text is data, reported literally
])
def test_every_kind_of_cell(workbook, plan, cell, expected, problem):
    rows = [(c, n, list(cells)) for c, n, cells in P1_ROWS]
    rows[3][2][1] = cell  # West Midlands, Homicide

    def p1(book: Any) -> None:
        write_p1(book, rows=rows)

    result = import_ons_pfa(workbook("c.xlsx", write_notes, p1, write_p4), plan)
    bad = [p for p in result.problems if p.column == "Homicide"]
    assert bool(bad) == problem
    if problem:
        assert bad[0].row == 10 and cell in bad[0].found
        assert "west-midlands" not in set(
            result.frame.filter(pl.col("kpi") == "homicides").get_column("force"))
    else:
        assert value(result, "homicides", "west-midlands", "2019/20 Q1") == expected


def test_forces_without_an_area_code_in_the_config_are_matched_by_name(workbook, tmp_path):
    text = bundled_config_path().read_text(encoding="utf-8")
    assert 'area_code = "E23000014"\n' in text
    path = tmp_path / "config.toml"
    path.write_text(text.replace('area_code = "E23000014"\n', ""), encoding="utf-8")
    result = import_ons_pfa(workbook(), load_config(path))
    # by name, and still the force row, not the region row of the same name before it
    assert value(result, "residential-burglary", "west-midlands", "2019/20 Q1") == 21542


def test_the_import_command_shows_escaped_cells_literally(tmp_path, own_config, capsys):
    """xlsx stores a control character as `_x001B_`, and the reader gives it back as ESC: a
    cell and a column label holding OSC 52, ESC[2J and BEL reach the terminal as escapes."""
    from pcp_tui.cli import main

    hostile = "\x1b]52;c;AAAA\x07\x1b[2J"
    groups = [g + hostile if g == "Robbery" else g for g in P1_GROUPS]
    rows = [(code, name, [c if c != "twelve" else "twelve" + hostile for c in cells])
            for code, name, cells in P1_ROWS]
    path = tmp_path / "pfatables.xlsx"
    book = xlsxwriter.Workbook(str(path))
    write_notes(book)
    write_p1(book, rows=rows, groups=groups)
    write_p4(book)
    book.close()
    with zipfile.ZipFile(path) as archive:  # as Excel writes it
        assert b"_x001B_" in archive.read("xl/sharedStrings.xml")
    main(["import", "ons-pfa", str(path), "--config", str(own_config)])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "\x1b" not in out and "\x07" not in out
    assert "twelve\\x1b]52;c;AAAA\\x07\\x1b[2J" in out  # the problem quotes the cell
    assert "Robbery\\x1b]52;c;AAAA\\x07\\x1b[2J" in out  # the unmapped label
