"""An unexpected error: a short message on screen and the full report in a log file."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pcp_tui import __version__


def crash_log_folder() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "pcp-tui"


def write_crash_log(error: BaseException, argv: Sequence[str] | None) -> Path | None:
    """The traceback and the command line, in a file the analyst can send on."""
    import traceback
    from datetime import datetime

    try:
        folder = crash_log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        report = (
            f"pcp-tui {__version__}, Python {sys.version.split()[0]}\n"
            f"command: {' '.join(map(str, argv if argv is not None else sys.argv[1:]))}\n\n"
            + "".join(traceback.format_exception(type(error), error, error.__traceback__))
        )
        path.write_text(report, encoding="utf-8")
        return path
    except OSError:
        return None
