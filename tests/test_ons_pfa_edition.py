"""Which edition an ONS PFA workbook is (ons_pfa_edition): from its Notes, a table's title or the
file name; editions that disagree; financial-year tables; a later edition revising an earlier
one."""

from __future__ import annotations

from typing import Any

from ons_workbooks import (
    P1_TITLE,
    value,
    write_asb_without_codes,
    write_notes,
    write_p1,
    write_p4,
)

from pcp_tui.importers.ons_pfa import import_ons_pfa

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
