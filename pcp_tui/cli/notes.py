"""`pcp-tui note add` and `note list`: reflections and planned actions, the Order's commentary."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from rich.text import Text

from pcp_tui.cli.context import (
    UsageError,
    load,
    make_console,
    report_note_problems,
    suggest,
    write_stdout,
)
from pcp_tui.cli.options import EXIT_OK, add_command
from pcp_tui.framework import Framework
from pcp_tui.render import literal, plural, print_trimmed


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    note = add_command(
        sub, "note", common, help="add or list reflections and planned actions",
        description="The Order asks, each quarter, for reflections on force performance and a "
        "summary of planned action for each national priority. Notes are kept in an "
        "append-only file (see --notes); the subject is a KPI id or priority:<id>.",
        epilog="Examples:\n"
        "  pcp-tui note add priority:homicide --kind reflection --text 'Homicides are ...'\n"
        "  pcp-tui note add priority:homicide --kind action --quarter '2021/22 Q2' --text - "
        "< action.txt\n"
        "  pcp-tui note add rape-positive-outcome-rate --kind action --text 'Review ...'\n"
        "  pcp-tui note list --quarter '2021/22 Q2'\n"
        "  pcp-tui note list --subject priority:drugs --format json",
    )
    actions = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    add = add_command(
        actions, "add", common, help="add a reflection or a planned action",
        description="Add a note for a quarter (default: the latest quarter with data).",
        epilog="Examples:\n"
        "  pcp-tui note add priority:serious-violence --kind reflection --text 'Knife crime "
        "is down ...'\n"
        "  pcp-tui note add pcsos --kind action --quarter '2021/22 Q2' --text - < plan.txt",
    )
    add.add_argument("subject", metavar="KPI_OR_priority:ID",
                     help="a KPI id, or priority:<id> for a national priority")
    add.add_argument("--kind", choices=("reflection", "action"), required=True)
    add.add_argument("--text", required=True, metavar="TEXT",
                     help="the note ('-' reads it from standard input)")
    add.set_defaults(func=run_add)
    listing = add_command(
        actions, "list", common, help="list notes",
        description="List notes, oldest quarter first (every quarter unless --quarter).",
        epilog="Examples:\n"
        "  pcp-tui note list\n"
        "  pcp-tui note list --quarter '2021/22 Q2' --subject priority:homicide\n"
        "  pcp-tui note list --kind action --format json",
    )
    listing.add_argument("--subject", metavar="S", help="a KPI id or priority:<id>")
    listing.add_argument("--kind", choices=("reflection", "action"))
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=run_list)


def note_subject(framework: Framework, subject: str) -> str:
    """A KPI id or `priority:<id>`, checked against the framework."""
    if subject.startswith("priority:"):
        ids = [p.id for p in framework.priorities]
        if subject.removeprefix("priority:") in ids:
            return subject
        raise UsageError(f"unknown national priority in {subject!r}; expected one of "
                         + ", ".join(f"priority:{i}" for i in ids))
    if subject in framework.kpi_ids:
        return subject
    raise UsageError(f"unknown note subject {subject!r}: expected a KPI id or priority:<id>"
                     + suggest(subject, framework.kpi_ids))


def subject_title(framework: Framework, subject: str) -> str:
    try:
        if subject.startswith("priority:"):
            return framework.title_of(subject.removeprefix("priority:"))
        return framework.kpi(subject).title
    except KeyError:
        return "(not in this framework)"


def run_add(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog

    loaded = load(args)
    framework = loaded.config.framework
    subject = note_subject(framework, args.subject)
    text = sys.stdin.read() if args.text == "-" else args.text
    quarter = args.quarter
    if quarter is None:
        quarters = loaded.observations.quarters
        if not quarters:
            raise UsageError("no data to take the quarter from; give --quarter")
        quarter = quarters[-1]
    log = NotesLog(loaded.config.notes_path)
    note = log.add(subject, quarter, args.kind, text)
    console = make_console(args)
    print_trimmed(console, Text.assemble(
        f"Added {note.kind} for ", literal(subject, "bold"), " (",
        literal(subject_title(framework, subject)), f"), {note.quarter}, to ",
        literal(str(log.path)), "."))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.render import note_block

    loaded = load(args)
    framework = loaded.config.framework
    subject = note_subject(framework, args.subject) if args.subject else None
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    report_note_problems(args, log, problems)
    notes = [n for n in notes
             if (subject is None or n.subject == subject)
             and (args.quarter is None or n.quarter == args.quarter.label)
             and (args.kind is None or n.kind == args.kind)]
    if args.format == "json":
        write_stdout(json.dumps([asdict(n) for n in notes], ensure_ascii=False, indent=2)
                     + "\n")
        return EXIT_OK
    console = make_console(args)
    if not notes:
        print_trimmed(console, Text.assemble("No notes in ", literal(str(log.path)),
                                             " for these filters."))
        return EXIT_OK
    parts: list[Any] = [Text.assemble(f"{plural(len(notes), 'note')} in ",
                                      literal(str(log.path)))]
    heading = None
    for note in sorted(notes, key=lambda n: (n.as_quarter, n.subject, n.kind, n.written_at)):
        if (note.quarter, note.subject) != heading:
            heading = (note.quarter, note.subject)
            parts += [Text(""), Text.assemble(
                (note.quarter, "bold"), " · ", literal(note.subject, "bold"), " — ",
                literal(subject_title(framework, note.subject)))]
        parts.append(note_block(note, quarter=False))
    print_trimmed(console, *parts)
    return EXIT_OK
