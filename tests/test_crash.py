"""No traceback reaches the analyst: an unexpected error is a short message, a log, exit 70."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_tui import cli
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
