"""`pcp-tui template --quarter Q`: the return an analyst fills in, so no KPI id is typed by hand.

Every KPI of the plan with its id, title, unit and measure, and what it needs (a value, a
numerator and a denominator, or a commitment's status), for each force asked for: laid out
long (one row per KPI and force, the period filled in) or wide (one row per KPI and force, a
column headed by the quarter). CSV, or xlsx where the `xlsxwriter` package is installed. The
loader reads the file back as written: the describing columns are passed over.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from pcp_tui.cli.context import UsageError, make_console, write_atomically
from pcp_tui.cli.options import EXIT_OK, add_command
from pcp_tui.config import Config, load_config, locate_config
from pcp_tui.framework import COMMITMENT_STATUSES, Kpi
from pcp_tui.periods import Quarter
from pcp_tui.render import literal

DESCRIBING = ("kpi", "title", "unit", "measure", "needs", "force")
LONG_FIGURES = ("period", "value", "numerator", "denominator", "status")


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "template", common, help="write the return to fill in for a quarter",
        description="Write a return with every KPI of the plan (id, title, unit, measure and "
        "the figures it needs) for the --quarter given, to fill in and put in the data folder.",
        epilog="Examples:\n"
        "  pcp-tui template --quarter '2021/22 Q3' --output 2021-22_Q3.csv\n"
        "  pcp-tui template --quarter '2021/22 Q3' --layout wide --output tracker.xlsx\n"
        "  pcp-tui template --quarter '2021/22 Q3' --force WMP --force GMP",
    )
    parser.add_argument("--layout", choices=("long", "wide"), default="long",
                        help="long: one row per KPI with period and value columns; wide: "
                             "one column headed by the quarter (default: long)")
    parser.add_argument("--format", choices=("csv", "xlsx"),
                        help="default: from the --output file's suffix, else csv")
    parser.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument("--force", action="append", metavar="FORCE", dest="template_force",
                        help="a force to fill in: id, name or short name (repeatable; "
                             "default: the home force)")
    parser.set_defaults(func=run)


def needs(kpi: Kpi, layout: str) -> str:
    """What the analyst writes for the KPI, in words."""
    if kpi.target.kind == "commitment":
        return "status: " + ", ".join(COMMITMENT_STATUSES)
    if kpi.measure == "rate":
        if layout == "wide":
            return f"the rate ({kpi.unit.id}) for the quarter"
        return "numerator and denominator (the value is worked out from them)"
    if kpi.measure == "stock":
        return f"value: the level at the end of the quarter ({kpi.unit.id})"
    return f"value: the total in the quarter ({kpi.unit.id})"


def template_rows(
    config: Config, quarter: Quarter, forces: list[str], layout: str,
) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the template: every KPI in the plan's order, per force."""
    header = [*DESCRIBING, *(LONG_FIGURES if layout == "long" else (quarter.label,))]
    rows = []
    for force in forces:
        for kpi in config.framework.kpis:
            row = [kpi.id, kpi.title, kpi.unit.id, kpi.measure, needs(kpi, layout), force]
            row += [quarter.label, "", "", "", ""] if layout == "long" else [""]
            rows.append(row)
    return header, rows


def _guarded(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_guarded(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    try:
        import xlsxwriter
    except ModuleNotFoundError:
        raise UsageError("writing xlsx needs the optional 'xlsxwriter' package: "
                         "pip install xlsxwriter (or write --format csv)") from None
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("return")
    bold = book.add_format({"bold": True})
    for col, name in enumerate(header):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if cell:
                sheet.write_string(r, col, cell)  # never read as a formula or a number
    widths = [max(len(name), *(len(row[i]) for row in rows)) if rows else len(name)
              for i, name in enumerate(header)]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width, 8), 60) + 1)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    quarter = getattr(args, "quarter", None)
    if quarter is None:
        raise UsageError("give the quarter the return is for: --quarter '2021/22 Q3'")
    config = load_config(locate_config(args.config))
    settings = config.settings
    forces = []
    for name in args.template_force or [settings.home_force]:
        force_id = settings.force_id(name)
        if force_id is None:
            raise UsageError(f"unknown force {name!r}; expected one of "
                             + ", ".join(settings.forces))
        forces.append(force_id)
    fmt = args.format or ("xlsx" if args.output and Path(args.output).suffix.lower() == ".xlsx"
                          else "csv")
    header, rows = template_rows(config, quarter, forces, args.layout)
    data = as_xlsx(header, rows) if fmt == "xlsx" else as_csv(header, rows)
    if args.output:
        write_atomically(Path(args.output), data, overwrite=args.overwrite)
        make_console(args, stderr=True).print(
            literal(f"wrote {len(rows):,} rows ({len(config.framework.kpis)} KPIs) to "
                    f"{args.output}"), soft_wrap=True)
    elif fmt == "xlsx":
        raise UsageError("xlsx is binary: give --output FILE")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK
