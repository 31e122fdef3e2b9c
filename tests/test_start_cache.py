"""The last start kept on disk (`start_cache`): used only while nothing it read has changed, the
same config, data and timeline as a fresh read, and never more than a miss when damaged."""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from printout_runs import CONFIG, DATA

from pcp_tui import start_cache
from pcp_tui.cli import context, main
from pcp_tui.cli.context import Loaded, load
from pcp_tui.cli.main import build_parser
from pcp_tui.rules.assess import build_timeline
from pcp_tui.start_cache import KEPT_STARTS, StartCache, cache_folder, data_key

BAD_ROW = "kpi,force,period,value\nasb-incidents,West Midlands,2021/22 Q2,lots\n"


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled plan and sample data copied to a folder of its own (one data file with a
    problem added), the kept starts in another."""
    shutil.copy(CONFIG, tmp_path / "config.toml")
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "data" / "zz-bad.csv").write_text(BAD_ROW)
    monkeypatch.setenv("PCP_TUI_CACHE", str(tmp_path / "kept"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def arguments(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"config": "config.toml", "data": None, "notes": None,
                                 "no_cache": False, **given})


def first_start() -> Loaded:
    loaded = load(arguments())
    assert loaded.timeline is None and loaded.remember is not None
    loaded.assessed().at(None)  # what a printout or the app does: the timeline, the latest
    loaded.keep()  # quarter's alerts, then kept for the next start
    return loaded


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the data were read again")

    monkeypatch.setattr(context, "load_observations", refuse)
    monkeypatch.setattr(context, "load_config", refuse)


def test_the_next_start_is_the_same_config_data_and_timeline_without_reading(plan, monkeypatch):
    fresh = first_start()
    assert len(list((plan / "kept").glob("*.pickle"))) == 1
    no_reading(monkeypatch)
    kept = load(arguments())
    assert kept.timeline is not None and kept.remember is None
    assert kept.config == fresh.config
    assert kept.observations.frame.equals(fresh.observations.frame)
    assert kept.observations.problems == fresh.observations.problems
    assert any("zz-bad.csv" in p.file for p in kept.observations.problems)
    assert kept.observations.revisions == fresh.observations.revisions
    assert kept.observations.files == fresh.observations.files
    built = build_timeline(fresh.config, fresh.observations)
    for name in ("status", "charted", "alert_frame", "spc_options"):
        assert same_rows(getattr(kept.timeline, name), getattr(built, name)), name
    assert kept.timeline.quarters == built.quarters
    assert kept.timeline.assessed_alerts() == {built.latest: (built.at().alerts,
                                                              built.at().resolved)}
    for quarter in (built.latest, built.quarters[-5]):
        assert kept.timeline.at(quarter).alerts == built.at(quarter).alerts
        assert kept.timeline.at(quarter).home_statuses == built.at(quarter).home_statuses


def same_rows(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """The same rows, in any order (the timeline's rows come in no set order)."""
    return a.sort(a.columns, nulls_last=True).equals(b.sort(b.columns, nulls_last=True))


def rewrite_same_size_and_time(path: Path) -> None:
    """New content of the same length, its modification time set back as `cp -p` would."""
    info = path.stat()
    path.write_bytes(path.read_bytes().replace(b"5412", b"5413", 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


CHANGES = {
    "a return edited": lambda plan: (plan / "data" / "2021-22_Q2.csv").write_text(
        (plan / "data" / "2021-22_Q2.csv").read_text().replace("5412", "5999")),
    "a return edited, its size and time kept":
        lambda plan: rewrite_same_size_and_time(plan / "data" / "2021-22_Q2.csv"),
    "a return added": lambda plan: (plan / "data" / "2021-22_Q3.csv").write_text(
        "kpi,force,period,value\nasb-incidents,West Midlands,2021/22 Q3,9000\n"),
    "a return removed": lambda plan: (plan / "data" / "2017-18_Q1.csv").unlink(),
    "a folder put among the returns": lambda plan: (plan / "data" / "more.csv").mkdir(),
    "the config edited": lambda plan: (plan / "config.toml").write_text(
        (plan / "config.toml").read_text() + "\n# reviewed\n"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_what_was_read_reads_everything_again(plan, change):
    first_start()
    CHANGES[change](plan)
    again = load(arguments())
    assert again.timeline is None and again.remember is not None
    again.keep()
    assert load(arguments()).timeline is not None  # and the new start is kept in turn


def test_the_code_and_the_quarter_of_today_are_part_of_the_key(plan, monkeypatch):
    first_start()
    monkeypatch.setattr(start_cache, "code_stamp", lambda: [("another version", 1, 1)])
    assert load(arguments()).timeline is None
    paths = [plan / "data"]
    assert data_key(paths, date(2021, 10, 1)) == data_key(paths, date(2021, 12, 31))
    assert data_key(paths, date(2021, 12, 31)) != data_key(paths, date(2022, 1, 1))


def test_data_given_on_the_command_line_are_kept_apart(plan):
    first_start()
    only = load(arguments(data=["data/2021-22_Q2.csv"]))
    assert only.timeline is None
    only.keep()
    assert load(arguments()).timeline is not None
    assert len(load(arguments(data=["data/2021-22_Q2.csv"])).observations.files) == 1


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_kept_file_is_a_miss_and_is_written_again(plan, damage):
    first_start()
    (kept,) = (plan / "kept").glob("*.pickle")
    whole = kept.read_bytes()
    kept.write_bytes({"garbage": b"\x80\x05not a pickle at all", "empty": b"",
                      "truncated": whole[: len(whole) // 2]}[damage])
    again = load(arguments())
    assert again.timeline is None
    again.keep()
    assert load(arguments()).timeline is not None


class Trap:
    """Unpickled, it would run a shell command that leaves a file behind."""

    def __init__(self, witness: Path) -> None:
        self.witness = witness

    def __reduce__(self) -> tuple:
        return (os.system, (f"touch {self.witness}",))


@pytest.mark.parametrize("where", ["header", "data"])
def test_a_kept_file_naming_anything_but_records_is_refused_not_run(plan, where):
    first_start()
    (kept,) = (plan / "kept").glob("*.pickle")
    witness = plan / "ran"
    if where == "header":
        kept.write_bytes(pickle.dumps(Trap(witness)))
    else:  # a genuine header and config, then the trap where the data would be
        cache = StartCache.open(Path("config.toml"), None)
        assert cache.config() is not None
        offset = cache._stream.tell()
        kept.write_bytes(kept.read_bytes()[:offset] + pickle.dumps(Trap(witness)))
    assert load(arguments()).timeline is None
    assert not witness.exists()


def test_a_damaged_frame_in_a_kept_file_is_a_miss(plan):
    first_start()
    (kept,) = (plan / "kept").glob("*.pickle")
    cache = StartCache.open(Path("config.toml"), None)
    assert cache.config() is not None
    data = cache._stream.tell()
    whole = bytearray(kept.read_bytes())
    middle = data + (len(whole) - data) // 2  # inside the frames' compressed bytes
    whole[middle:middle + 64] = bytes(64)
    kept.write_bytes(bytes(whole))
    assert load(arguments()).timeline is None


def test_turned_off_nothing_is_kept(plan, monkeypatch):
    load(arguments(no_cache=True)).keep()
    assert not (plan / "kept").exists()
    monkeypatch.setenv("PCP_TUI_CACHE", "off")
    load(arguments()).keep()
    assert not (plan / "kept").exists()
    assert cache_folder({"PCP_TUI_CACHE": "OFF"}) is None


def test_where_the_kept_starts_live():
    home = Path.home() / ".cache" / "pcp-tui"
    assert cache_folder({}) == home
    assert cache_folder({"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/pcp-tui")
    assert cache_folder({"XDG_CACHE_HOME": "relative"}) == home  # as the XDG spec says
    assert cache_folder({"PCP_TUI_CACHE": "/srv/kept"}) == Path("/srv/kept")


def test_no_home_folder_keeps_nothing(monkeypatch):
    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(nowhere))
    monkeypatch.delenv("PCP_TUI_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_folder() is None
    assert StartCache.open(Path("config.toml"), None).path is None


def test_a_folder_that_cannot_be_written_only_costs_the_next_start(plan, monkeypatch):
    (plan / "not-a-folder").write_text("")
    monkeypatch.setenv("PCP_TUI_CACHE", str(plan / "not-a-folder"))
    first_start()  # writing fails quietly
    assert load(arguments()).timeline is None


def test_the_newest_starts_are_kept(plan):
    for number in range(KEPT_STARTS + 3):
        (plan / f"data-{number}.csv").write_text(
            f"kpi,force,period,value\nasb-incidents,West Midlands,2021/22 Q2,{number}\n")
        load(arguments(data=[f"data-{number}.csv"])).keep()
    assert len(list((plan / "kept").glob("*.pickle"))) == KEPT_STARTS
    assert load(arguments(data=[f"data-{KEPT_STARTS + 2}.csv"])).timeline is not None
    assert load(arguments(data=["data-0.csv"])).timeline is None


def test_the_notes_option_is_never_kept(plan, monkeypatch):
    given = plan / "elsewhere.jsonl"
    first = load(arguments(notes=str(given)))
    assert first.config.settings.notes_file == str(given)
    first.keep()
    kept = load(arguments())
    assert kept.timeline is not None
    assert kept.config.settings.notes_file != str(given)
    with_notes = load(arguments(notes=str(given)))
    assert with_notes.timeline is not None
    assert with_notes.config.settings.notes_file == str(with_notes.timeline.config.settings
                                                        .notes_file) == str(given)


def test_printouts_from_a_kept_start_are_the_same(plan, capsys, monkeypatch):
    outputs = []
    for _ in range(2):
        status = main(["alerts", "--format", "json"])
        outputs.append((status, capsys.readouterr().out))
        no_reading(monkeypatch)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("typed", [["--no-cache", "alerts"], ["alerts", "--no-cache"], []])
def test_no_cache_before_or_after_the_command_reads_afresh(plan, typed):
    first_start()
    args = build_parser().parse_args(["--config", "config.toml", *typed])
    assert args.no_cache is bool(typed)
    assert (load(args).timeline is None) is bool(typed)
