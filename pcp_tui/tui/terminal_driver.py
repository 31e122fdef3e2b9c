"""The app draws on the terminal even when its error output is sent to a file.

Textual's Linux driver draws on standard error, so `pcp-tui 2>errors.log` (an analyst keeping
the crash messages) would send the whole screen into the log and leave the terminal blank.
When standard error is not a terminal but standard output is, this driver draws on standard
output instead; everything else is Textual's own driver.
"""

from __future__ import annotations

import sys
from typing import Any


def terminal_driver() -> type | None:
    """A driver class for `App.run` when the screen would go to a file; None otherwise."""
    stderr, stdout = sys.__stderr__, sys.__stdout__
    if stderr is None or stdout is None or stderr.isatty() or not stdout.isatty():
        return None
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows: its own driver, which writes to the console
        return None

    class StdoutDriver(LinuxDriver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # the stream the driver's writer thread draws on (Textual keeps it in `_file`)
            self._file = stdout

    return StdoutDriver
