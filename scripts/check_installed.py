"""The README's first command, checked as a new user meets it.

Builds a fresh virtual environment, installs the project into it non-editable (`pip install .`),
then starts `pcp-tui` from an empty folder in a pseudo-terminal, its error output sent to a file,
and waits until the plan tree is drawn. Exit status 0 when it is, 1 (with what the screen
showed) when it is not.
`.ci/run` runs this after the tests, so CI fails whenever the quick start would.

    python scripts/check_installed.py [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the first objective of the plan: in the tree only once the app has drawn it
TREE_TEXT = "Rebuilding community policing"
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_].*?(?:\x07|\x1b\\)|\x1b.")


def install(where: Path) -> Path:
    """A fresh venv with the project installed from the source tree, non-editable."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    python = where / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    return where / "bin" / "pcp-tui"


def screen_text(raw: bytes) -> str:
    """What a terminal would show, roughly: the escape sequences dropped."""
    return ANSI.sub(b"", raw).decode("utf-8", "replace")


def start_app(program: Path, folder: Path, home: Path, timeout: float) -> tuple[bool, str]:
    """Run the app in a pseudo-terminal until the tree is drawn or the time is up."""
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color", "COLUMNS": "120",
           "LINES": "40"}
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, as a user would start it
        os.chdir(folder)
        # with its error output kept in a file (`pcp-tui 2>errors.log`): the screen must still
        # reach the terminal
        log = os.open(str(home / "pcp-tui-errors.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                      0o600)
        os.dup2(log, 2)
        os.execve(str(program), [str(program)], env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    drawn = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.25)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break  # the app ended
            if not chunk:
                break
            seen += chunk
            if TREE_TEXT in screen_text(seen):
                drawn = True
                break
    finally:
        try:
            os.write(fd, b"q")
            time.sleep(0.5)
        except OSError:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return drawn, screen_text(seen)[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for the plan tree (default 60)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pcp-tui-installed-") as tmp:
        base = Path(tmp)
        program = install(base / "venv")
        elsewhere = base / "elsewhere"
        elsewhere.mkdir()
        drawn, shown = start_app(program, elsewhere, base, args.timeout)
        if drawn:
            print(f"check_installed: `pip install . && pcp-tui` drew the plan tree ({TREE_TEXT!r})")
            return 0
        print("check_installed: the installed app did not draw the plan tree. The screen "
              "showed:\n" + shown, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
