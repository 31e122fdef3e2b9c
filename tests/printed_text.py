"""A renderable printed as the printouts print it: plain text, no markup, trimmed."""

from __future__ import annotations

import io

from rich.console import Console

from pcp_tui.render import print_trimmed


def render(renderable: object, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, markup=False,
                      highlight=False, emoji=False)
    print_trimmed(console, renderable)  # type: ignore[arg-type]
    return console.file.getvalue()  # type: ignore[attr-defined]
