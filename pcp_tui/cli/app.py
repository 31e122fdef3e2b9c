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
    # `--notes FILE` is the notes file for the app's whole life: a reload reads the config
    # afresh, and its notes_file setting must not take over from the option
    notes = loaded.config.notes_path if getattr(args, "notes", None) else None
    return run_app(loaded.config, loaded.observations, quarter=args.quarter,
                   data_paths=args.data, author=author, timeline=loaded.timeline,
                   remember=loaded.remember, notes_path=notes, reopen=loaded.reopen)
