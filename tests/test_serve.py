"""`pcp-tui serve` without a browser: the host it refuses, the message when textual-serve is
missing, the command each visit runs, a port already taken."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pcp_tui.cli import main
from pcp_tui.cli.main import parse
from pcp_tui.cli.serve import (
    AUTHOR_VARIABLE,
    app_command,
    check_host,
    is_loopback,
    page_url,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config.toml")


def test_every_interface_without_public_is_refused(capsys):
    assert main(["serve", "--host", "0.0.0.0", "--config", CONFIG]) == 2
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 is reachable from other machines" in err
    assert "--public" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "pcp.example.org"])
def test_a_host_others_can_reach_needs_public_and_is_warned_about(host):
    from pcp_tui.cli.context import UsageError

    with pytest.raises(UsageError, match="--public"):
        check_host(parse(["serve", "--host", host]))
    warning = check_host(parse(["serve", "--host", host, "--public"]), 8080)
    assert warning is not None
    assert "anyone who can reach port 8080 and has the link can use the app" in warning
    assert "no TLS" in warning


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_nothing(host):
    assert is_loopback(host)
    assert check_host(parse(["serve", "--host", host])) is None


def test_the_printed_link_carries_the_token():
    assert page_url("127.0.0.1", 8123, "abc") == "http://127.0.0.1:8123/?token=abc"
    assert page_url("::1", 8123, "abc") == "http://[::1]:8123/?token=abc"
    assert page_url("0.0.0.0", 80, "t").startswith(f"http://{socket.gethostname()}:80/")


def test_without_textual_serve_the_message_says_what_to_install():
    code = ("import sys\nsys.modules['textual_serve'] = None\n"
            "from pcp_tui.cli import main\n"
            f"sys.exit(main(['serve', '--config', {CONFIG!r}]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "needs textual-serve" in result.stderr
    assert "pip install 'pcp-tui[serve]'" in result.stderr


def test_each_visit_runs_the_app_on_the_same_files_as_the_author(tmp_path):
    args = parse(["serve", "--data", str(tmp_path / "returns"), "--quarter", "2021/22 Q1"])
    author = "O'Brien; rm -rf ~ $(whoami)"
    command = app_command(args, tmp_path / "config.toml", tmp_path / "notes.jsonl", author)
    words = shlex.split(command)  # as the shell that textual-serve starts reads it
    assert words[0] == f"{AUTHOR_VARIABLE}={author}"
    assert words[1:5] == ["exec", sys.executable, "-m", "pcp_tui"]
    assert words[5:] == ["--config", str(tmp_path / "config.toml"),
                         "--notes", str(tmp_path / "notes.jsonl"),
                         "--data", str(tmp_path / "returns"), "--quarter", "2021/22 Q1"]
    # and a real shell hands the author over untouched
    assignment = command.split(" exec ", 1)[0]
    shown = subprocess.run(["sh", "-c", f"{assignment} exec env"], capture_output=True,
                           text=True, check=True)
    assert f"{AUTHOR_VARIABLE}={author}" in shown.stdout.splitlines()


def test_a_port_already_taken_is_a_usage_error(capsys):
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--config", CONFIG]) == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in capsys.readouterr().err
