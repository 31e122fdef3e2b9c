"""police.uk at national scale, on the real archive files in ../shared/realdata/police-uk/
(skipped when they are not there)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest

from pcp_tui.importers import write_return
from pcp_tui.importers.police_uk import import_police_uk

POLICE_UK = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "police-uk"
needs_files = pytest.mark.skipif(not (POLICE_UK / "metropolitan").is_dir(),
                                 reason="../shared/realdata is not here")


@needs_files
def test_a_force_outside_the_plan_is_kept_for_the_national_picture(group_plan,
                                                                    tmp_path: Path):
    # a config of West Midlands and its most similar forces only: the Metropolitan Police is
    # not among its forces
    result = import_police_uk(POLICE_UK / "metropolitan", group_plan, hash_sources=False)
    summary = result.context["stop_search_summary"]
    met = summary.filter(pl.col("force") == "metropolitan").sort("period")
    # April 2015 to January 2016: three complete quarters, the fourth not counted short
    assert met.get_column("period").to_list() == ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3"]
    assert all(n > 30_000 for n in met.get_column("searches"))
    assert result.frame.is_empty()  # no KPI row for a force the config does not hold
    written = write_return(result, tmp_path / "out")  # context tables, never "nothing"
    assert any(p.name == "stop_search_summary.csv" for p in written.context_paths)


@needs_files
def test_month_coverage_is_judged_per_force(plan):
    result = import_police_uk([POLICE_UK / "metropolitan", POLICE_UK / "greater-manchester"],
                              plan, hash_sources=False)
    coverage = [p.found for p in result.problems if p.column == "Month"]
    # each force over its own months: Metropolitan's files run April 2015 to January 2016, so
    # its own 2015/16 Q4 is incomplete; Greater Manchester has June 2019 only. Nothing between
    # Metropolitan's months and Greater Manchester's is missing.
    assert coverage == [
        "1 of 3 months of 2015/16 Q4 for Metropolitan Police Service (no 2016-02, 2016-03)",
        "1 of 3 months of 2019/20 Q1 for Greater Manchester Police (no 2019-04, 2019-05)"]
    forces = set(result.context["stop_search_summary"].get_column("force"))
    assert "metropolitan" in forces


def _search_file_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


NO_SUSPICION = {"Criminal Justice and Public Order Act 1994 (section 60)",
                "Terrorism Act 2000 (section 47A)"}


def _positive_and_recorded(rows: list[dict[str, str]], positive: set[str],
                           negative: set[str]) -> tuple[int, int]:
    grounds = [r for r in rows if r["Legislation"] and r["Legislation"] not in NO_SUSPICION]
    return (sum(r["Outcome"] in positive for r in grounds),
            sum(r["Outcome"] in positive | negative for r in grounds))


@needs_files
def test_the_2015_outcome_vocabulary_is_mapped_in_full(plan):
    """Metropolitan 2015: every outcome is named, and the rate is the one counted from the
    files directly."""
    result = import_police_uk(POLICE_UK / "metropolitan", plan, hash_sources=False)
    assert not [u for u in result.unmapped if "outcomes" in u.table]
    rows = [r for m in ("04", "05", "06")
            for r in _search_file_rows(POLICE_UK / "metropolitan"
                                       / f"2015-{m}-metropolitan-stop-and-search.csv")]
    assert {r["Outcome"] for r in rows} == {
        "Nothing found - no further action", "Suspect arrested", "Suspect summonsed to court",
        "Offender cautioned", "Offender given penalty notice",
        "Offender given drugs possession warning", "Local resolution"}
    positive = {"Suspect arrested", "Suspect summonsed to court", "Offender cautioned",
                "Offender given penalty notice", "Offender given drugs possession warning",
                "Local resolution"}
    q1 = result.context["stop_search_summary"].filter(
        pl.col("period") == "2015/16 Q1").row(0, named=True)
    assert (q1["rg_positive"], q1["rg_outcome_recorded"]) == _positive_and_recorded(
        rows, positive, {"Nothing found - no further action"})
    assert q1["rg_outcome_unmapped"] == 0
    # every row of the quarter's three files, those dated 31 March or 30 April 23:xx UTC too
    assert q1["searches"] == len(rows)


@needs_files
def test_the_2019_outcome_vocabulary_is_mapped_in_full(plan, tmp_path: Path):
    """Greater Manchester June 2019, the quarter made up of the same month three times."""
    june = POLICE_UK / "greater-manchester" / "2019-06-greater-manchester-stop-and-search.csv"
    for month in ("2019-04", "2019-05", "2019-06"):
        shutil.copyfile(june, tmp_path / f"{month}-greater-manchester-stop-and-search.csv")
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert not [u for u in result.unmapped if "outcomes" in u.table]
    rows = _search_file_rows(june)
    assert {r["Outcome"] for r in rows} == {
        "A no further action disposal", "Arrest", "Summons / charged by post",
        "Caution (simple or conditional)", "Penalty Notice for Disorder",
        "Khat or Cannabis warning", "Community resolution"}
    positive, recorded = _positive_and_recorded(
        rows, {"Arrest", "Summons / charged by post", "Caution (simple or conditional)",
               "Penalty Notice for Disorder", "Khat or Cannabis warning",
               "Community resolution"}, {"A no further action disposal"})
    [kpi] = result.frame.filter(pl.col("kpi") == "stop-search-positive-outcome-rate").rows(
        named=True)
    assert (kpi["force"], kpi["period"]) == ("greater-manchester", "2019/20 Q1")
    assert (kpi["numerator"], kpi["denominator"]) == (3 * positive, 3 * recorded)


@needs_files
def test_an_outcome_outside_the_vocabulary_is_reported_and_not_counted(plan):
    result = import_police_uk(POLICE_UK / "city-of-london", plan, hash_sources=False)
    [outcome] = [u for u in result.unmapped if "outcomes" in u.table]
    assert outcome.label == "Article found - Detailed outcome unavailable"
    assert outcome.reason.startswith("2 searches (City of London Police)")
    summary = result.context["stop_search_summary"]
    assert summary.get_column("rg_outcome_unmapped").sum() == 2


@needs_files
def test_searches_a_minute_before_midnight_utc_stay_in_their_uk_month(plan):
    """The Metropolitan files carry searches dated 23:00-23:59 UTC on the month's eve: 00:xx
    BST in the file's month. None makes 2014/15 Q4 look present, none moves a month."""
    result = import_police_uk([POLICE_UK / "metropolitan", POLICE_UK / "greater-manchester"],
                              plan, hash_sources=False)
    assert not [p for p in result.problems if p.column == "Date"]
    assert not any("month before" in note for note in result.notes)
    assert not [u for u in result.unmapped if "outcomes" in u.table]  # 2015 and 2019 both
    periods = set(result.context["stop_search_summary"].get_column("period"))
    assert "2014/15 Q4" not in periods


