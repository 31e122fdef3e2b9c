"""No traceback reaches the analyst: an unexpected error is a short message, a log, exit 70."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_tui import cli
from pcp_tui.cli import notes as notes_command
from pcp_tui.cli import validate

ROOT = Path(__file__).resolve().parents[1]


def test_an_unexpected_error_prints_a_short_message_and_writes_a_log(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def broken(args):
        raise RuntimeError("something [red]odd[/red] happened")

    monkeypatch.setattr(validate, "run", broken)
    status = cli.main(["validate", "--config", str(ROOT / "config.toml")])
    err = capsys.readouterr().err
    assert status == 70
    assert "Traceback" not in err
    assert "RuntimeError: something [red]odd[/red] happened" in err  # literal, not markup
    (log,) = (tmp_path / "pcp-tui").glob("crash-*.log")
    assert str(log) in err.replace("\n", "")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "command: validate" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--config", "/nonexistent/config.toml"],
        ["export", "--kpi", "no-such-kpi", "--config", str(ROOT / "config.toml")],
    ],
)
def test_usage_and_config_errors_exit_2_without_a_traceback(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_a_bad_option_value_exits_2_with_argparse_message(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--quarter", "2021/22 Q9", "validate"])
    assert stop.value.code == 2
    assert "2021/22 Q9" in capsys.readouterr().err


SECRET = "The victim in the Aston case has asked not to be named"


def _crash_with_note_text(tmp_path, monkeypatch, argv):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(args):  # an error whose message quotes the note, as a careless one might
        raise RuntimeError(f"could not file {args.text!r}")

    monkeypatch.setattr(notes_command, "run_add", broken)
    assert cli.main(argv) == 70
    (log,) = (tmp_path / "state" / "pcp-tui").glob("crash-*.log")
    return log


@pytest.mark.parametrize("text_option", [["--text", SECRET], [f"--text={SECRET}"],
                                         ["--tex", SECRET]])
def test_a_crash_log_leaves_the_note_text_out(tmp_path, monkeypatch, capsys, text_option):
    argv = ["note", "add", "priority:homicide", "--kind", "reflection", *text_option,
            "--config", str(ROOT / "config.toml")]
    log = _crash_with_note_text(tmp_path, monkeypatch, argv)
    text = log.read_text(encoding="utf-8")
    assert "Aston" not in text
    assert "[note text left out]" in text
    assert "command: note add priority:homicide --kind reflection" in text  # the rest is kept
    assert "RuntimeError" in text and "Traceback" in text


def test_a_crash_log_is_private_in_a_private_folder(tmp_path, monkeypatch, capsys):
    state = tmp_path / "state" / "pcp-tui"
    state.mkdir(parents=True, mode=0o755)
    state.chmod(0o755)  # as an older pcp-tui left it
    argv = ["note", "add", "pcsos", "--kind", "action", "--text", "x" * 10,
            "--config", str(ROOT / "config.toml")]
    log = _crash_with_note_text(tmp_path, monkeypatch, argv)
    assert log.stat().st_mode & 0o777 == 0o600
    assert state.stat().st_mode & 0o777 == 0o700


def test_a_new_crash_folder_is_private(tmp_path, monkeypatch, capsys):
    argv = ["note", "add", "pcsos", "--kind", "action", "--text", "x" * 10,
            "--config", str(ROOT / "config.toml")]
    log = _crash_with_note_text(tmp_path, monkeypatch, argv)
    assert log.parent.stat().st_mode & 0o777 == 0o700
    assert log.stat().st_mode & 0o777 == 0o600


def test_redacting_keeps_subjects_and_options(tmp_path):
    from pcp_tui.crash import redact_argv

    shown, secrets = redact_argv(["note", "add", "--text", "-", "--", "--text"])
    assert shown == ["note", "add", "--text", "[note text left out]", "--", "--text"]
    assert secrets == []  # `-` is standard input, nothing to take out of the traceback
    assert redact_argv(["--config", "c.toml", "--t", "a secret"])[0] == [
        "--config", "c.toml", "--t", "[note text left out]"]
