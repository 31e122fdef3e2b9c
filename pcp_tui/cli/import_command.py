"""`pcp-tui import ons-pfa FILE.xlsx …`, `import police-uk PATH …`, `import ho-workforce FILE.ods …`
and `import ho-use-of-force FILE.ods …`.

`cli/main.py` wires these in with `add_import_parser(sub, common, formatter)`. The command reads the
config (and its `[import]` tables), runs the importer with a progress bar on a terminal, writes
the return into the data folder (or `--out`) — one return per edition for the workforce tables,
so that the loader keeps what a later edition restates as a revision — and prints what it did:
rows and quarters written, the Problems found in the source files, and the categories it left
unmapped.

Exit status: 0 a return was written and the sources had no problems; 1 a return was written
but the sources had problems (listed), or nothing could be imported; 2 usage or config error,
or the return exists and `--force` was not given.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from pcp_tui.cli.context import make_console
from pcp_tui.cli.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from pcp_tui.config import Config, load_config, locate_config
from pcp_tui.render import literal, plural

if TYPE_CHECKING:  # the importers are imported when an import runs, not at every start
    from pcp_tui.importers.returns import ImportResult

SHOWN_PROBLEMS = 20

SOURCES = {
    "ons-pfa": (
        "ONS Police Force Area data tables (.xlsx) → 12-month figures",
        "Read ONS 'Crime in England and Wales: Police Force Area data tables' workbooks: "
        "Table P1 offence groups, Table P4 knife offences and (March editions) anti-social "
        "behaviour incidents by financial year. Each figure is a rolling 12-month total and is "
        "written as `value_12m` at the quarter its 12 months end with.",
        "  pcp-tui import ons-pfa ~/Downloads/pfatablesdec19.xlsx\n"
        "  pcp-tui import ons-pfa ~/Downloads/ons/ --out data/ --force",
    ),
    "police-uk": (
        "police.uk monthly archive (CSV) → quarterly counts and rates",
        "Read the police.uk archive (YYYY-MM/YYYY-MM-<force>-street.csv and "
        "…-stop-and-search.csv, folders searched recursively): quarterly counts of mapped crime "
        "types, section 60 searches, and the positive-outcome and offensive-weapon shares of "
        "reasonable-grounds searches, for complete quarters only.",
        "  pcp-tui import police-uk ~/Downloads/police-uk-2021-09/\n"
        "  pcp-tui import police-uk 2021-07/ 2021-08/ 2021-09/ --out data/",
    ),
    "ho-workforce": (
        "Home Office police workforce tables (.ods, .xlsx) → levels at 30 Sep / 31 Mar",
        "Read Home Office 'Police workforce, England and Wales' tables: police officers "
        "(headcount and full-time equivalents, two series), PCSOs, special constables and "
        "police support volunteers for every force, as levels at the tables' 'as at' dates "
        "(30 September is the end of Q2, 31 March of Q4). One return per edition, so a later "
        "edition restating a date is kept as a revision; full-time equivalents and forces "
        "outside the config go to the context table.",
        "  pcp-tui import ho-workforce ~/Downloads/police-workforce-sep19-tables.ods\n"
        "  pcp-tui import ho-workforce ~/Downloads/workforce/ --out data/ --force",
    ),
    "ho-use-of-force": (
        "Home Office police use of force tables (.ods, .xlsx) → financial-year totals",
        "Read Home Office 'Police use of force statistics' tables: incidents by police force "
        "and tactics by police force and the person's perceived ethnicity, as financial-year "
        "totals (`value_12m` at the year's Q4). Series that no KPI takes with the same "
        "definition are written to the context tables only.",
        "  pcp-tui import ho-use-of-force ~/Downloads/police-use-of-force-apr2018-mar2019.ods\n"
        "  pcp-tui import ho-use-of-force ~/Downloads/use-of-force/ --out data/",
    ),
}
PATH_ARGUMENTS = {"police-uk": ("PATH", "archive folders or CSV files")}


def add_import_parser(
    sub: Any, common: argparse.ArgumentParser,
    formatter: Callable[[str], argparse.HelpFormatter],
) -> argparse.ArgumentParser:
    """Add `import ons-pfa`, `police-uk`, `ho-workforce` and `ho-use-of-force` to a
    subparsers object."""
    parser = sub.add_parser(
        "import", parents=[common], help="turn public data files into a quarterly return",
        description="Turn published data into a quarterly return in the data folder, with a "
        "provenance file beside it. Exit status: 0 written, 1 written with problems in the "
        "sources (or nothing to write), 2 usage or config error, or the return exists.",
        formatter_class=formatter,
    )
    parser.set_defaults(usage_parser=parser)
    sources = parser.add_subparsers(dest="import_source", metavar="SOURCE", required=True)
    for name, (short, description, examples) in SOURCES.items():
        one = sources.add_parser(
            name, parents=[common], help=short, description=description,
            epilog="Examples:\n" + examples, formatter_class=formatter,
        )
        metavar, paths_help = PATH_ARGUMENTS.get(name, ("FILE", "workbooks or folders of them"))
        one.add_argument("paths", nargs="+", metavar=metavar, help=paths_help)
        one.add_argument("--out", metavar="DIR",
                         help="a folder (the return is named after the source and quarters) or "
                              "a .csv path (default: the config's data folder)")
        one.add_argument("--force", action="store_true",
                         help="replace a return (and its provenance) of the same name")
        if name == "police-uk":
            one.add_argument("--no-hash", action="store_true",
                             help="do not record a sha256 of every source file (faster)")
        one.set_defaults(func=cmd_import, import_source=name, usage_parser=one)
    return parser


def run_import(
    args: argparse.Namespace, config: Config, progress: Any, out: Path | None = None,
) -> tuple[ImportResult, ...]:
    """The import the options ask for, with the config's `[import]` tables: one result per
    return to write (the workforce tables give one per edition, earliest first)."""
    from pcp_tui.importers.mapping import read_import_tables

    tables = read_import_tables(config.path)
    if args.import_source == "ons-pfa":
        from pcp_tui.importers.ons_pfa import import_ons_pfa

        return (import_ons_pfa(args.paths, config, tables.get("ons_pfa"), progress=progress),)
    if args.import_source == "ho-workforce":
        from pcp_tui.importers.ho_workforce import import_ho_workforce

        return import_ho_workforce(args.paths, config, tables.get("ho_workforce"),
                                   progress=progress)
    if args.import_source == "ho-use-of-force":
        from pcp_tui.importers.ho_use_of_force import import_ho_use_of_force

        return (import_ho_use_of_force(args.paths, config, tables.get("ho_use_of_force"),
                                       progress=progress),)
    from pcp_tui.importers.digests import CACHE_NAME, DigestCache
    from pcp_tui.importers.police_uk import import_police_uk

    # the sources' sha256 are kept beside the returns and reused while a file is unchanged
    folder = None if out is None else (out.parent if out.suffix.lower() == ".csv" else out)
    digests = DigestCache(folder / CACHE_NAME) if folder is not None else None
    return (import_police_uk(args.paths, config, tables.get("police_uk"), progress=progress,
                             hash_sources=not getattr(args, "no_hash", False),
                             digest_cache=digests),)


def cmd_import(args: argparse.Namespace) -> int:
    from pcp_tui.importers.mapping import MappingError
    from pcp_tui.importers.progress import rich_progress
    from pcp_tui.importers.returns import (
        EmptyReturnError,
        ReturnWriteError,
        check_targets,
        write_return,
    )

    console = make_console(args)
    err = make_console(args, stderr=True)
    config = load_config(locate_config(args.config))
    if args.out:
        out = Path(args.out)
    elif config.is_bundled:
        err.print(Text("pcp-tui: the bundled config's data folder is part of the installation; "
                       "give --out DIR (or use your own config.toml)", style="red"),
                  soft_wrap=True)
        return EXIT_USAGE
    else:
        out = config.data_folder
    try:
        with rich_progress(err if err.is_terminal else None) as progress:
            results = run_import(args, config, progress, out)
    except MappingError as error:
        err.print(literal(f"The [import] tables of {config.path} cannot be used:",
                          style="bold red"), soft_wrap=True)
        for message in error.messages:
            err.print(literal(f"  {message}"), soft_wrap=True)
        return EXIT_USAGE
    for result in results:
        _print_problems(console, result)
    writable = [r for r in results if not r.is_empty]
    if not writable:
        message = (str(EmptyReturnError.for_result(results[-1])) if results
                   else "nothing to import")
        err.print(literal(f"pcp-tui: nothing written: {message}", style="red"), soft_wrap=True)
        return EXIT_PROBLEMS
    try:
        if len(writable) > 1 and out.suffix.lower() == ".csv" and not out.is_dir():
            raise ReturnWriteError(f"{len(writable)} editions give {len(writable)} returns; "
                                   "give --out a folder rather than a .csv path")
        if not args.force:
            check_targets(writable, out)
        written = [write_return(result, out, overwrite=args.force) for result in writable]
    except ReturnWriteError as error:
        err.print(literal(f"pcp-tui: {error}", style="red"), soft_wrap=True)
        return EXIT_USAGE
    for result, one in zip(writable, written):
        _print_written(console, result, one)
    set_aside = list(dict.fromkeys(line for r in writable for line in r.set_aside))
    if set_aside:
        console.print(Text("Set aside (rows that are not forces of the config):", style="bold"))
        for line in set_aside:
            console.print(Text(f"  {line}"), soft_wrap=True)
    unmapped = list({(u.table, u.label): u for r in writable for u in r.unmapped}.values())
    if unmapped:
        console.print(Text("Left unmapped (no KPI with the same definition):", style="bold"))
        for item in unmapped:
            console.print(literal(f"  {item.table}: {item.label} — {item.reason}"),
                          soft_wrap=True)
    notes = [note for result in writable for note in result.notes]
    for note in notes[:SHOWN_PROBLEMS]:
        console.print(literal(f"Note: {note}"), soft_wrap=True)
    if len(notes) > SHOWN_PROBLEMS:
        console.print(Text(f"… and {len(notes) - SHOWN_PROBLEMS} more notes (all of them are in "
                           "the provenance files)"), soft_wrap=True)
    return EXIT_PROBLEMS if any(r.problems for r in results) else EXIT_OK


def _print_written(console: Any, result: ImportResult, written: Any) -> None:
    quarters = result.quarters
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
    if written.path is None:
        console.print(Text.assemble(
            ("Wrote no return", "bold"), f" (no KPI takes these figures; {span}): context "
            "tables only",
        ), soft_wrap=True)
    else:
        console.print(Text.assemble(
            ("Wrote ", "bold"), f"{written.rows:,} rows ({span}) to ",
            literal(written.path, "bold"),
        ), soft_wrap=True)
    console.print(literal(f"  provenance: {written.provenance_path}"), soft_wrap=True)
    for path in written.context_paths:
        console.print(literal(f"  context: {path}"), soft_wrap=True)


def _print_problems(console: Any, result: ImportResult) -> None:
    if not result.problems:
        return
    console.print(Text(f"{plural(len(result.problems), 'problem')} in the source files:",
                       style="bold"))
    for problem in result.problems[:SHOWN_PROBLEMS]:
        console.print(literal(f"  {problem}"), soft_wrap=True)
    if len(result.problems) > SHOWN_PROBLEMS:
        console.print(Text(f"  … and {len(result.problems) - SHOWN_PROBLEMS} more (all of them "
                           "are in the provenance file)"), soft_wrap=True)
