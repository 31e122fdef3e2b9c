"""Counting the police.uk files (police_uk_scan): every year's outcome vocabulary, and each
search counted in the month it is dated."""

from __future__ import annotations

from pathlib import Path

import pytest
from police_uk_archives import (
    MDA,
    NFA,
    NOTHING,
    PACE,
    S60,
    SEARCH,
    WHITE,
    archive_file,
    rate,
    search_row,
    write,
)

from pcp_tui.importers import MappingError
from pcp_tui.importers.police_uk import import_police_uk

# Outcome vocabularies and dates ------------------------------------------------------------------


def one_quarter_of_searches(root: Path, rows_by_month: dict[str, list[str]],
                            force: str = "west-midlands") -> Path:
    for month, rows in rows_by_month.items():
        write(archive_file(root, month, force, "stop-and-search"), SEARCH, rows)
    return root


def test_every_year_s_outcomes_are_named_and_an_unknown_one_counts_on_neither_side(
        plan, tmp_path):
    article = "Article found - Detailed outcome unavailable"
    april = [search_row(PACE, "Stolen goods", outcome) for outcome in (
        "Suspect arrested", "Offender given drugs possession warning", "Local resolution",
        "Khat or Cannabis warning", "Summons / charged by post", NOTHING, NFA, NFA)]
    may = [search_row(PACE, "Stolen goods", article, day="2019-05-04"),
           search_row(PACE, "Stolen goods", article, day="2019-05-05"),
           search_row(S60, "Offensive weapons", "Outcome unknown to us", day="2019-05-06")]
    june = [search_row(MDA, "Controlled drugs", "Penalty Notice for Disorder", day="2019-06-02")]
    one_quarter_of_searches(tmp_path, {"2019-04": april, "2019-05": may, "2019-06": june})
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    # 6 positive (five in April, one in June), 3 negative; the two "Article found" searches
    # are on neither side (before, anything not negative counted as positive: 8 of 11)
    assert rate(result, "stop-search-positive-outcome-rate")[:2] == (6, 9)
    summary = result.context["stop_search_summary"].row(0, named=True)
    assert summary["rg_outcome_unmapped"] == 2
    unmapped = {u.label: u.reason for u in result.unmapped
                if u.table == "police.uk stop and search outcomes"}
    assert set(unmapped) == {article, "Outcome unknown to us"}
    assert unmapped[article].startswith("2 searches (West Midlands Police); in neither")
    assert "counted on neither side" in unmapped[article]
    assert unmapped["Outcome unknown to us"].startswith("1 search (West Midlands Police)")


def test_the_outcome_lists_are_config_tables(plan, tmp_path):
    one_quarter_of_searches(tmp_path, {m: [search_row(PACE, "Stolen goods", "Arrest",
                                                      day=f"{m}-03"),
                                           search_row(PACE, "Stolen goods", NFA, day=f"{m}-03")]
                                       for m in ("2019-04", "2019-05", "2019-06")})
    result = import_police_uk(tmp_path, plan, {"stop_search": {"positive_outcomes": []}},
                              hash_sources=False)
    assert rate(result, "stop-search-positive-outcome-rate")[:2] == (0, 3)
    assert [u.label for u in result.unmapped] == ["Arrest"]
    # the older name of the negative list is still read
    older = import_police_uk(tmp_path, plan, {"stop_search": {"no_further_action": []}},
                             hash_sources=False)
    assert rate(older, "stop-search-positive-outcome-rate")[:2] == (3, 3)
    with pytest.raises(MappingError, match="in both negative_outcomes and positive_outcomes"):
        import_police_uk(tmp_path, plan, {"stop_search": {"positive_outcomes": [NFA]}})


def search_at(stamp: str, outcome: str = "Arrest") -> str:
    return (f"Person search,{stamp},False,,52.48,-1.89,Male,18-24,{WHITE},White,{PACE},"
            f"Stolen goods,{outcome},False,False")


def test_searches_dated_in_the_month_before_count_in_their_own_month(plan, tmp_path):
    months = {m: [search_at(f"{m}-10T12:00:00+00:00")]
              for m in ("2019-01", "2019-02", "2019-03", "2019-04", "2019-05", "2019-06")}
    # 31 March 2019 23:30 UTC is 00:30 BST on 1 April: April's, where police.uk files it;
    # 22:30 UTC is 23:30 BST on 31 March: March's, though it is in April's file
    months["2019-04"] += [search_at("2019-03-31T23:30:00+00:00"),
                          search_at("2019-03-31T22:30:00+00:00", NFA)]
    # 31 December 23:30 UTC is 23:30 GMT: December's, in a quarter with no files
    months["2019-01"] += [search_at("2018-12-31T23:30:00+00:00")]
    # dated months away from its file: counted in the file's month, reported
    months["2019-06"] += [search_at("2019-01-15T10:00:00+00:00")]
    one_quarter_of_searches(tmp_path, months)
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    summary = {r["period"]: r for r in
               result.context["stop_search_summary"].iter_rows(named=True)}
    assert summary["2018/19 Q4"]["searches"] == 3 + 1
    assert summary["2018/19 Q4"]["rg_positive"] == 3
    assert summary["2019/20 Q1"]["searches"] == 3 + 1 + 1
    # December's search makes 2018/19 Q3 neither present nor incomplete
    assert "2018/19 Q3" not in summary
    assert not [p for p in result.problems if p.column == "Month"]
    [astray] = [p for p in result.problems if p.column == "Date"]
    assert astray.file.endswith("2019-06-west-midlands-stop-and-search.csv")
    assert astray.found == ("1 row dated outside the file's month and the month before it "
                            "(such as 2019-01)")
    assert any(note.startswith("2 searches dated (in UK time) in the month before their "
                               "file's month, in 2 files") for note in result.notes)


def test_a_month_before_a_force_s_first_file_does_not_make_a_quarter_incomplete(plan, tmp_path):
    months = {m: [search_at(f"{m}-10T12:00:00+00:00")] for m in ("2019-04", "2019-05",
                                                                  "2019-06")}
    months["2019-04"].append(search_at("2019-03-31T21:00:00+00:00"))
    one_quarter_of_searches(tmp_path, months)
    result = import_police_uk(tmp_path, plan, hash_sources=False)
    assert not [p for p in result.problems if p.column == "Month"]  # no "1 of 3 … 2018/19 Q4"
    summary = result.context["stop_search_summary"]
    assert summary.select("period", "searches").rows() == [("2019/20 Q1", 3)]
