"""`pcp-tui export`: the canonical data, one row per KPI × force × quarter, as CSV or Parquet."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui.cli.context import (
    UsageError,
    for_terminal,
    load,
    make_console,
    write_atomically,
)
from pcp_tui.cli.options import EXIT_OK, add_command
from pcp_tui.periods import Quarter
from pcp_tui.render import literal

COLUMNS = ("kpi", "force", "period", "quarter", "value", "value_12m", "numerator",
           "denominator", "lower", "upper", "status", "file")


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "export", common, help="write the canonical data as CSV or Parquet",
        description="Write the loaded data (one row per KPI, force and quarter) for Excel or "
        "other tools.",
        epilog="Examples:\n"
        "  pcp-tui export --format csv > all.csv\n"
        "  pcp-tui export --kpi rape-positive-outcome-rate --force WMP --output rape.csv\n"
        "  pcp-tui export --format parquet --output all.parquet",
    )
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument("--kpi", action="append", metavar="ID",
                        help="only this KPI (repeatable)")
    parser.add_argument("--force", action="append", metavar="FORCE",
                        help="only this force: id, name or short name (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pcp_tui.printouts import FORMULA_AFTER_BREAK  # when the command runs, not at start

    loaded = load(args)
    frame = loaded.observations.frame
    settings = loaded.config.settings
    if args.kpi:
        unknown = [k for k in args.kpi if k not in loaded.config.framework.kpi_ids]
        if unknown:
            raise UsageError(f"unknown KPI id: {', '.join(unknown)}")
        frame = frame.filter(pl.col("kpi").is_in(args.kpi))
    if args.force:
        ids = []
        for name in args.force:
            force_id = settings.force_id(name)
            if force_id is None:
                raise UsageError(f"unknown force {name!r}; expected one of "
                                 + ", ".join(settings.forces))
            ids.append(force_id)
        frame = frame.filter(pl.col("force").is_in(ids))
    frame = frame.with_columns(
        pl.col("period").map_elements(lambda d: Quarter.from_date(d).label,
                                      return_dtype=pl.Utf8).alias("quarter"),
        pl.col("file").map_elements(lambda f: Path(f).name, return_dtype=pl.Utf8),
    ).select(COLUMNS)
    buffer = io.BytesIO()
    if args.format == "parquet":
        if not args.output:
            raise UsageError("Parquet is binary: give --output FILE")
        frame.write_parquet(buffer)
    else:
        # text cells a spreadsheet would run as a formula get a leading apostrophe, at the
        # start and after every line break in the cell; numbers, negative ones included, stay
        # numbers. Polars quotes every cell holding a comma, a quote, a CR or an LF.
        text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
        starts = "^[" + "".join("\\" + c if c in "-+" else c for c in "=+-@") + "\t\r]"
        frame.with_columns(
            pl.when(pl.col(name).str.contains(starts)).then(pl.lit("'") + pl.col(name))
            .otherwise(pl.col(name)).str.replace_all(FORMULA_AFTER_BREAK, "${1}'${2}")
            .alias(name)
            for name in text
        ).write_csv(buffer)
    data = buffer.getvalue()
    if args.output:
        write_atomically(Path(args.output), data, overwrite=args.overwrite)
        make_console(args, stderr=True).print(
            literal(f"wrote {frame.height:,} rows to {args.output}"), soft_wrap=True)
    else:
        if args.format == "csv":  # to a terminal, control characters are shown as escapes
            data = for_terminal(data.decode("utf-8")).encode("utf-8")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK
