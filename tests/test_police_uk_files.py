"""The police.uk archive's files (police_uk_files): files that cannot be used are problems and
the rest import; the months a file may hold; outcomes files noted, not read; the 2011 layout."""

from __future__ import annotations

import pytest
from police_uk_archives import (
    STREET,
    STREET_2011,
    WMP,
    archive_file,
    counts,
    found,
    street_row,
    street_rows,
    write,
)

from pcp_tui.importers import MappingError
from pcp_tui.importers.police_uk import import_police_uk

# Files ----------------------------------------------------------------------------------------


def test_a_malformed_file_is_one_problem_and_the_rest_import(archive, plan):
    bad = archive_file(archive, "2019-04", "cleveland")
    write(bad, STREET, ['a,2019-04,Cleveland Police,Cleveland Police,1,2,"unterminated,E,N,'
                        'Drugs,,'])
    result = import_police_uk(archive, plan)
    assert [p.file for p in result.problems if "cannot be parsed" in p.found] == [str(bad)]
    assert counts(result, "asb-incidents")[("west-midlands", "2019/20 Q1")] == 8


def test_files_that_are_not_police_uk_files_are_problems(plan, tmp_path):
    write(tmp_path / "notes.csv", "kpi,force,period,value", ["homicides,wmp,2019/20 Q1,5"])
    write(tmp_path / "2019-04-nowhere-street.csv", STREET,
          street_rows("2019-04", {"Drugs": 1}, force="Nowhere Constabulary"))
    result = import_police_uk(tmp_path, plan)
    assert result.frame.is_empty()
    assert any("without 'Crime type'" in f for f in found(result))
    assert any("slug 'nowhere'" in f for f in found(result))
    assert "1 row from 'Nowhere Constabulary'" in found(result)


@pytest.mark.parametrize("month", ["0000-05", "0500-01", "9999-12", "2019-13"])
def test_a_month_no_quarter_can_hold_is_a_problem_and_the_rest_import(archive, plan, month):
    odd = write(archive / "extracts" / "odd-street.csv", STREET,
                [street_row(month, "Shoplifting"), street_row("2019-04", "Shoplifting")])
    result = import_police_uk(archive, plan)
    assert [(p.column, p.found) for p in result.problems if p.file == str(odd)] == [
        ("Month", "1 row without a month such as 2019-06")]
    assert counts(result, "asb-incidents")[("west-midlands", "2019/20 Q1")] == 8


@pytest.mark.parametrize("month", ["0000-05", "0500-01", "9999-12"])
def test_a_file_named_after_a_month_no_quarter_can_hold_uses_its_rows(plan, tmp_path, month):
    named = write(tmp_path / f"{month}-west-midlands-street.csv", STREET,
                  [street_row(m, "Shoplifting") for m in ("2019-04", "2019-05", "2019-06")])
    result = import_police_uk(tmp_path, plan)
    assert f"the month {month} in the file name" in [
        p.found for p in result.problems if p.file == str(named)]
    assert counts(result, "shoplifting")[("west-midlands", "2019/20 Q1")] == 3


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 20,  # NUL bytes
    bytes(range(1, 256)) * 20,  # no NUL, but a bare carriage return in the first line
], ids=["nul", "carriage-return"])
def test_a_binary_street_file_is_a_problem_and_the_rest_import(archive, plan, content):
    binary = archive_file(archive, "2019-04", "cleveland")
    binary.parent.mkdir(parents=True, exist_ok=True)
    binary.write_bytes(content)
    result = import_police_uk(archive, plan)
    assert [p.file for p in result.problems if "skipped" in p.expected] == [str(binary)]
    assert counts(result, "asb-incidents")[("west-midlands", "2019/20 Q1")] == 8


def test_outcomes_files_are_noted_not_read(archive, plan):
    result = import_police_uk(archive, plan)
    assert any("outcomes files were not read" in note for note in result.notes)


# The 2011 layout ---------------------------------------------------------------------------------


def street_2011_rows(month: str, counts: dict[str, int]) -> list[str]:
    return [f"{month},{WMP},{WMP},407000.0,286000.0,On or near Somewhere,{crime},"
            for crime, n in counts.items() for _ in range(n)]


def test_the_2011_layout_is_read_with_the_crime_types_of_its_time(plan, tmp_path):
    for month in ("2011-01", "2011-02", "2011-03"):
        write(archive_file(tmp_path, month, "west-midlands"), STREET_2011, street_2011_rows(
            month, {"Anti-social behaviour": 3, "Other crime": 2, "Violent crime": 1}))
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert counts(result, "asb-incidents") == {("west-midlands", "2010/11 Q4"): 9}
    # shoplifting and theft from the person were inside "Other crime": no value, never a zero
    assert set(result.frame.get_column("kpi")) == {"asb-incidents"}
    unmapped = {(u.table, u.label): u.reason for u in result.unmapped}
    assert "shoplifting" in unmapped[("police.uk street crime types (2011 layout)",
                                      "Other crime")]
    assert "violence" in unmapped[("police.uk street crime types (2011 layout)",
                                   "Violent crime")]
    context = result.context["crime_types"]
    assert set(context.get_column("layout")) == {"2011"}
    assert dict(context.select("crime_type", "count").iter_rows()) == {
        "Anti-social behaviour": 9, "Other crime": 6, "Violent crime": 3}
    assert any(note.startswith("shoplifting: 1 quarter read from files in the 2011 layout")
               for note in result.notes)


def test_a_quarter_with_a_month_in_the_2011_layout_gets_only_what_both_layouts_count(
        plan, tmp_path):
    write(archive_file(tmp_path, "2011-01", "west-midlands"), STREET_2011,
          street_2011_rows("2011-01", {"Anti-social behaviour": 2, "Other crime": 4}))
    for month in ("2011-02", "2011-03"):
        write(archive_file(tmp_path, month, "west-midlands"), STREET,
              street_rows(month, {"Anti-social behaviour": 1, "Shoplifting": 1}))
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert counts(result, "asb-incidents") == {("west-midlands", "2010/11 Q4"): 4}
    # two months of shoplifting and a month inside "Other crime" are not a quarter's count
    assert counts(result, "shoplifting") == {}


def test_a_2011_layout_file_without_its_columns_is_refused_naming_the_layout(plan, tmp_path):
    bad = write(archive_file(tmp_path, "2011-02", "west-midlands"),
                "Month,Reported by,Falls within,Easting,Northing,Location,Context",
                [f"2011-02,{WMP},{WMP},407000.0,286000.0,On or near Somewhere,"])
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert result.frame.is_empty()
    [problem] = [p for p in result.problems if p.file == str(bad)]
    assert problem.found.startswith("no 'Crime type' column")
    assert "of the 2011 layout (Month, Reported by, Falls within, Easting, Northing" \
        in problem.expected
    assert problem.expected.endswith("the file is skipped")


def test_the_2011_vocabulary_is_a_config_table(plan, tmp_path):
    for month in ("2011-01", "2011-02", "2011-03"):
        write(archive_file(tmp_path, month, "west-midlands"), STREET_2011,
              street_2011_rows(month, {"Anti-social behaviour": 1}))
    result = import_police_uk(tmp_path, plan, {"layout_2011": {"crime_types": {}}},
                              hash_sources=False)
    assert result.frame.is_empty()
    assert [u.label for u in result.unmapped] == ["Anti-social behaviour"]
    with pytest.raises(MappingError, match="layout_2011.crime_types"):
        import_police_uk(tmp_path, plan, {"layout_2011": {"crime_types": {"Other crime": "x"}}})
