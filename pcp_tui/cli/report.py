"""`pcp-tui report`: the quarterly report to the Strategic Policing and Crime Board."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pcp_tui.cli.context import (
    assess_args,
    load,
    make_console,
    report_note_problems,
    write_atomically,
    write_stdout,
)
from pcp_tui.cli.options import EXIT_OK, add_command
from pcp_tui.render import literal


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "report", common, help="write the quarterly board report (Markdown or HTML)",
        description="The quarterly report to the Strategic Policing and Crime Board: statuses "
        "by objective, every breach, warning and signal with its explanation, each national "
        "priority's proxy metrics against the 12 months ending June 2019 with the reflections "
        "and planned actions written for it (missing commentary is listed as missing), most "
        "similar force comparisons, data problems and revisions. HTML is one self-contained "
        "file that prints well.",
        epilog="Examples:\n"
        "  pcp-tui report --output board-2021-22-Q2.html\n"
        "  pcp-tui report --format markdown --quarter '2021/22 Q1' > board.md\n"
        "  pcp-tui report --output board.html --overwrite --notes team-notes.jsonl",
    )
    parser.add_argument("--format", choices=("markdown", "html"),
                        help="default: from the --output suffix (.html → html), else markdown")
    parser.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.report import render_html, render_markdown

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = "html" if suffix in (".html", ".htm") else "markdown"
    loaded = load(args)
    assessment = assess_args(args, loaded)
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    report_note_problems(args, log, problems)
    text = (render_html if fmt == "html" else render_markdown)(assessment, notes)
    if args.output:
        write_atomically(Path(args.output), text.encode("utf-8"), overwrite=args.overwrite)
        quarter = assessment.as_of.label if assessment.as_of else "no data"
        make_console(args, stderr=True).print(
            literal(f"wrote the {quarter} board report ({fmt}) to {args.output}"),
            soft_wrap=True)
    else:
        write_stdout(text)
    return EXIT_OK
