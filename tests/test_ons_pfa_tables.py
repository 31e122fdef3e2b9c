"""Reading the ONS PFA tables (ons_pfa_tables): footnote marks stripped from names, table P1's
offence groups as 12-month values, force rows found by area code or name (regions, unknown
areas set aside), and every kind of cell."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from ons_workbooks import (
    P1_ROWS,
    value,
    write_notes,
    write_p1,
    write_p4,
)

from pcp_tui.config import bundled_config_path, load_config
from pcp_tui.importers.mapping import strip_footnotes
from pcp_tui.importers.ons_pfa import import_ons_pfa

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


# Cells ---------------------------------------------------------------------------------------


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
