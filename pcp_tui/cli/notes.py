"""`pcp-tui note add`, `edit`, `withdraw`, `offer` and `list`: reflections and planned actions,
the Order's commentary. A change is a new version in the append-only log, never a rewrite."""

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
    add.add_argument("--for-priority", nargs="?", const="", metavar="ID", default=None,
                     help="offer a reflection on a KPI as the commentary of its national "
                     "priority (the KPI's own priority when it has one; else give its id)")
    _author(add)
    add.set_defaults(func=run_add)
    edit = add_command(
        actions, "edit", common, help="write a new version of a note",
        description="Write a new version of a note: the log keeps every version, and the "
        "report and the app show the latest. IDs are in `note list` (the first 8 characters "
        "are enough).",
        epilog="Examples:\n"
        "  pcp-tui note edit 3f2a9c1b --text 'Homicides are down ...'\n"
        "  pcp-tui note edit 3f2a9c1b --text - < reflection.txt",
    )
    edit.add_argument("id", metavar="ID", help="the note's id, or its first characters")
    edit.add_argument("--text", required=True, metavar="TEXT",
                      help="the new text ('-' reads it from standard input)")
    _author(edit)
    edit.set_defaults(func=run_edit)
    withdraw = add_command(
        actions, "withdraw", common, help="withdraw a note",
        description="Withdraw a note: a last version that says so is appended (nothing is "
        "deleted; note list --history still shows it) and the report leaves it out.",
        epilog="Examples:\n  pcp-tui note withdraw 3f2a9c1b",
    )
    withdraw.add_argument("id", metavar="ID", help="the note's id, or its first characters")
    _author(withdraw)
    withdraw.set_defaults(func=run_withdraw)
    offer = add_command(
        actions, "offer", common, help="offer a KPI's reflection as a priority's commentary",
        description="Let a reflection written on a KPI stand as the reflections on force "
        "performance of a national priority the KPI belongs to (a new version of the note).",
        epilog="Examples:\n"
        "  pcp-tui note offer 3f2a9c1b\n"
        "  pcp-tui note offer 3f2a9c1b --priority serious-violence",
    )
    offer.add_argument("id", metavar="ID", help="the note's id, or its first characters")
    offer.add_argument("--priority", metavar="ID",
                       help="the national priority (default: the KPI's, when it has one)")
    _author(offer)
    offer.set_defaults(func=run_offer)
    listing = add_command(
        actions, "list", common, help="list notes",
        description="List notes, oldest quarter first (every quarter unless --quarter).",
        epilog="Examples:\n"
        "  pcp-tui note list\n"
        "  pcp-tui note list --quarter '2021/22 Q2' --subject priority:homicide\n"
        "  pcp-tui note list --history --subject pcsos\n"
        "  pcp-tui note list --kind action --format json",
    )
    listing.add_argument("--history", action="store_true",
                         help="every version of every note (edits and withdrawals too)")
    listing.add_argument("--subject", metavar="S", help="a KPI id or priority:<id>")
    listing.add_argument("--kind", choices=("reflection", "action"))
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=run_list)


def _author(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--author", metavar="NAME",
                        help="who writes it (default: settings.author, else the login name)")


def author_of(args: argparse.Namespace, loaded: Any) -> str | None:
    return args.author or loaded.config.settings.author or None


def offered_priority(framework: Framework, kpi_id: str, wanted: str | None) -> str:
    """`priority:<id>` for a KPI's reflection: the priority given, which must be one of the
    KPI's, or the KPI's only priority."""
    if kpi_id.startswith("priority:"):
        raise UsageError("a note on a national priority is already its commentary")
    own = [p for p in framework.kpi(kpi_id).priorities]
    if wanted:
        wanted = wanted.removeprefix("priority:")
        if wanted not in own:
            raise UsageError(f"{kpi_id} is not a metric of the national priority {wanted!r}; "
                             + (f"its priorities: {', '.join(own)}" if own
                                else "it belongs to none"))
        return f"priority:{wanted}"
    if len(own) != 1:
        raise UsageError(f"{kpi_id} belongs to " + (
            f"{len(own)} national priorities ({', '.join(own)}); give one with --priority"
            if own else "no national priority"))
    return f"priority:{own[0]}"


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
    offered = ""
    if args.for_priority is not None:
        if args.kind != "reflection":
            raise UsageError("only a reflection can be offered as a priority's commentary")
        offered = offered_priority(framework, subject, args.for_priority)
    log = NotesLog(loaded.config.notes_path)
    note = log.add(subject, quarter, args.kind, text, author=author_of(args, loaded),
                   offered_to=offered)
    console = make_console(args)
    print_trimmed(console, Text.assemble(
        f"Added {note.kind} {note.id[:8]} for ", literal(subject, "bold"), " (",
        literal(subject_title(framework, subject)), f"), {note.quarter}",
        *((", offered as the commentary of ", literal(offered)) if offered else ()),
        ", to ", literal(str(log.path)), "."))
    return EXIT_OK


def _changed(args: argparse.Namespace, change: Any, verb: str) -> int:
    from pcp_tui.notes import NotesLog

    loaded = load(args)
    log = NotesLog(loaded.config.notes_path)
    note = change(log, loaded)
    print_trimmed(make_console(args), Text.assemble(
        f"{verb} {note.kind} {note.id[:8]} on ", literal(note.subject, "bold"),
        f", {note.quarter} (version {note.version}; every version is kept in ",
        literal(str(log.path)), ")."))
    return EXIT_OK


def run_edit(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    return _changed(args, lambda log, loaded: log.edit(
        args.id, text, author=author_of(args, loaded)), "Edited")


def run_withdraw(args: argparse.Namespace) -> int:
    return _changed(args, lambda log, loaded: log.withdraw(
        args.id, author=author_of(args, loaded)), "Withdrew")


def run_offer(args: argparse.Namespace) -> int:
    def offer(log: Any, loaded: Any) -> Any:
        note = log.current(args.id)
        target = offered_priority(loaded.config.framework, note.subject, args.priority)
        return log.offer(note.id, target, author=author_of(args, loaded))

    return _changed(args, offer, "Offered")


def run_list(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.render_kpi import note_block

    loaded = load(args)
    framework = loaded.config.framework
    subject = note_subject(framework, args.subject) if args.subject else None
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    report_note_problems(args, log, problems)
    if args.history:
        notes = log.history()
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
    order: dict[str, int] = {}  # the versions of a note stay together, in the order written
    for i, n in enumerate(notes):
        order.setdefault(n.id, i)
    for note in sorted(notes, key=lambda n: (n.as_quarter, n.subject, n.kind, order[n.id],
                                             n.version)):
        if (note.quarter, note.subject) != heading:
            heading = (note.quarter, note.subject)
            parts += [Text(""), Text.assemble(
                (note.quarter, "bold"), " · ", literal(note.subject, "bold"), " — ",
                literal(subject_title(framework, note.subject)))]
        parts.append(note_block(note, quarter=False))
    print_trimmed(console, *parts)
    return EXIT_OK
