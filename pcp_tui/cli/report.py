"""`pcp-tui report`: the quarterly report to the Strategic Policing and Crime Board."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pcp_tui.cli.context import (
    UsageError,
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
        sub, "report", common, help="write the quarterly board paper (HTML, Markdown, Word, PDF)",
        description="The quarterly report to the Strategic Policing and Crime Board: statuses "
        "by objective, every breach, warning and signal with its explanation, each national "
        "priority's proxy metrics against the 12 months ending June 2019 with the reflections "
        "and planned actions written for it (missing commentary is listed as missing), most "
        "similar force comparisons, data problems and revisions. HTML is one self-contained "
        "file that prints well; Word (--format docx, the [word] extra) and PDF (--format pdf, "
        "the [pdf] extra) are made from the same paper. The front sheet (protective marking, "
        "meeting, date, author, agenda item, version) comes from [report] in the config; the "
        "options below override it.",
        epilog="Examples:\n"
        "  pcp-tui report --output board-2021-22-Q2.html\n"
        "  pcp-tui report --format markdown --quarter '2021/22 Q1' > board.md\n"
        "  pcp-tui report --output board.html --overwrite --notes team-notes.jsonl\n"
        "  pcp-tui report --format docx --output board.docx --agenda-item 6 "
        "--meeting-date 2021-11-30\n"
        "  pcp-tui report --output board.pdf --marking 'OFFICIAL-SENSITIVE'",
    )
    parser.add_argument("--format", choices=("markdown", "html", "docx", "pdf"),
                        help="default: from the --output suffix (.html, .docx, .pdf), else "
                        "markdown")
    paper = parser.add_argument_group("the paper's front sheet (default: [report] in the config)")
    paper.add_argument("--marking", dest="protective_marking", metavar="TEXT",
                       help="protective marking, e.g. OFFICIAL (the default)")
    paper.add_argument("--meeting", metavar="TEXT", help="the meeting the paper is for")
    paper.add_argument("--meeting-date", metavar="DATE", help="the date of the meeting")
    paper.add_argument("--author", metavar="NAME",
                       help="the paper's author (default: settings.author, else the login name)")
    paper.add_argument("--agenda-item", metavar="TEXT", help="the agenda item")
    paper.add_argument("--paper-version", dest="version", metavar="TEXT",
                       help="the paper's version (default 1.0)")
    parser.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.report import (
        FormatUnavailable,
        build_report,
        paper_meta,
        render_docx,
        render_pdf,
    )
    from pcp_tui.report.html import html_paper
    from pcp_tui.report.markdown import markdown_paper

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = {".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}.get(
            suffix, "markdown")
    if fmt in ("docx", "pdf") and not args.output:
        raise UsageError(f"--format {fmt} writes a file: give --output FILE")
    loaded = load(args)
    assessment = assess_args(args, loaded)
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    report_note_problems(args, log, problems)
    settings = loaded.config.settings
    meta = paper_meta(settings.report, {k: getattr(args, k, None) for k in (
        "protective_marking", "meeting", "meeting_date", "author", "agenda_item", "version")},
        settings.author, settings.forces[settings.home_force].name)
    report = build_report(assessment, notes, meta=meta)
    try:
        data = (render_docx(report) if fmt == "docx" else render_pdf(report) if fmt == "pdf"
                else (html_paper(report) if fmt == "html" else markdown_paper(report))
                .encode("utf-8"))
    except FormatUnavailable as err:
        raise UsageError(str(err)) from None
    if args.output:
        write_atomically(Path(args.output), data, overwrite=args.overwrite)
        quarter = assessment.as_of.label if assessment.as_of else "no data"
        make_console(args, stderr=True).print(
            literal(f"wrote the {quarter} board report ({fmt}) to {args.output}"),
            soft_wrap=True)
    else:
        write_stdout(data.decode("utf-8"))
    return EXIT_OK
