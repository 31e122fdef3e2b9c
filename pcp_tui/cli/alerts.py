"""`pcp-tui alerts`: what needs attention at the as-of quarter, for people and for scripts."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from rich.text import Text

from pcp_tui.alerts import SEVERITIES
from pcp_tui.cli.context import (
    UsageError,
    assess_args,
    load,
    make_console,
    node_kpis,
    resolve_force,
    suggest,
    write_stdout,
)
from pcp_tui.cli.options import EXIT_OK, EXIT_PROBLEMS, add_command
from pcp_tui.render import print_trimmed

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert


class _SchemaAction(argparse.Action):
    """`pcp-tui alerts --schema`: the documented JSON/CSV schema, then exit 0."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from pcp_tui.printouts import ALERTS_SCHEMA_DOC

        sys.stdout.write(ALERTS_SCHEMA_DOC)
        parser.exit(EXIT_OK)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "alerts", common, help="print the alerts; exit 1 when one is at --fail-on",
        description="The alerts of the as-of quarter, grouped by objective (or national "
        "priority), most urgent first, each with its value, its target or baseline and one "
        "sentence of evidence; then the alerts resolved since the quarter before.\n\n"
        "Exit status: 0 when no alert (after the filters) is at or above --fail-on, 1 when "
        "one is, 2 on a usage or config error.\n\n"
        "JSON and CSV follow a documented schema (see `pcp-tui alerts --schema`).",
        epilog="Examples:\n"
        "  pcp-tui alerts\n"
        "  pcp-tui alerts --severity signal --by priority\n"
        "  pcp-tui alerts --objective preventing-and-reducing-crime --width 100 --no-color\n"
        "  pcp-tui alerts --quarter '2021/22 Q1' --format markdown > alerts.md\n"
        "  pcp-tui alerts --format json | jq '.counts'\n"
        "  pcp-tui alerts --format csv > alerts.csv\n"
        "  pcp-tui alerts --fail-on warning --format json > /dev/null || echo 'needs a look'",
    )
    parser.add_argument("--format", choices=("table", "json", "csv", "markdown"),
                        default="table", help="default: table")
    parser.add_argument("--severity", choices=SEVERITIES, default="data", metavar="SEVERITY",
                        help="the least urgent severity to show: "
                             + ", ".join(SEVERITIES) + " (default: data, i.e. all)")
    parser.add_argument("--objective", metavar="ID",
                        help="only KPIs under this objective (or section, or sub-objective)")
    parser.add_argument("--priority", metavar="ID", help="only this national priority's KPIs")
    parser.add_argument("--force", metavar="FORCE", help="only this force (id, name or short)")
    parser.add_argument("--by", choices=("objective", "priority"), default="objective",
                        help="group by plan objective (default) or national priority")
    parser.add_argument("--fail-on", choices=(*SEVERITIES, "none"), default="breach",
                        metavar="SEVERITY",
                        help="exit 1 when an alert at or above this severity is shown "
                             "(default: breach; 'none' always exits 0)")
    parser.add_argument("--brief", action="store_true",
                        help="one line per alert, without the sentences")
    parser.add_argument("--schema", action=_SchemaAction, nargs=0,
                        help="print the JSON/CSV schema and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pcp_tui import printouts
    from pcp_tui.alerts import SEVERITY_RANK
    from pcp_tui.render import sample_footer
    from pcp_tui.render_alerts import AlertTable, alerts_header, group_alerts

    loaded = load(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    kpi_filter: set[str] | None = None
    if args.objective:
        kpi_filter = node_kpis(framework, args.objective)
        if kpi_filter is None:
            ids = [n.id for n in (*framework.sections, *framework.objectives,
                                  *framework.sub_objectives)] + ["national-only"]
            raise UsageError(f"unknown objective {args.objective!r}"
                             + suggest(args.objective, ids))
    if args.priority:
        ids = [p.id for p in framework.priorities]
        if args.priority not in ids:
            raise UsageError(f"unknown national priority {args.priority!r}; expected one of "
                             + ", ".join(ids))
        wanted = {k.id for k in framework.kpis if args.priority in k.priorities}
        kpi_filter = wanted if kpi_filter is None else kpi_filter & wanted
    force = resolve_force(settings, args.force) if args.force else None
    floor = SEVERITY_RANK[args.severity]

    assessment = assess_args(args, loaded, require_data=True)

    def chosen(alert: Alert) -> bool:
        return (alert.rank <= floor and (kpi_filter is None or alert.kpi in kpi_filter)
                and (force is None or alert.force == force))

    alerts = [a for a in assessment.alerts if chosen(a)]
    resolved = [a for a in assessment.resolved if chosen(a)]
    by = "priority" if args.by == "priority" else "plan"
    failing = args.fail_on != "none" and any(
        a.rank <= SEVERITY_RANK[args.fail_on] for a in alerts)
    status = EXIT_PROBLEMS if failing else EXIT_OK

    if args.format == "json":
        filters = {"severity": args.severity, "objective": args.objective,
                   "priority": args.priority, "force": force}
        write_stdout(printouts.alerts_json(assessment, alerts, resolved,
                                           {k: v for k, v in filters.items() if v}))
        return status
    if args.format == "csv":
        write_stdout(printouts.alerts_csv(assessment, alerts, resolved))
        return status
    if args.format == "markdown":
        write_stdout(printouts.alerts_markdown(
            assessment, group_alerts(framework, alerts, by), alerts,
            group_alerts(framework, resolved, by)))
        return status

    console = make_console(args)
    print_trimmed(console, alerts_header(assessment, alerts, resolved))
    if alerts:
        print_trimmed(console, Text(""))
        print_trimmed(console, AlertTable(assessment, group_alerts(framework, alerts, by),
                                          messages=not args.brief))
    else:
        print_trimmed(console, Text("No alerts at or above "
                                    f"{args.severity} for these filters.", style="green"))
    if resolved and assessment.as_of is not None:
        print_trimmed(console, Text(""))
        print_trimmed(console, Text(f"Resolved since {assessment.as_of.minus(1).label} "
                                    "(fired then, not now)", style="bold"))
        print_trimmed(console, AlertTable(assessment, group_alerts(framework, resolved, by),
                                          firing=assessment.alerts, messages=not args.brief))
    sample_footer(console, loaded.observations)
    return status
