"""`pcp-tui validate`: the config and every data file checked, every problem listed."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from pcp_tui.cli.context import load, make_console, write_stdout
from pcp_tui.cli.options import EXIT_OK, EXIT_PROBLEMS, add_command
from pcp_tui.render import literal, plural


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "validate", common, help="check config and data; exit 1 if anything is wrong",
        description="Check the config and every data file. Exit status: 0 clean, "
        "1 problems found, 2 usage or config error.",
        epilog="Examples:\n  pcp-tui validate --data data/\n"
        "  pcp-tui validate --format json | jq '.problems | length'",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="default: table; json follows the schema in the README")
    parser.add_argument("--missing", action="store_true",
                        help="list the KPIs due a figure in the newest quarter that have "
                             "none yet, with their usual source (the chase list)")
    parser.set_defaults(func=run)


def _num(value: float | str | None) -> str:
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{value:,.6g}"


def run(args: argparse.Namespace) -> int:
    # imported when the command runs, not at every start
    from pcp_tui.sources import PUBLISHED, RETURN, SAMPLE, kpi_sources, source_counts

    loaded = load(args)
    obs = loaded.observations
    if getattr(args, "missing", False):
        return _missing(args, loaded)
    if getattr(args, "format", "table") == "json":
        from pcp_tui.records import dumps, validate_document

        write_stdout(dumps(validate_document(loaded.config, obs)))
        return EXIT_PROBLEMS if obs.problems else EXIT_OK

    console = make_console(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    console.print(Text.assemble(("Config ", "bold"), literal(str(loaded.config.path))))

    kinds = Counter(kpi.target.kind for kpi in framework.kpis)
    table = Table(title="KPIs by target kind", title_justify="left")
    table.add_column("kind")
    table.add_column("KPIs", justify="right")
    for kind in ("threshold", "trajectory", "milestone", "monitor", "commitment"):
        table.add_row(kind, str(kinds.get(kind, 0)))
    table.add_row(Text("total", style="bold"), Text(str(len(framework.kpis)), style="bold"))
    console.print(table)

    forces = Table(title="Forces", title_justify="left")
    for name in ("force", "role", "population", "rows"):
        forces.add_column(name, justify="right" if name in ("population", "rows") else "left")
    rows_by_force = dict(obs.frame.group_by("force").len().iter_rows())
    # the national list in full would bury the group: its forces without data are counted
    quiet = []
    for force_id in settings.national_forces:
        force = settings.forces[force_id]
        role = settings.role(force_id)
        if role == "national" and not rows_by_force.get(force_id):
            quiet.append(force_id)
            continue
        forces.add_row(
            literal(force.name), role,
            f"{force.population:,}" if force.population else "–",
            f"{rows_by_force.get(force_id, 0):,}",
        )
    if quiet:
        forces.caption = (f"and {plural(len(quiet), 'other force')} of the national list "
                          "with no data")
        forces.caption_justify = "left"
    console.print(forces)

    quarters = obs.quarters
    files = plural(len(obs.files), "file")
    if quarters:
        with_data = obs.frame.get_column("kpi").n_unique()
        console.print(
            f"Data: {files}, {plural(obs.frame.height, 'row')}, "
            f"{plural(len(quarters), 'quarter')} from {quarters[0].label} to "
            f"{quarters[-1].label}, {with_data} of {len(framework.kpis)} KPIs with data"
        )
    else:
        console.print(f"Data: {files}, no usable rows")

    if obs.revisions:
        revisions = Table(title=f"Revisions ({len(obs.revisions)})", title_justify="left")
        for name in ("KPI", "force", "quarter", "was", "now", "from", "restated in"):
            revisions.add_column(name, overflow="fold",
                                 no_wrap=name in ("force", "quarter", "was", "now"))
        for rev in obs.revisions:
            force = settings.forces.get(rev.force)
            what = {"value_12m": " (12 months)", "status": " (status)"}.get(rev.field, "")
            revisions.add_row(
                literal(rev.kpi + what), literal(force.short if force else rev.force),
                rev.quarter.label, literal(_num(rev.old_value)), literal(_num(rev.new_value)),
                literal(Path(rev.old_file).name), literal(Path(rev.new_file).name),
            )
        console.print(revisions)

    counts = source_counts(kpi_sources(loaded.config, obs))
    console.print(
        f"Sources: {plural(counts[PUBLISHED], 'KPI')} with published releases, "
        f"{counts[RETURN]} with analysts' returns, {counts[SAMPLE]} with the illustrative "
        f"sample, {counts['none']} with no data (pcp-tui sources lists each KPI's files "
        "and editions)"
    )

    if not obs.problems:
        console.print(Text("No problems found.", style="green"))
        return EXIT_OK
    console.print(Text(plural(len(obs.problems), "problem").capitalize(), style="bold"))
    by_file: dict[str, list] = {}
    for problem in obs.problems:
        place = f"{problem.file}, sheet '{problem.sheet}'" if problem.sheet else problem.file
        by_file.setdefault(place, []).append(problem)
    for file, found in by_file.items():
        # the file once, as a heading, so that its path is never folded inside a cell
        console.print(Text.assemble(literal(file, "bold"), f"  ({len(found)})"), soft_wrap=True)
        table = Table(box=None, padding=(0, 1), show_edge=False)
        table.add_column("row", justify="right", no_wrap=True)
        table.add_column("column", no_wrap=True)
        table.add_column("found", ratio=1, overflow="fold")
        table.add_column("expected", ratio=2, overflow="fold")
        for problem in found:
            table.add_row("" if problem.row is None else str(problem.row),
                          literal(problem.column or ""), literal(problem.found),
                          literal(problem.expected))
        console.print(table)
    return EXIT_PROBLEMS


def _missing(args: argparse.Namespace, loaded: Any) -> int:
    from pcp_tui.records import dumps, missing_document

    document = missing_document(loaded.config, loaded.observations)
    if getattr(args, "format", "table") == "json":
        write_stdout(dumps(document))
        return EXIT_OK
    console = make_console(args)
    if document["quarter"] is None:
        console.print("No data: no quarter to chase.")
        return EXIT_OK
    line = (f"{document['quarter']}: {document['reported']} of {document['expected']} KPIs "
            "have their figure")
    if document["partial"] and document["last_complete"]:
        line += f"; the last complete quarter is {document['last_complete']}"
    console.print(Text(line + "."), soft_wrap=True)
    if not document["missing"]:
        console.print(Text("Nothing missing this quarter.", style="green"))
        return EXIT_OK
    table = Table(title=f"Missing this quarter ({len(document['missing'])})",
                  title_justify="left")
    table.add_column("KPI", overflow="fold")
    table.add_column("title", overflow="fold", ratio=2)
    table.add_column("usual source", overflow="fold")
    for entry in document["missing"]:
        table.add_row(literal(entry["kpi"]), literal(entry["title"]), literal(entry["source"]))
    console.print(table)
    return EXIT_OK
