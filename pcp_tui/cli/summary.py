"""`pcp-tui summary` and `pcp-tui show KPI`: the plan as a tree, and one KPI in full."""

from __future__ import annotations

import argparse
from typing import Any

from pcp_tui.cli.context import (
    UsageError,
    assess_args,
    find_kpi,
    load,
    make_console,
    report_note_problems,
    resolve_force,
    write_stdout,
)
from pcp_tui.cli.options import EXIT_OK, add_command, positive_int
from pcp_tui.render import print_trimmed, sample_footer


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    summary = add_command(
        sub, "summary", common, help="print the plan as a tree with glyphs and sparklines",
        description="The plan as a tree: sections, objectives (with counts by status), "
        "sub-objectives and KPIs, each KPI with its status glyph, latest figure, change on its "
        "baseline and a sparkline of the last 12 quarters with the range it spans.",
        epilog="Examples:\n"
        "  pcp-tui summary\n"
        "  pcp-tui summary --depth 2                # sections and objectives only\n"
        "  pcp-tui summary --only-alerts --width 120\n"
        "  pcp-tui summary --by priority --quarter '2020/21 Q4'\n"
        "  pcp-tui summary --format json | jq '.kpis[] | select(.status == \"red\") | .kpi'",
    )
    summary.add_argument("--depth", type=int, metavar="N",
                         help="levels to show: 1 sections, 2 objectives, 3 sub-objectives "
                              "(and KPIs directly under objectives), 4 every KPI")
    summary.add_argument("--only-alerts", action="store_true",
                         help="only KPIs with a breach, warning or signal, and their parents")
    summary.add_argument("--by", choices=("plan", "priority"), default="plan",
                         help="the plan's sections (default) or the six national priorities")
    summary.add_argument("--format", choices=("tree", "json"), default="tree",
                         help="default: tree; json has every KPI's status (schema in the "
                              "README)")
    summary.set_defaults(func=run_summary)

    show = add_command(
        sub, "show", common, help="print one KPI: history, target, SPC, MSF, notes",
        description="One KPI in full: where it sits in the plan, its target and status, the "
        "history with each quarter's SPC label, control limits, most similar forces, alerts "
        "and the notes written on it.",
        epilog="Examples:\n"
        "  pcp-tui show rape-positive-outcome-rate\n"
        "  pcp-tui show residential-burglary --force GMP\n"
        "  pcp-tui show homicides --quarter '2020/21 Q4' --history 8\n"
        "  pcp-tui show homicides --format json",
    )
    show.add_argument("kpi", metavar="KPI", help="a KPI id (or its short title)")
    show.add_argument("--force", metavar="FORCE",
                      help="show a most similar force's series (default: the home force)")
    show.add_argument("--history", type=positive_int, metavar="N",
                      help="only the last N quarters in the history table")
    show.add_argument("--no-notes", action="store_true", help="leave the notes out")
    show.add_argument("--format", choices=("text", "json"), default="text",
                      help="default: text; json follows the schema in the README")
    show.set_defaults(func=run_show)


def run_summary(args: argparse.Namespace) -> int:
    from pcp_tui.render_tree import summary_legend, summary_tree

    if args.depth is not None and args.depth < 1:
        raise UsageError("--depth is 1 or more (1 sections, 2 objectives, 3 sub-objectives, "
                         "4 every KPI)")
    loaded = load(args)
    assessment = assess_args(args, loaded)
    if args.format == "json":
        from pcp_tui.records import dumps, summary_document

        write_stdout(dumps(summary_document(assessment)))
        return EXIT_OK
    console = make_console(args)
    by = "priority" if args.by == "priority" else "plan"
    print_trimmed(console, summary_tree(assessment, by=by, depth=args.depth,
                                        only_alerts=args.only_alerts))
    print_trimmed(console, summary_legend(by, 12 if console.width >= 100 else 8))
    sample_footer(console, loaded.observations)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.render_kpi import kpi_printout

    loaded = load(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    kpi_id = find_kpi(framework, args.kpi)
    force = resolve_force(settings, args.force) if args.force else None
    assessment = assess_args(args, loaded)
    notes = []
    if not args.no_notes:
        log = NotesLog(loaded.config.notes_path)
        everything, problems = log.read()
        report_note_problems(args, log, problems)
        notes = [n for n in everything if n.subject == kpi_id
                 and (assessment.as_of is None or n.as_quarter <= assessment.as_of)]
    if args.format == "json":
        from pcp_tui.records import dumps, show_document

        write_stdout(dumps(show_document(assessment, kpi_id, force, notes)))
        return EXIT_OK
    console = make_console(args)
    print_trimmed(console, kpi_printout(assessment, kpi_id, force=force, notes=notes,
                                        history_rows=args.history))
    sample_footer(console, loaded.observations)
    return EXIT_OK
