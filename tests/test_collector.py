"""The collector held off while `pcp-tui` starts (`pcp_tui.collector`, `pcp_tui.launch`)."""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from pcp_tui import collector, launch

ROOT = Path(__file__).resolve().parents[1]
# the module (`pcp_tui.cli.main` as an attribute is the function it defines)
cli_main_module = importlib.import_module("pcp_tui.cli.main")


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    collector._held = False
    gc.unfreeze()
    if was:
        gc.enable()


def test_hold_turns_the_collector_off_and_release_turns_it_back_on() -> None:
    collector.hold()
    assert not gc.isenabled() and collector.held()
    frozen = gc.get_freeze_count()
    collector.release()
    assert gc.isenabled() and not collector.held()
    assert gc.get_freeze_count() > frozen  # what the start made is out of the passes' sight


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    collector.hold()
    assert not collector.held()
    collector.release()
    assert not gc.isenabled()  # not ours to turn on


def test_release_without_hold_leaves_the_collector_as_it_was() -> None:
    collector.release()
    assert gc.isenabled()


def test_the_command_holds_the_collector_before_the_command_line_runs(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(cli_main_module, "main", lambda: seen.append(gc.isenabled()) or 0)
    assert launch.main() == 0
    assert seen == [False]


def test_a_printout_releases_the_collector_once_its_arguments_are_parsed(capsys) -> None:
    collector.hold()
    assert cli_main_module.main(["--config", str(ROOT / "config.toml"), "--no-cache",
                                 "alerts", "--format", "json"]) in (0, 1)
    assert gc.isenabled() and not collector.held()
    assert capsys.readouterr().out.startswith(("[", "{"))


def test_the_installed_command_and_python_m_both_start_through_launch() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["pcp-tui"] == "pcp_tui.launch:main"
    assert "from pcp_tui.launch import main" in (ROOT / "pcp_tui" / "__main__.py").read_text(
        encoding="utf-8")
