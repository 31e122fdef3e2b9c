"""Deeply nested input is a problem, never a RecursionError: a config of thousands of nested
arrays or tables, and a notes line of 200,000 nested `[`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE, main
from pcp_tui.config import ConfigError, load_config
from pcp_tui.notes import NotesError, NotesLog
from pcp_tui.periods import Quarter

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "config.toml").read_text(encoding="utf-8")
HOME = 'home_force = "west-midlands"'

DEEP_CONFIGS = {
    "nested arrays": BASE.replace(HOME, "home_force = " + "[" * 5000 + "]" * 5000),
    "nested inline tables": BASE.replace(HOME, "home_force = " + "{a = " * 3000 + "1"
                                         + "}" * 3000),
    # a dotted key builds a deep table without the TOML reader recursing at all
    "a long dotted key": BASE.replace(HOME, "home_force." + ".".join(["a"] * 5000) + " = 1"),
    "nested table headers": BASE + "".join(
        "\n[import.deep" + ".x" * depth + "]\n" for depth in range(0, 3000, 100)),
}


@pytest.mark.parametrize("text", DEEP_CONFIGS.values(), ids=DEEP_CONFIGS.keys())
def test_a_deeply_nested_config_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert "too deeply" in problem.message


def test_a_deeply_nested_config_is_exit_2_from_the_command_line(tmp_path, capsys) -> None:
    path = tmp_path / "config.toml"
    path.write_text(DEEP_CONFIGS["nested arrays"], encoding="utf-8")
    assert main(["validate", "--config", str(path)]) == EXIT_USAGE
    assert "too deeply" in capsys.readouterr().err


def test_the_bundled_config_is_within_the_nesting_bound() -> None:
    load_config(ROOT / "config.toml")


@pytest.fixture
def deep_notes(tmp_path: Path) -> Path:
    """A config beside the bundled data, and a notes file with a good note, a line of 200,000
    nested `[`, and another good note."""
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "notes.jsonl"
    log = NotesLog(path)
    log.add("homicides", Quarter.parse("2021/22 Q2"), "reflection", "before the damage")
    with path.open("ab") as handle:
        handle.write(b"[" * 200_000 + b"\n")
    log.add("homicides", Quarter.parse("2021/22 Q2"), "action", "after the damage")
    return path


@pytest.mark.parametrize("argv", [
    ("note", "list"),
    ("show", "homicides"),
    ("report", "--format", "markdown"),
], ids=lambda a: a[0])
def test_a_deeply_nested_notes_line_is_a_damaged_line(deep_notes: Path, capsys, argv) -> None:
    status = main([*argv, "--config", str(deep_notes.parent / "config.toml"),
                   "--notes", str(deep_notes), "--no-color", "--width", "200"])
    out = capsys.readouterr()
    assert status in (EXIT_OK, 1)
    assert "before the damage" in out.out and "after the damage" in out.out


def test_a_notes_header_of_nested_brackets_is_not_a_notes_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b"[" * 200_000 + b"\n")
    with pytest.raises(NotesError, match="not a pcp-tui notes file"):
        NotesLog(path).read()
