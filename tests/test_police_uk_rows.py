"""From police.uk counts to the import's rows (police_uk_rows): street crime types as quarterly
counts of complete quarters, for the force that recorded them; stop and search counts, rates
and the tables by legislation and ethnicity. The aggregated counts are checked exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from police_uk_archives import (
    MDA,
    PACE,
    S47A,
    S60,
    SEARCH,
    archive_file,
    counts,
    found,
    rate,
    search_row,
    write,
)

from pcp_tui.importers import MappingError
from pcp_tui.importers.police_uk import import_police_uk

# Street crime ---------------------------------------------------------------------------------


def test_street_crime_types_become_quarterly_counts(archive, group_plan):
    result = import_police_uk(archive, group_plan)
    q1 = "2019/20 Q1"
    assert counts(result, "asb-incidents") == {
        ("west-midlands", q1): 4 + 1 + 2 + 1,  # April includes the row with surplus fields
        ("west-yorkshire", q1): 3,
    }
    assert counts(result, "shoplifting") == {
        ("west-midlands", q1): 3 + 1 + 0,  # the quoted comma did not split a row
        ("west-yorkshire", q1): 0,  # a complete quarter without any: a true zero
    }
    assert counts(result, "theft-from-person")[("west-midlands", q1)] == 2 + 1 + 0


def test_mixed_categories_are_listed_not_forced_onto_kpis(archive, plan):
    result = import_police_uk(archive, plan)
    unmapped = {u.label: u.reason for u in result.unmapped}
    assert "trafficking and possession" in unmapped["Drugs"]
    assert "personal and business" in unmapped["Robbery"]
    assert set(result.frame.get_column("kpi")).isdisjoint(
        {"drug-trafficking", "drug-possession", "robbery-personal"})
    context = result.context["crime_types"].filter(
        (pl.col("force") == "west-midlands") & (pl.col("crime_type") == "Drugs"))
    assert context.get_column("count").to_list() == [5]
    assert context.get_column("kpi").to_list() == [None]


def test_only_complete_quarters_become_values(archive, plan):
    result = import_police_uk(archive, plan)
    assert ("west-midlands", "2019/20 Q2") not in counts(result, "asb-incidents")
    assert "2 of 3 months of 2019/20 Q2 for West Midlands Police (no 2019-09)" in found(result)
    assert not [k for k in counts(result, "asb-incidents") if k[0] == "greater-manchester"]
    assert "2 of 3 months of 2019/20 Q1 for Greater Manchester Police (no 2019-05)" in found(result)
    assert "2 of 3 months of 2019/20 Q1 for Merseyside Police (no 2019-06)" in found(result)


def test_empty_months_are_missing_not_zero(archive, plan):
    result = import_police_uk(archive, plan)
    by_file = {Path(p.file).name: p.found for p in result.problems}
    assert by_file["2019-05-greater-manchester-street.csv"] == "a header and no rows"
    assert by_file["2019-06-merseyside-street.csv"] == "an empty file (no header, no rows)"


def test_odd_rows_are_reported_and_not_counted(archive, plan):
    result = import_police_uk(archive, plan)
    april = str(archive_file(archive, "2019-04", "west-midlands"))
    odd = [p for p in result.problems if p.file == april]
    assert [(p.column, p.found) for p in odd] == [("Crime type", "2 rows without a crime type")]
    assert ("Month", "1 row without a month such as 2019-06") in [
        (p.column, p.found) for p in result.problems if p.file.endswith("wy-quarter-one.csv")]


def test_rows_are_counted_for_the_force_that_recorded_them(archive, group_plan):
    result = import_police_uk(archive, group_plan)
    # BTP's 30 shoplifting offences `Falls within` West Midlands but are BTP's
    assert counts(result, "shoplifting")[("west-midlands", "2019/20 Q1")] == 4
    assert "British Transport Police" in result.skipped_forces
    assert "Staffordshire Police" in result.skipped_forces
    assert not [p for p in result.problems if "Staffordshire" in p.found]


def test_a_second_file_for_the_same_month_is_not_counted_twice(archive, plan, tmp_path):
    copy = tmp_path / "copy" / "2019-04" / "2019-04-west-midlands-street.csv"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(archive_file(archive, "2019-04", "west-midlands").read_bytes())
    result = import_police_uk([archive, tmp_path / "copy"], plan)
    assert counts(result, "asb-incidents")[("west-midlands", "2019/20 Q1")] == 8
    assert any(p.found.startswith("a second street file for West Midlands Police, 2019-04")
               for p in result.problems)


# Stop and search --------------------------------------------------------------------------------


def test_section_60_searches_are_counted(searches, plan):
    result = import_police_uk(searches, plan)
    assert counts(result, "section-60-searches") == {("west-midlands", "2019/20 Q1"): 3}


def test_positive_outcome_rate_of_reasonable_grounds_searches(searches, plan):
    result = import_police_uk(searches, plan)
    # reasonable grounds: PACE and MDA (8 searches); not s60, s47A or no legislation. Of those,
    # 2 have no outcome recorded (blank, "Details not available") and are left out; 4 of the
    # other 6 are positive (Arrest, Community resolution, Arrest, Arrest)
    numerator, denominator, value = rate(result, "stop-search-positive-outcome-rate")
    assert (numerator, denominator) == (4, 6)
    assert value == pytest.approx(100 * 4 / 6)


def test_offensive_weapon_share_of_reasonable_grounds_searches(searches, plan):
    result = import_police_uk(searches, plan)
    # 7 reasonable-grounds searches have an object recorded; 3 are for offensive weapons
    assert rate(result, "stop-search-weapon-object")[:2] == (3, 7)
    summary = result.context["stop_search_summary"].row(0, named=True)
    assert summary["searches"] == 13
    assert summary["reasonable_grounds"] == 8
    assert summary["other_no_suspicion"] == 1
    assert summary["no_legislation"] == 1
    assert summary["rg_weapon_object_positive_linked"] == 1


def test_searches_by_legislation_and_rates_by_ethnicity(searches, plan):
    populations = {"west-midlands": {"White": 2000, "Black": 100, "Asian": 400}}
    result = import_police_uk(searches, plan, {"population_by_ethnicity": populations})
    legislation = dict(result.context["stop_search_legislation"]
                       .select("legislation", "searches").iter_rows())
    assert legislation == {PACE: 5, MDA: 3, S60: 3, S47A: 1, "(not recorded)": 1}
    ethnicity = {
        row["ethnicity"]: (row["searches"], row["per_1000_in_quarter"])
        for row in result.context["stop_search_ethnicity"].iter_rows(named=True)
    }
    assert ethnicity["White"] == (8, pytest.approx(4.0))
    assert ethnicity["Black"] == (2, pytest.approx(20.0))
    assert ethnicity["Asian"] == (1, pytest.approx(2.5))
    assert ethnicity["Not stated"] == (2, None)


def test_without_populations_the_ethnicity_rates_are_left_empty(searches, plan):
    result = import_police_uk(searches, plan)
    assert result.context["stop_search_ethnicity"].get_column("per_1000_in_quarter").null_count() \
        == result.context["stop_search_ethnicity"].height
    assert any("no population by ethnicity configured" in note for note in result.notes)


def test_a_stop_and_search_file_without_a_force_in_its_name_is_skipped(plan, tmp_path):
    write(tmp_path / "searches.csv", SEARCH, [search_row(PACE, "Stolen goods", "Arrest")])
    result = import_police_uk(tmp_path, plan)
    assert result.frame.is_empty()
    assert "whose name does not give the force" in found(result)[0]


def test_a_bad_population_table_is_refused(searches, plan):
    with pytest.raises(MappingError, match="expected one of White"):
        import_police_uk(searches, plan,
                         {"population_by_ethnicity": {"west-midlands": {"Purple": 5}}})
