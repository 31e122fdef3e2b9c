"""`pcp-tui` with no command: the terminal app (Textual is imported only here)."""

from __future__ import annotations

import argparse
import os

from pcp_tui.cli.context import load


def cmd_open(args: argparse.Namespace) -> int:
    from pcp_tui.tui.app import run_app  # Textual only here

    loaded = load(args)
    # `pcp-tui serve` names the author of the notes written in the browser this way
    author = os.environ.get("PCP_TUI_AUTHOR") or None
    return run_app(loaded.config, loaded.observations, quarter=args.quarter,
                   data_paths=args.data, author=author, timeline=loaded.timeline,
                   remember=loaded.remember)
