"""The common options work before the command and after it; the command's own value wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE, main
from pcp_tui.cli.main import parse

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config.toml")
DATA = str(ROOT / "data")

# option, a value typed, another value, the namespace attribute and what it holds for each
OPTIONS = [
    ("--config", "a.toml", "b.toml", "config", "a.toml", "b.toml"),
    ("--data", "one", "two", "data", ["one"], ["two"]),
    ("--quarter", "2020/21 Q4", "2021/22 Q1", "quarter", "2020/21 Q4", "2021/22 Q1"),
    ("--notes", "a.jsonl", "b.jsonl", "notes", "a.jsonl", "b.jsonl"),
    ("--width", "60", "100", "width", 60, 100),
]
COMMANDS = [["alerts"], ["summary"], ["show", "homicides"], ["validate"], ["export"],
            ["report"], ["note", "list"], ["import", "ons-pfa", "x.xlsx"]]


def held(args, attribute):
    value = getattr(args, attribute)
    return value.label if attribute == "quarter" else value


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o[0])
def test_an_option_before_the_command_is_kept(option, command):
    flag, first, _, attribute, expected, _ = option
    assert held(parse([flag, first, *command]), attribute) == expected


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o[0])
def test_an_option_after_the_command_is_kept(option, command):
    flag, first, _, attribute, expected, _ = option
    assert held(parse([*command, flag, first]), attribute) == expected


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o[0])
def test_the_commands_own_value_wins_when_both_are_given(option):
    flag, first, second, attribute, _, expected = option
    assert held(parse([flag, first, "alerts", flag, second]), attribute) == expected


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_color_in_either_position(where):
    argv = ["--no-color", "alerts"] if where == "before" else ["alerts", "--no-color"]
    assert parse(argv).no_color is True
    assert parse(["alerts"]).no_color is False


def test_without_the_option_the_defaults_hold():
    args = parse(["alerts"])
    assert (args.config, args.data, args.quarter, args.notes, args.width) == (
        None, None, None, None, None)


def run_json(capsys, argv):
    status = main(argv)
    out = capsys.readouterr().out
    return status, json.loads(out)


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_quarter_reaches_alerts_in_either_position(where, capsys, tmp_path):
    common = ["--config", CONFIG, "--data", DATA, "--notes", str(tmp_path / "n.jsonl")]
    quarter = ["--quarter", "2020/21 Q4"]
    argv = ([*quarter, "alerts", "--format", "json", *common] if where == "before"
            else ["alerts", "--format", "json", *quarter, *common])
    _, document = run_json(capsys, argv)
    assert document["as_of"] == "2020/21 Q4"


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_config_is_named_in_either_position(where, capsys, tmp_path):
    missing = str(tmp_path / "missing.toml")
    argv = ["--config", missing, "alerts"] if where == "before" else [
        "alerts", "--config", missing]
    assert main(argv) == EXIT_USAGE
    assert "missing.toml" in capsys.readouterr().err.replace("\n", "")


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_data_folder_is_used_in_either_position(where, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    data = ["--data", str(empty)]
    argv = ([*data, "alerts", "--config", CONFIG] if where == "before"
            else ["alerts", "--config", CONFIG, *data])
    assert main(argv) == EXIT_USAGE  # nothing to judge: not a silent "no alerts"
    assert "empty" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_notes_file_is_used_in_either_position(where, capsys, tmp_path):
    notes = tmp_path / f"{where}.jsonl"
    add = ["note", "add", "homicides", "--kind", "reflection", "--text", "Down on last year"]
    common = ["--config", CONFIG, "--data", DATA]
    argv = (["--notes", str(notes), *add, *common] if where == "before"
            else [*add, *common, "--notes", str(notes)])
    assert main(argv) == EXIT_OK
    assert "Down on last year" in notes.read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_width_is_used_in_either_position(where, capsys, tmp_path):
    common = ["--config", CONFIG, "--data", DATA, "--notes", str(tmp_path / "n.jsonl")]
    argv = (["--width", "70", "summary", "--depth", "2", *common] if where == "before"
            else ["summary", "--depth", "2", *common, "--width", "70"])
    assert main(argv) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines and max(len(line) for line in lines) <= 70


def test_an_unknown_argument_prints_the_usage_of_its_command(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["alerts", "--bogus"])
    assert stop.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage: pcp-tui alerts")
    assert "--bogus" in err


def test_an_unknown_argument_of_a_nested_command_prints_that_commands_usage(capsys):
    with pytest.raises(SystemExit):
        main(["note", "add", "homicides", "--kind", "action", "--text", "x", "--bogus"])
    assert capsys.readouterr().err.startswith("usage: pcp-tui note add")


def test_subcommand_help_wraps_at_the_terminal_width(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    with pytest.raises(SystemExit):
        main(["alerts", "--help"])
    lines = capsys.readouterr().out.splitlines()
    prose = [line for line in lines if not line.startswith("  pcp-tui")]
    assert max(len(line) for line in prose) <= 60
    assert any(line.startswith("  pcp-tui alerts --severity signal") for line in lines)
