"""The police.uk monthly archive → quarterly counts and stop-and-search rates by force.

Every test builds a small archive in the published layout (`YYYY-MM/YYYY-MM-<force>-street.csv`
and `…-stop-and-search.csv`), with the header variants of different years, empty months and odd
rows, and checks the aggregated counts exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pcp_tui.config import Config, bundled_config_path, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers import MappingError, ReturnExistsError, write_return
from pcp_tui.importers.police_uk import import_police_uk

STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
STREET_2011 = "Month,Reported by,Falls within,Easting,Northing,Location,Crime type,Context"
SEARCH = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
          "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
          "Object of search,Outcome,Outcome linked to object of search,"
          "Removal of more than just outer clothing")
# an older layout: no `Outcome linked…`/`Removal…`, `Self defined ethnicity` without a hyphen
SEARCH_OLD = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,"
              "Gender,Age range,Self defined ethnicity,Officer-defined ethnicity,Legislation,"
              "Object of search,Outcome")

WMP = "West Midlands Police"
PACE = "Police and Criminal Evidence Act 1984 (section 1)"
MDA = "Misuse of Drugs Act 1971 (section 23)"
S60 = "Criminal Justice and Public Order Act 1994 (section 60)"
S47A = "Terrorism Act 2000 (section 47A)"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
BLACK = "Black/African/Caribbean/Black British - Caribbean"
ASIAN = "Asian/Asian British - Pakistani"
NFA = "A no further action disposal"
NOTHING = "Nothing found - no further action"


def street_row(month: str, crime_type: str, force: str = WMP, falls_within: str | None = None,
               location: str = "On or near Corporation Street") -> str:
    if "," in location:
        location = f'"{location}"'
    crime_id = "" if crime_type == "Anti-social behaviour" else "a1b2c3d4" * 8
    outcome = "" if crime_type == "Anti-social behaviour" else "Under investigation"
    return (f"{crime_id},{month},{force},{falls_within or force},-1.898,52.481,{location},"
            f"E01033620,Birmingham 138A,{crime_type},{outcome},")


def street_rows(month: str, counts: dict[str, int], **kw: str) -> list[str]:
    return [street_row(month, crime, **kw) for crime, n in counts.items() for _ in range(n)]


def write(path: Path, header: str | None, rows: Sequence[str] = (), *, bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "" if header is None else "\n".join([header, *rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def archive_file(root: Path, month: str, force: str, kind: str = "street") -> Path:
    return root / month / f"{month}-{force}-{kind}.csv"


def search_row(legislation: str, obj: str, outcome: str, linked: str = "",
               ethnicity: str = WHITE, day: str = "2019-04-03", old: bool = False) -> str:
    head = (f"Person search,{day}T10:15:00+00:00,False,,52.48,-1.89,Male,18-24,{ethnicity},"
            f"White,{legislation},{obj},{outcome}")
    return head if old else f"{head},{linked},False"


@pytest.fixture(scope="module")
def plan() -> Config:
    return load_config(bundled_config_path())


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    # West Midlands 2019/20 Q1: a BOM, spaced headers, a quoted comma, odd rows
    april = street_rows("2019-04", {"Anti-social behaviour": 4, "Shoplifting": 2,
                                    "Theft from the person": 2, "Drugs": 4, "Robbery": 1})
    april += [
        street_row("2019-04", "Shoplifting", location="On or near Bull Street, Birmingham"),
        street_row("2019-04", "Anti-social behaviour") + ",surplus,fields",  # too many fields
        street_row("2019-04", ""),  # no crime type
        "x,2019-04,West Midlands Police",  # cut short
    ]
    write(archive_file(root, "2019-04", "west-midlands"), STREET, april)
    may = [street_row("2019-05", crime)
           for crime in ("Anti-social behaviour", "Anti-social behaviour", "Shoplifting",
                         "  Theft from the person  ")]
    write(archive_file(root, "2019-05", "west-midlands"), STREET.replace(",", " , "), may)
    june = street_rows("2019-06", {"Anti-social behaviour": 1, "Drugs": 1})
    write(archive_file(root, "2019-06", "west-midlands"), STREET, june, bom=True)
    # 2019/20 Q2: two of three months
    for month in ("2019-07", "2019-08"):
        write(archive_file(root, month, "west-midlands"), STREET,
              street_rows(month, {"Anti-social behaviour": 3}))
    # Greater Manchester: May is a header and no rows (missing, not zero)
    write(archive_file(root, "2019-04", "greater-manchester"), STREET,
          street_rows("2019-04", {"Anti-social behaviour": 2}, force="Greater Manchester Police"))
    write(archive_file(root, "2019-05", "greater-manchester"), STREET, [])
    write(archive_file(root, "2019-06", "greater-manchester"), STREET,
          street_rows("2019-06", {"Anti-social behaviour": 1}, force="Greater Manchester Police"))
    # Merseyside: June is a zero-byte file
    for month in ("2019-04", "2019-05"):
        write(archive_file(root, month, "merseyside"), STREET,
              street_rows(month, {"Shoplifting": 1}, force="Merseyside Police"))
    write(archive_file(root, "2019-06", "merseyside"), None)
    # British Transport Police crimes at West Midlands stations stay with BTP
    for month in ("2019-04", "2019-05", "2019-06"):
        write(archive_file(root, month, "btp"), STREET,
              street_rows(month, {"Shoplifting": 10}, force="British Transport Police",
                          falls_within=WMP))
        write(archive_file(root, month, "staffordshire"), STREET,
              street_rows(month, {"Shoplifting": 5}, force="Staffordshire Police"))
    # West Yorkshire: one renamed file for the quarter, so force and month come from the rows
    wy = [
        *street_rows("2019-04", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        *street_rows("2019-05", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        *street_rows("2019-06", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        street_row("June 2019", "Shoplifting", force="West Yorkshire Police"),
    ]
    write(root / "extracts" / "wy-quarter-one.csv", STREET, wy)
    # an outcomes file is not read
    write(archive_file(root, "2019-04", "west-midlands", "outcomes"),
          "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Outcome type", ["a,2019-04,W,W,1,2,X,E,N,Offender sent to prison"])
    return root


def counts(result, kpi: str) -> dict[tuple[str, str], float]:
    rows = result.frame.filter(pl.col("kpi") == kpi)
    return {(f, p): v for f, p, v in rows.select("force", "period", "value").iter_rows()}


def found(result) -> list[str]:
    return [p.found for p in result.problems]


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


# Stop and search --------------------------------------------------------------------------------


@pytest.fixture
def searches(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    april = [
        search_row(PACE, "Offensive weapons", "Arrest", "True"),
        search_row(PACE, "Offensive weapons", NFA, "False", BLACK),
        search_row(MDA, "Controlled drugs", "Community resolution", "True", ASIAN),
        search_row(MDA, "Controlled drugs", NOTHING, "False", ""),
        search_row(S60, "Offensive weapons", "Arrest", "True"),
        search_row(S60, "Offensive weapons", NFA, "False", BLACK),
        search_row(S47A, "Evidence of offences under the Act", NFA, "False"),
        search_row("", "Stolen goods", "Arrest", "True"),
    ]
    may = [
        search_row(PACE, "Stolen goods", "", old=True, day="2019-05-10"),
        search_row(PACE, "", "Details not available", old=True, day="2019-05-11"),
        search_row(MDA, "Controlled drugs", "Arrest", ethnicity="Other ethnic group - Not stated",
                   old=True, day="2019-05-12"),
    ]
    june = [
        search_row(PACE, "Offensive weapons", "Arrest", day="2019-06-01"),
        search_row(S60, "Offensive weapons", NFA, day="2019-06-02"),
    ]
    write(archive_file(root, "2019-04", "west-midlands", "stop-and-search"), SEARCH, april)
    write(archive_file(root, "2019-05", "west-midlands", "stop-and-search"), SEARCH_OLD, may)
    write(archive_file(root, "2019-06", "west-midlands", "stop-and-search"), SEARCH, june)
    return root


def rate(result, kpi: str) -> tuple[float, float, float]:
    row = result.frame.filter(pl.col("kpi") == kpi).row(0, named=True)
    return row["numerator"], row["denominator"], row["value"]


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


# Writing and loading ------------------------------------------------------------------------------


def test_the_return_loads_and_keeps_its_provenance(archive, searches, plan, tmp_path):
    for path in searches.rglob("*.csv"):
        target = archive / path.relative_to(searches)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    result = import_police_uk(archive, plan)
    out = tmp_path / "data"
    written = write_return(result, out)
    assert written.path.name == "police-uk_2019-20_Q1.csv"
    assert sorted(p.name for p in written.context_paths) == [
        "crime_types.csv", "stop_search_ethnicity.csv", "stop_search_legislation.csv",
        "stop_search_summary.csv"]
    assert all(p.parent.name == "police-uk_2019-20_Q1.context" for p in written.context_paths)
    sidecar = json.loads(written.provenance_path.read_text())
    assert sidecar["importer"] == "police-uk"
    assert all(len(f["sha256"]) == 64 for f in sidecar["files"])
    assert "positive outcome" in sidecar["definitions"]
    assert sidecar["problems"]

    observations = load_observations(out, plan, today=date(2021, 11, 26))
    assert not [p for p in observations.problems if "context" in p.file]
    frame = observations.frame.filter(pl.col("kpi") == "stop-search-positive-outcome-rate")
    assert frame.select("numerator", "denominator").row(0) == (4.0, 6.0)
    assert frame.get_column("value")[0] == pytest.approx(100 * 4 / 6)
    with pytest.raises(ReturnExistsError):
        write_return(result, out)


def test_progress_reports_reading_and_hashing(archive, plan):
    calls: list[tuple[str, float, float | None]] = []
    import_police_uk(archive, plan, progress=lambda *a: calls.append(a), batch_bytes=1)
    tasks = {c[0] for c in calls}
    assert tasks == {"police.uk files read (MB)", "police.uk files hashed (sha256)"}
    reads = [c for c in calls if c[0] == "police.uk files read (MB)"]
    assert reads[-1][1] == reads[-1][2]
    assert len(reads) > 3  # one step per batch


def test_hashing_can_be_left_out(archive, plan):
    result = import_police_uk(archive, plan, hash_sources=False)
    assert {f.sha256 for f in result.provenance.files} == {None}


def test_the_import_command_writes_and_reports(archive, tmp_path, capsys):
    import argparse

    from pcp_tui.cli.import_command import add_import_parser

    config = tmp_path / "project" / "config.toml"
    config.parent.mkdir()
    config.write_text(bundled_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    parser = argparse.ArgumentParser(prog="pcp-tui", parents=[common])
    add_import_parser(parser.add_subparsers(dest="command"), common, argparse.HelpFormatter)
    args = parser.parse_args(["import", "police-uk", str(archive), "--config", str(config),
                              "--no-hash"])
    assert args.func(args) == 1  # written, with problems in the sources
    out = capsys.readouterr().out
    assert "2 of 3 months of 2019/20 Q2 for West Midlands Police" in out
    written = config.parent / "data" / "police-uk_2019-20_Q1.csv"
    assert written.exists()
    sidecar = json.loads((written.parent / (written.name + ".provenance.json")).read_text())
    assert {f["sha256"] for f in sidecar["files"]} == {None}


def test_the_import_command_shows_hostile_crime_types_and_files_literally(archive, tmp_path,
                                                                          capsys):
    """A crime type and a file name holding an OSC 52 sequence, ESC[2J and BEL reach the
    terminal as escapes, never acted on."""
    import shutil

    from pcp_tui.cli import main

    hostile = "\x1b]52;c;AAAA\x07\x1b[2J"
    root = tmp_path / "hostile-archive"
    shutil.copytree(archive, root)
    write(archive_file(root, "2019-04", "west-midlands"), STREET,
          street_rows("2019-04", {"Burglary" + hostile: 2, "Shoplifting": 3}))
    write(root / "2019-04" / f"2019-04-west{hostile}-street.csv", STREET,
          street_rows("2019-04", {"Shoplifting": 1}))
    config = tmp_path / "project" / "config.toml"
    config.parent.mkdir()
    config.write_text(bundled_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    main(["import", "police-uk", str(root), "--config", str(config), "--no-hash"])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;c;AAAA\\x07\\x1b[2J" in out


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
