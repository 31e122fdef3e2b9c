"""ONS Police Force Area data tables → a quarterly return of 12-month figures: files that
cannot be read, the mapping, writing the return, the real editions in ../shared/realdata (when
they are there) and `pcp-tui import ons-pfa`.

The workbooks are built by ons_workbooks.py; the table and edition readers have their own
tests (test_ons_pfa_tables.py, test_ons_pfa_edition.py).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from ons_workbooks import (
    P1_GROUPS,
    P1_ROWS,
    REAL,
    needs_real,
    value,
    write_notes,
    write_p1,
    write_p4,
)
from rich.console import Console

from pcp_tui.config import bundled_config_path
from pcp_tui.dataset import load_observations
from pcp_tui.importers import (
    EmptyReturnError,
    MappingError,
    ReturnExistsError,
    read_import_tables,
    rich_progress,
    write_return,
)
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.periods import Quarter

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
