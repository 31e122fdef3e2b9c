"""The `pcp-tui` command (and `python -m pcp_tui`): the collector is held off before anything
else is imported (`pcp_tui.collector`), then the command line runs (`pcp_tui.cli.main`)."""

from __future__ import annotations

from pcp_tui import collector


def main() -> int:
    collector.hold()
    from pcp_tui.cli.main import main as run  # after the hold: most of a start is imports

    return run()