@needs_files
def test_the_2011_layout_is_read_with_its_own_crime_types(plan, tmp_path: Path):
    february = POLICE_UK / "west-midlands-2011" / "2011-02-west-midlands-street.csv"
    alone = import_police_uk(february, plan, hash_sources=False)
    assert alone.frame.is_empty()
    assert [p.found for p in alone.problems] == [
        "1 of 3 months of 2010/11 Q4 for West Midlands Police (no 2011-01, 2011-03)"]
    # the quarter made up of February three times, the Month column rewritten
    text = february.read_text(encoding="utf-8")
    for month in ("2011-01", "2011-03"):
        (tmp_path / f"{month}-west-midlands-street.csv").write_text(
            text.replace("\n2011-02,", f"\n{month},"), encoding="utf-8")
    shutil.copyfile(february, tmp_path / february.name)
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert not result.problems
    assert result.frame.select("kpi", "force", "period", "value").rows() == [
        ("asb-incidents", "west-midlands", "2010/11 Q4", 3 * 8728.0)]
    unmapped = {u.label: u.reason for u in result.unmapped}
    assert set(unmapped) == {"Burglary", "Other crime", "Robbery", "Vehicle crime",
                             "Violent crime"}
    assert "shoplifting" in unmapped["Other crime"]
    types = dict(result.context["crime_types"].select("crime_type", "count").iter_rows())
    assert types == {"Anti-social behaviour": 3 * 8728, "Burglary": 3 * 2444,
                     "Other crime": 3 * 8184, "Robbery": 3 * 807, "Vehicle crime": 3 * 2358,
                     "Violent crime": 3 * 3037}
