"""`pcp-tui` and its subcommands.

Textual is imported only when the terminal app opens, so the printouts start quickly.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pcp_tui import __version__
from pcp_tui.config import Config, ConfigError, load_config, locate_config
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.periods import PeriodError, Quarter

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad options: printed as a one-line message, exit status 2."""


@dataclass(frozen=True)
class Loaded:
    config: Config
    observations: Observations


def make_console(args: argparse.Namespace, *, stderr: bool = False) -> Console:
    no_color = bool(getattr(args, "no_color", False) or os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        no_color=no_color,
        highlight=False,
        width=getattr(args, "width", None),
        emoji=False,
    )


def load(args: argparse.Namespace) -> Loaded:
    """Config and data as the options ask; ConfigError propagates for exit status 2."""
    config = load_config(locate_config(args.config))
    data = [Path(p) for p in args.data] if args.data else [config.data_folder]
    return Loaded(config, load_observations(data, config))


def _parse_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def write_atomically(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write beside the target and rename into place, so a reader never sees half a file."""
    if path.exists() and not overwrite:
        raise UsageError(f"{path} exists; use --overwrite to replace it")
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# validate ---------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    console = make_console(args)
    loaded = load(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    obs = loaded.observations
    console.print(Text.assemble(("Config ", "bold"), str(loaded.config.path)))

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
    for force_id in settings.all_forces:
        force = settings.forces[force_id]
        forces.add_row(
            Text(force.name), "home" if force_id == settings.home_force else "most similar",
            f"{force.population:,}" if force.population else "–",
            f"{rows_by_force.get(force_id, 0):,}",
        )
    console.print(forces)

    quarters = obs.quarters
    if quarters:
        with_data = obs.frame.get_column("kpi").n_unique()
        console.print(
            f"Data: {len(obs.files)} files, {obs.frame.height:,} rows, "
            f"{len(quarters)} quarters from {quarters[0].label} to {quarters[-1].label}, "
            f"{with_data} of {len(framework.kpis)} KPIs with data"
        )
    else:
        console.print(f"Data: {len(obs.files)} files, no usable rows")

    if obs.revisions:
        revisions = Table(title=f"Revisions ({len(obs.revisions)})", title_justify="left")
        for name in ("KPI", "force", "quarter", "was", "now", "from", "restated in"):
            revisions.add_column(name)
        for rev in obs.revisions:
            revisions.add_row(
                Text(rev.kpi), Text(rev.force), rev.quarter.label,
                _num(rev.old_value), _num(rev.new_value),
                Text(Path(rev.old_file).name), Text(Path(rev.new_file).name),
            )
        console.print(revisions)

    if not obs.problems:
        console.print(Text("No problems found.", style="green"))
        return EXIT_OK
    problems = Table(title=f"Problems ({len(obs.problems)})", title_justify="left")
    for name in ("file", "row", "column", "found", "expected"):
        problems.add_column(name, overflow="fold")
    for problem in obs.problems:
        problems.add_row(
            Text(problem.file), "" if problem.row is None else str(problem.row),
            Text(problem.column or ""), Text(problem.found), Text(problem.expected),
        )
    console.print(problems)
    return EXIT_PROBLEMS


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.6g}"


# export -----------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
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
    ).select("kpi", "force", "period", "quarter", "value", "numerator", "denominator",
             "lower", "upper", "status", "file")
    buffer = io.BytesIO()
    if args.format == "parquet":
        if not args.output:
            raise UsageError("Parquet is binary: give --output FILE")
        frame.write_parquet(buffer)
    else:
        frame.write_csv(buffer)
    data = buffer.getvalue()
    if args.output:
        write_atomically(Path(args.output), data, overwrite=args.overwrite)
        make_console(args, stderr=True).print(f"wrote {frame.height:,} rows to {args.output}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


# the terminal app -------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    from pcp_tui.tui.app import run_app  # Textual only here

    loaded = load(args)
    return run_app(loaded.config, loaded.observations, quarter=args.quarter)


# parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE",
                        help="the framework (default: ./config.toml, else the bundled one)")
    common.add_argument("--data", metavar="PATH", action="append",
                        help="a data file or folder (repeatable; default: the config's "
                             "data_folder)")
    common.add_argument("--quarter", type=_parse_quarter, metavar="Q",
                        help="the as-of quarter, e.g. '2021/22 Q2' (default: the latest)")
    common.add_argument("--no-color", action="store_true", help="plain text (as NO_COLOR=1)")
    common.add_argument("--width", type=int, metavar="N", help="wrap printouts at N columns")

    parser = argparse.ArgumentParser(
        prog="pcp-tui",
        parents=[common],
        description="Hold a police force to account against its Police and Crime Plan.",
        epilog="With no command, opens the terminal app. Examples:\n"
        "  pcp-tui validate\n"
        "  pcp-tui export --kpi residential-burglary --format csv > burglary.csv\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pcp-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser(
        "validate", parents=[common], help="check config and data; exit 1 if anything is wrong",
        description="Check the config and every data file. Exit status: 0 clean, "
        "1 problems found, 2 usage or config error.",
        epilog="Example:\n  pcp-tui validate --data data/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.set_defaults(func=cmd_validate)

    export = sub.add_parser(
        "export", parents=[common], help="write the canonical data as CSV or Parquet",
        description="Write the loaded data (one row per KPI, force and quarter) for Excel or "
        "other tools.",
        epilog="Examples:\n"
        "  pcp-tui export --format csv > all.csv\n"
        "  pcp-tui export --kpi rape-positive-outcome-rate --force WMP --output rape.csv\n"
        "  pcp-tui export --format parquet --output all.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", choices=("csv", "parquet"), default="csv")
    export.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    export.add_argument("--overwrite", action="store_true", help="replace an existing file")
    export.add_argument("--kpi", action="append", metavar="ID", help="only this KPI (repeatable)")
    export.add_argument("--force", action="append", metavar="FORCE",
                        help="only this force: id, name or short name (repeatable)")
    export.set_defaults(func=cmd_export)
    parser.set_defaults(func=cmd_open)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    err = make_console(args, stderr=True)
    try:
        return args.func(args)
    except ConfigError as error:
        err.print(Text(f"The config cannot be used ({len(error.problems)} problems):",
                       style="bold red"))
        for problem in error.problems:
            err.print(Text(f"  {problem}"))
        return EXIT_USAGE
    except UsageError as error:
        err.print(Text(f"pcp-tui: {error}", style="red"))
        return EXIT_USAGE
    except BrokenPipeError:
        # `pcp-tui export | head` closes the pipe early; that is not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
