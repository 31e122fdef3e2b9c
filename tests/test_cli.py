"""The printout commands end to end, on the bundled config and sample data: terminal manners
(colour, width, pipes, help) and markup or control characters from notes and the config
printed literally by every command. Each command has its own tests: test_cli_alerts.py,
test_cli_summary.py, test_cli_show.py, test_cli_notes.py (and tests/test_report.py).

Expected content comes from the Assessment the commands print, never from the printout itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from printout_runs import (
    CONFIG,
    DATA,
    ESC,
    add_note,
    copy_config,
    plain_env,
    strip_ansi,
)
from rich.cells import cell_len

from pcp_tui.cli import EXIT_OK, EXIT_PROBLEMS, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.rules.assess import build_timeline

# terminal manners -----------------------------------------------------------------------------


PRINTOUTS = [
    ("alerts",),
    ("summary",),
    ("show", "rape-positive-outcome-rate"),
    ("note", "list"),
]


@pytest.mark.parametrize("command", PRINTOUTS)
def test_no_color_env_gives_plain_text_even_on_a_terminal(
    run, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], notes_file: Path,
) -> None:
    add_note(notes_file, "rape-positive-outcome-rate", "a note")
    monkeypatch.setenv("FORCE_COLOR", "1")  # pretend stdout is a terminal
    _, coloured, _ = run(*command)
    assert ESC in coloured  # the check below can see escape codes
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run(*command)
    assert ESC not in plain
    monkeypatch.delenv("NO_COLOR")
    _, plain, _ = run(*command, "--no-color")
    assert ESC not in plain


def test_piped_output_is_plain_80_columns_and_unbroken() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pcp_tui", "alerts", "--config", str(CONFIG), "--data",
         str(DATA)],
        capture_output=True, text=True, env=plain_env(), check=False)
    assert result.returncode == EXIT_PROBLEMS
    out = result.stdout
    assert ESC not in out
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert not [line for line in lines if line != line.rstrip()]
    # a sentence wrapped between words reads the same once the line breaks are spaces
    config = load_config(CONFIG)
    alerts = build_timeline(config, load_observations([DATA], config)).at().alerts
    flat = " ".join(out.split())
    for alert in alerts:
        assert " ".join(alert.message.split()) in flat


@pytest.mark.parametrize("width", [60, 100, 132])
def test_width_option(run, width: int) -> None:
    for command in (("alerts",), ("summary",), ("show", "homicides")):
        _, out, _ = run(*command, "--width", str(width))
        assert max(cell_len(line) for line in out.splitlines()) <= width, command


@pytest.mark.parametrize("command", [
    ("alerts",), ("summary",), ("show",), ("report",), ("note",), ("note", "add"),
    ("note", "list"), ("validate",), ("export",),
])
def test_help_has_examples(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Example" in out
    assert f"pcp-tui {command[0]}" in out.split("Example", 1)[1]


def test_printouts_never_import_textual(tmp_path: Path) -> None:
    commands = [
        ["alerts", "--format", "json"], ["alerts"], ["summary"], ["show", "homicides"],
        ["report", "--format", "html"], ["report", "--format", "markdown"],
        ["note", "list"], ["validate"],
    ]
    code = (
        "import sys, io, contextlib\n"
        "from pcp_tui.cli import main\n"
        f"for argv in {commands!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        f"        main(argv + ['--config', {str(CONFIG)!r}, '--data', {str(DATA)!r},"
        f" '--notes', {str(tmp_path / 'n.jsonl')!r}])\n"
        "    bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "    assert not bad, (argv, bad[:3])\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=plain_env(), check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# markup and control characters from notes and the config print literally ----------------------

MARKUP = "[red]x[/red]"


def test_markup_in_a_note_prints_literally(
    run, notes_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    add_note(notes_file, "rape-positive-outcome-rate", f"see {MARKUP} here")
    add_note(notes_file, "priority:homicide", f"reflect {MARKUP}")
    add_note(notes_file, "priority:homicide", f"act {MARKUP}\x1b[31m", kind="action")
    monkeypatch.setenv("FORCE_COLOR", "1")  # styles on: markup would be acted on if parsed
    for command in (("show", "rape-positive-outcome-rate"), ("note", "list")):
        status, out, _ = run(*command, "--width", "120")
        assert status == EXIT_OK
        assert MARKUP in strip_ansi(out), command
    _, out, _ = run("note", "list", "--width", "120")
    assert "\\x1b[31m" in strip_ansi(out)  # the note's own escape code is shown, not obeyed
    for fmt in ("markdown", "html"):
        report = tmp_path / f"report.{fmt}"
        assert run("report", "--format", fmt, "--output", str(report))[0] == EXIT_OK
        text = report.read_text(encoding="utf-8")
        if fmt == "html":
            assert f"reflect {MARKUP}" in text  # brackets need no escaping in HTML
        else:
            assert r"reflect \[red\]x\[/red\]" in text  # shown as [red]x[/red]
        assert ESC not in text


def test_markup_in_a_kpi_title_does_not_break_any_printout(
    run, tmp_path: Path, notes_file: Path,
) -> None:
    title = "[/bold] Rape [red]POR[/red] | `x` # <b>"
    config = copy_config(tmp_path, 'title = "Positive outcome rate: Rape"',
                         f'title = "{title}"', 'short = "Rape POR"', 'short = "[/bold]"')
    add_note(notes_file, "rape-positive-outcome-rate", "a note")
    commands = [
        ("alerts",), ("alerts", "--format", "json"), ("alerts", "--format", "csv"),
        ("alerts", "--format", "markdown"), ("summary",), ("summary", "--by", "priority"),
        ("show", "rape-positive-outcome-rate"), ("note", "list"),
        ("report", "--format", "markdown"), ("report", "--format", "html"),
    ]
    for command in commands:
        status, out, err = run(*command, "--width", "200", config=config)
        assert status in (EXIT_OK, EXIT_PROBLEMS), (command, err)
        if "markdown" in command:
            assert r"\[/bold\]" in out, command  # escaped: reads [/bold] once rendered
        elif command[-1] != "priority":  # Rape POR is no national proxy metric
            assert "[/bold]" in out, command
