"""The police.uk monthly archive → a quarterly return: written and loaded with its provenance,
progress and hashing, and `pcp-tui import police-uk`.

Every test builds a small archive in the published layout (police_uk_archives.py and the
`archive` and `searches` fixtures); the reading, counting and rows have their own tests
(test_police_uk_files.py, test_police_uk_scan.py, test_police_uk_rows.py).
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from police_uk_archives import (
    STREET,
    archive_file,
    street_rows,
    write,
)

from pcp_tui.config import bundled_config_path
from pcp_tui.dataset import load_observations
from pcp_tui.importers import ReturnExistsError, write_return
from pcp_tui.importers.police_uk import import_police_uk

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
