"""The tool makes no network calls: every command works with sockets blocked."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter whose socket module refuses to be used at all.
BLOCKED = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
sys.path.insert(0, {root!r})
from pcp_tui.cli import main
sys.exit(main({argv!r}))
"""

COMMANDS = [
    ["validate"],
    ["export", "--format", "csv"],
    ["alerts", "--fail-on", "none"],
    ["alerts", "--format", "json", "--fail-on", "none"],
    ["summary"],
    ["show", "homicides"],
    ["report", "--format", "html", "--output", "report.html"],
    ["report", "--format", "markdown", "--output", "report.md"],
    ["note", "list"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_commands_work_with_sockets_blocked(argv, tmp_path):
    argv = [*argv, "--config", str(ROOT / "config.toml"), "--notes", str(tmp_path / "n.jsonl")]
    code = BLOCKED.format(root=str(ROOT), argv=argv)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert "network access attempted" not in result.stderr
    assert result.returncode == 0, result.stderr


def test_the_blocking_itself_works():
    code = BLOCKED.format(root=str(ROOT), argv=["--version"]).replace(
        "from pcp_tui.cli import main", "socket.socket()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "network access attempted" in result.stderr
    assert socket.socket  # the test process itself is untouched
