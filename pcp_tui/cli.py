"""`pcp-tui` and its subcommands.

Textual is imported only when the terminal app opens, so the printouts start quickly.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pcp_tui import __version__
from pcp_tui.alerts import SEVERITIES
from pcp_tui.config import Config, ConfigError, load_config, locate_config
from pcp_tui.crash import write_crash_log
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.framework import Framework, PlanNode
from pcp_tui.importers.command import add_import_parser
from pcp_tui.notes import NotesError
from pcp_tui.periods import PeriodError, Quarter
from pcp_tui.render import literal, print_trimmed

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.rules.assess import Assessment

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error


class UsageError(Exception):
    """Bad options: printed as a one-line message, exit status 2."""


@dataclass(frozen=True)
class Loaded:
    config: Config
    observations: Observations


def plain_requested(args: argparse.Namespace) -> bool:
    """`--no-color` or a non-empty NO_COLOR (https://no-color.org) ask for plain text."""
    return bool(getattr(args, "no_color", False) or os.environ.get("NO_COLOR"))


def make_console(args: argparse.Namespace, *, stderr: bool = False) -> Console:
    """A console for printouts: plain text when asked (no colour, no bold: no escape codes at
    all), never parsing markup (text from data files and notes prints as written), no emoji
    codes, no highlighting. Piped output is plain and 80 columns wide unless `--width` says."""
    plain = plain_requested(args)
    return Console(
        stderr=stderr,
        no_color=plain,
        color_system=None if plain else "auto",
        markup=False,
        highlight=False,
        width=getattr(args, "width", None),
        emoji=False,
    )


def load(args: argparse.Namespace) -> Loaded:
    """Config and data as the options ask; ConfigError propagates for exit status 2."""
    config = load_config(locate_config(args.config))
    notes = getattr(args, "notes", None)
    if notes:  # `--notes FILE` wins over settings.notes_file, for every command and the app
        path = str(Path(notes).expanduser().resolve())
        config = replace(config, settings=replace(config.settings, notes_file=path))
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
        # mkstemp makes the file private; give it the mode a plain write would have
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
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
            revisions.add_column(name, overflow="fold",
                                 no_wrap=name in ("force", "quarter", "was", "now"))
        for rev in obs.revisions:
            force = settings.forces.get(rev.force)
            what = {"value_12m": " (12 months)", "status": " (status)"}.get(rev.field, "")
            revisions.add_row(
                literal(rev.kpi + what), literal(force.short if force else rev.force),
                rev.quarter.label, _num(rev.old_value), _num(rev.new_value),
                literal(Path(rev.old_file).name), literal(Path(rev.new_file).name),
            )
        console.print(revisions)

    if not obs.problems:
        console.print(Text("No problems found.", style="green"))
        return EXIT_OK
    console.print(Text(f"Problems ({len(obs.problems)})", style="bold"))
    by_file: dict[str, list] = {}
    for problem in obs.problems:
        by_file.setdefault(problem.file, []).append(problem)
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


def _num(value: float | str | None) -> str:
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{value:,.6g}"


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
        # text cells a spreadsheet would run as a formula get a leading apostrophe; numbers,
        # negative ones included, stay numbers
        text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
        starts = "^[" + "".join("\\" + c if c in "-+" else c for c in "=+-@") + "\t\r]"
        frame.with_columns(
            pl.when(pl.col(name).str.contains(starts)).then(pl.lit("'") + pl.col(name))
            .otherwise(pl.col(name)).alias(name)
            for name in text
        ).write_csv(buffer)
    data = buffer.getvalue()
    if args.output:
        write_atomically(Path(args.output), data, overwrite=args.overwrite)
        make_console(args, stderr=True).print(f"wrote {frame.height:,} rows to {args.output}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


# assessment helpers ---------------------------------------------------------------------------


def assess_args(args: argparse.Namespace, loaded: Loaded, *,
                require_data: bool = False) -> Assessment:
    """The assessment at `--quarter` (default: the latest quarter with data).

    With no usable data at all, `require_data` makes it a usage error (exit 2): a scheduled
    `pcp-tui alerts` must not report "no alerts" when it had nothing to judge."""
    from pcp_tui.rules.assess import build_timeline

    timeline = build_timeline(loaded.config, loaded.observations)
    quarter = getattr(args, "quarter", None)
    if quarter is not None and quarter not in timeline.quarters:
        if timeline.quarters:
            raise UsageError(
                f"no data for {quarter.label}; the data covers {timeline.quarters[0].label} "
                f"to {timeline.quarters[-1].label}")
        raise UsageError(f"no data for {quarter.label}: no usable rows were loaded")
    if not timeline.quarters:
        folders = ", ".join(args.data) if args.data else str(loaded.config.data_folder)
        message = (f"no usable data in {folders}; run `pcp-tui validate` to see why")
        if require_data:
            raise UsageError(message)
        make_console(args, stderr=True).print(literal(f"pcp-tui: {message}", "yellow"),
                                              soft_wrap=True)
    if loaded.observations.problems:
        make_console(args, stderr=True).print(Text(
            f"pcp-tui: {len(loaded.observations.problems)} data problems (rows skipped); "
            "run `pcp-tui validate` to list them", style="yellow"), soft_wrap=True)
    return timeline.at(quarter)


def _resolve_force(settings: Any, name: str) -> str:
    force_id = settings.force_id(name)
    if force_id is None:
        raise UsageError(f"unknown force {name!r}; expected one of " + ", ".join(settings.forces))
    return force_id


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _node_kpis(framework: Framework, node_id: str) -> set[str] | None:
    """The KPIs under a section, objective or sub-objective of the plan (None: no such node)."""
    def walk(nodes: Sequence[PlanNode]) -> set[str] | None:
        for node in nodes:
            if node.id == node_id:
                return {kpi.id for kpi in node.walk_kpis()}
            found = walk(node.children)
            if found is not None:
                return found
        return None

    return walk(framework.by_plan())


# alerts -------------------------------------------------------------------------------------


def cmd_alerts(args: argparse.Namespace) -> int:
    from pcp_tui import printouts
    from pcp_tui.alerts import SEVERITY_RANK
    from pcp_tui.render import AlertTable, alerts_header, group_alerts

    loaded = load(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    kpi_filter: set[str] | None = None
    if args.objective:
        kpi_filter = _node_kpis(framework, args.objective)
        if kpi_filter is None:
            ids = [n.id for n in (*framework.sections, *framework.objectives,
                                  *framework.sub_objectives)] + ["national-only"]
            raise UsageError(f"unknown objective {args.objective!r}"
                             + _suggest(args.objective, ids))
    if args.priority:
        ids = [p.id for p in framework.priorities]
        if args.priority not in ids:
            raise UsageError(f"unknown national priority {args.priority!r}; expected one of "
                             + ", ".join(ids))
        wanted = {k.id for k in framework.kpis if args.priority in k.priorities}
        kpi_filter = wanted if kpi_filter is None else kpi_filter & wanted
    force = _resolve_force(settings, args.force) if args.force else None
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
        _write_stdout(printouts.alerts_json(assessment, alerts, resolved,
                                            {k: v for k, v in filters.items() if v}))
        return status
    if args.format == "csv":
        _write_stdout(printouts.alerts_csv(assessment, alerts, resolved))
        return status
    if args.format == "markdown":
        _write_stdout(printouts.alerts_markdown(
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
    return status


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


# summary ------------------------------------------------------------------------------------


def cmd_summary(args: argparse.Namespace) -> int:
    from pcp_tui.render import summary_legend, summary_tree

    if args.depth is not None and args.depth < 1:
        raise UsageError("--depth is 1 or more (1 sections, 2 objectives, 3 sub-objectives, "
                         "4 every KPI)")
    loaded = load(args)
    assessment = assess_args(args, loaded)
    console = make_console(args)
    by = "priority" if args.by == "priority" else "plan"
    print_trimmed(console, summary_tree(assessment, by=by, depth=args.depth,
                               only_alerts=args.only_alerts))
    print_trimmed(console, summary_legend(by, 12 if console.width >= 100 else 8))
    return EXIT_OK


# show ---------------------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.render import kpi_printout

    loaded = load(args)
    framework, settings = loaded.config.framework, loaded.config.settings
    kpi_id = _find_kpi(framework, args.kpi)
    force = _resolve_force(settings, args.force) if args.force else None
    assessment = assess_args(args, loaded)
    notes = []
    if not args.no_notes:
        log = NotesLog(loaded.config.notes_path)
        everything, problems = log.read()
        _report_note_problems(args, log, problems)
        notes = [n for n in everything if n.subject == kpi_id
                 and (assessment.as_of is None or n.as_quarter <= assessment.as_of)]
    console = make_console(args)
    print_trimmed(console, kpi_printout(assessment, kpi_id, force=force, notes=notes,
                               history_rows=args.history))
    return EXIT_OK


def _find_kpi(framework: Framework, text: str) -> str:
    if text in framework.kpi_ids:
        return text
    wanted = text.casefold()
    for kpi in framework.kpis:  # a short title or title typed out in full also works
        if wanted in (kpi.short.casefold(), kpi.title.casefold()):
            return kpi.id
    raise UsageError(f"unknown KPI {text!r}" + _suggest(text, framework.kpi_ids)
                     + " (`pcp-tui summary` lists them; ids are in config.toml)")


def _report_note_problems(args: argparse.Namespace, log: Any, problems: Sequence[Any]) -> None:
    if problems:
        err = make_console(args, stderr=True)
        for problem in problems:
            err.print(literal(f"pcp-tui: {log.path}, line {problem.line}: {problem.message}",
                              "yellow"), soft_wrap=True)


# report -------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.report import render_html, render_markdown

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = "html" if suffix in (".html", ".htm") else "markdown"
    loaded = load(args)
    assessment = assess_args(args, loaded)
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    _report_note_problems(args, log, problems)
    text = (render_html if fmt == "html" else render_markdown)(assessment, notes)
    if args.output:
        write_atomically(Path(args.output), text.encode("utf-8"), overwrite=args.overwrite)
        quarter = assessment.as_of.label if assessment.as_of else "no data"
        make_console(args, stderr=True).print(
            literal(f"wrote the {quarter} board report ({fmt}) to {args.output}"),
            soft_wrap=True)
    else:
        _write_stdout(text)
    return EXIT_OK


# notes --------------------------------------------------------------------------------------


def _note_subject(framework: Framework, subject: str) -> str:
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
                     + _suggest(subject, framework.kpi_ids))


def _subject_title(framework: Framework, subject: str) -> str:
    try:
        if subject.startswith("priority:"):
            return framework.title_of(subject.removeprefix("priority:"))
        return framework.kpi(subject).title
    except KeyError:
        return "(not in this framework)"


def cmd_note_add(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog

    loaded = load(args)
    framework = loaded.config.framework
    subject = _note_subject(framework, args.subject)
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
        literal(_subject_title(framework, subject)), f"), {note.quarter}, to ",
        literal(str(log.path)), "."))
    return EXIT_OK


def cmd_note_list(args: argparse.Namespace) -> int:
    from pcp_tui.notes import NotesLog
    from pcp_tui.render import note_block

    loaded = load(args)
    framework = loaded.config.framework
    subject = _note_subject(framework, args.subject) if args.subject else None
    log = NotesLog(loaded.config.notes_path)
    notes, problems = log.read()
    _report_note_problems(args, log, problems)
    notes = [n for n in notes
             if (subject is None or n.subject == subject)
             and (args.quarter is None or n.quarter == args.quarter.label)
             and (args.kind is None or n.kind == args.kind)]
    if args.format == "json":
        _write_stdout(json.dumps([asdict(n) for n in notes], ensure_ascii=False, indent=2)
                      + "\n")
        return EXIT_OK
    console = make_console(args)
    if not notes:
        print_trimmed(console, Text(f"No notes in {log.path} for these filters."))
        return EXIT_OK
    parts: list[Any] = [Text.assemble(f"{len(notes)} notes in ", literal(str(log.path)))]
    heading = None
    for note in sorted(notes, key=lambda n: (n.as_quarter, n.subject, n.kind, n.written_at)):
        if (note.quarter, note.subject) != heading:
            heading = (note.quarter, note.subject)
            parts += [Text(""), Text.assemble(
                (note.quarter, "bold"), " · ", literal(note.subject, "bold"), " — ",
                literal(_subject_title(framework, note.subject)))]
        parts.append(note_block(note, quarter=False))
    print_trimmed(console, *parts)
    return EXIT_OK


# the terminal app -------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    from pcp_tui.tui.app import run_app  # Textual only here

    loaded = load(args)
    return run_app(loaded.config, loaded.observations, quarter=args.quarter,
                   data_paths=args.data)


# parser -----------------------------------------------------------------------------------


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE",
                        help="the framework (default: ./config.toml, else the bundled one)")
    common.add_argument("--data", metavar="PATH", action="append",
                        help="a data file or folder (repeatable; default: the config's "
                             "data_folder)")
    common.add_argument("--quarter", type=_parse_quarter, metavar="Q",
                        help="the as-of quarter, e.g. '2021/22 Q2' (default: the latest)")
    common.add_argument("--notes", metavar="FILE",
                        help="the notes file (default: settings.notes_file, else notes.jsonl "
                             "beside the config, or ~/.local/share/pcp-tui/ for the bundled one)")
    common.add_argument("--no-color", action="store_true",
                        help="plain text, no colour or bold (as NO_COLOR=1)")
    common.add_argument("--width", type=_positive_int, metavar="N",
                        help="wrap printouts at N columns (piped output: 80)")

    parser = argparse.ArgumentParser(
        prog="pcp-tui",
        parents=[common],
        description="Hold a police force to account against its Police and Crime Plan.",
        epilog="With no command, opens the terminal app. Examples:\n"
        "  pcp-tui                                 # the terminal app, latest quarter\n"
        "  pcp-tui alerts                          # what needs attention; exit 1 on a breach\n"
        "  pcp-tui summary --depth 2               # statuses by objective\n"
        "  pcp-tui show rape-positive-outcome-rate # one KPI in full\n"
        "  pcp-tui report --output board.html      # the quarterly board report\n"
        "  pcp-tui note add priority:homicide --kind reflection --text '...'\n"
        "  pcp-tui validate\n"
        "  pcp-tui export --kpi residential-burglary --format csv > burglary.csv\n"
        "  pcp-tui import ons-pfa pfatablesdec19.xlsx --out data/   # ONS PFA tables\n"
        "  pcp-tui import police-uk ~/police-uk/2021-09/ --out data/\n"
        "Exit status: 0 fine, 1 problems or alerts found (validate, alerts), "
        "2 usage or config error.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"pcp-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser(
        "validate", parents=[common], help="check config and data; exit 1 if anything is wrong",
        description="Check the config and every data file. Exit status: 0 clean, "
        "1 problems found, 2 usage or config error.",
        epilog="Example:\n  pcp-tui validate --data data/",
        formatter_class=_formatter,
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
        formatter_class=_formatter,
    )
    export.add_argument("--format", choices=("csv", "parquet"), default="csv")
    export.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    export.add_argument("--overwrite", action="store_true", help="replace an existing file")
    export.add_argument("--kpi", action="append", metavar="ID", help="only this KPI (repeatable)")
    export.add_argument("--force", action="append", metavar="FORCE",
                        help="only this force: id, name or short name (repeatable)")
    export.set_defaults(func=cmd_export)

    alerts = sub.add_parser(
        "alerts", parents=[common], help="print the alerts; exit 1 when one is at --fail-on",
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
        formatter_class=_formatter,
    )
    alerts.add_argument("--format", choices=("table", "json", "csv", "markdown"),
                        default="table", help="default: table")
    alerts.add_argument("--severity", choices=SEVERITIES, default="data", metavar="SEVERITY",
                        help="the least urgent severity to show: "
                             + ", ".join(SEVERITIES) + " (default: data, i.e. all)")
    alerts.add_argument("--objective", metavar="ID",
                        help="only KPIs under this objective (or section, or sub-objective)")
    alerts.add_argument("--priority", metavar="ID", help="only this national priority's KPIs")
    alerts.add_argument("--force", metavar="FORCE", help="only this force (id, name or short)")
    alerts.add_argument("--by", choices=("objective", "priority"), default="objective",
                        help="group by plan objective (default) or national priority")
    alerts.add_argument("--fail-on", choices=(*SEVERITIES, "none"), default="breach",
                        metavar="SEVERITY",
                        help="exit 1 when an alert at or above this severity is shown "
                             "(default: breach; 'none' always exits 0)")
    alerts.add_argument("--brief", action="store_true",
                        help="one line per alert, without the sentences")
    alerts.add_argument("--schema", action=_SchemaAction, nargs=0,
                        help="print the JSON/CSV schema and exit")
    alerts.set_defaults(func=cmd_alerts)

    summary = sub.add_parser(
        "summary", parents=[common], help="print the plan as a tree with glyphs and sparklines",
        description="The plan as a tree: sections, objectives (with counts by status), "
        "sub-objectives and KPIs, each KPI with its status glyph, latest figure, change on its "
        "baseline and a sparkline of the last 12 quarters with the range it spans.",
        epilog="Examples:\n"
        "  pcp-tui summary\n"
        "  pcp-tui summary --depth 2                # sections and objectives only\n"
        "  pcp-tui summary --only-alerts --width 120\n"
        "  pcp-tui summary --by priority --quarter '2020/21 Q4'",
        formatter_class=_formatter,
    )
    summary.add_argument("--depth", type=int, metavar="N",
                         help="levels to show: 1 sections, 2 objectives, 3 sub-objectives "
                              "(and KPIs directly under objectives), 4 every KPI")
    summary.add_argument("--only-alerts", action="store_true",
                         help="only KPIs with a breach, warning or signal, and their parents")
    summary.add_argument("--by", choices=("plan", "priority"), default="plan",
                         help="the plan's sections (default) or the six national priorities")
    summary.set_defaults(func=cmd_summary)

    show = sub.add_parser(
        "show", parents=[common], help="print one KPI: history, target, SPC, MSF, notes",
        description="One KPI in full: where it sits in the plan, its target and status, the "
        "history with each quarter's SPC label, control limits, most similar forces, alerts "
        "and the notes written on it.",
        epilog="Examples:\n"
        "  pcp-tui show rape-positive-outcome-rate\n"
        "  pcp-tui show residential-burglary --force GMP\n"
        "  pcp-tui show homicides --quarter '2020/21 Q4' --history 8",
        formatter_class=_formatter,
    )
    show.add_argument("kpi", metavar="KPI", help="a KPI id (or its short title)")
    show.add_argument("--force", metavar="FORCE",
                      help="show a most similar force's series (default: the home force)")
    show.add_argument("--history", type=_positive_int, metavar="N",
                      help="only the last N quarters in the history table")
    show.add_argument("--no-notes", action="store_true", help="leave the notes out")
    show.set_defaults(func=cmd_show)

    report = sub.add_parser(
        "report", parents=[common], help="write the quarterly board report (Markdown or HTML)",
        description="The quarterly report to the Strategic Policing and Crime Board: statuses "
        "by objective, every breach, warning and signal with its explanation, each national "
        "priority's proxy metrics against the 12 months ending June 2019 with the reflections "
        "and planned actions written for it (missing commentary is listed as missing), most "
        "similar force comparisons, data problems and revisions. HTML is one self-contained "
        "file that prints well.",
        epilog="Examples:\n"
        "  pcp-tui report --output board-2021-22-Q2.html\n"
        "  pcp-tui report --format markdown --quarter '2021/22 Q1' > board.md\n"
        "  pcp-tui report --output board.html --overwrite --notes team-notes.jsonl",
        formatter_class=_formatter,
    )
    report.add_argument("--format", choices=("markdown", "html"),
                        help="default: from the --output suffix (.html → html), else markdown")
    report.add_argument("--output", "-o", metavar="FILE", help="a file (default: stdout)")
    report.add_argument("--overwrite", action="store_true", help="replace an existing file")
    report.set_defaults(func=cmd_report)

    note = sub.add_parser(
        "note", parents=[common], help="add or list reflections and planned actions",
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
        formatter_class=_formatter,
    )
    note_sub = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    note_add = note_sub.add_parser(
        "add", parents=[common], help="add a reflection or a planned action",
        description="Add a note for a quarter (default: the latest quarter with data).",
        epilog="Examples:\n"
        "  pcp-tui note add priority:serious-violence --kind reflection --text 'Knife crime "
        "is down ...'\n"
        "  pcp-tui note add pcsos --kind action --quarter '2021/22 Q2' --text - < plan.txt",
        formatter_class=_formatter,
    )
    note_add.add_argument("subject", metavar="KPI_OR_priority:ID",
                          help="a KPI id, or priority:<id> for a national priority")
    note_add.add_argument("--kind", choices=("reflection", "action"), required=True)
    note_add.add_argument("--text", required=True, metavar="TEXT",
                          help="the note ('-' reads it from standard input)")
    note_add.set_defaults(func=cmd_note_add)
    note_list = note_sub.add_parser(
        "list", parents=[common], help="list notes",
        description="List notes, oldest quarter first (every quarter unless --quarter).",
        epilog="Examples:\n"
        "  pcp-tui note list\n"
        "  pcp-tui note list --quarter '2021/22 Q2' --subject priority:homicide\n"
        "  pcp-tui note list --kind action --format json",
        formatter_class=_formatter,
    )
    note_list.add_argument("--subject", metavar="S", help="a KPI id or priority:<id>")
    note_list.add_argument("--kind", choices=("reflection", "action"))
    note_list.add_argument("--format", choices=("table", "json"), default="table")
    note_list.set_defaults(func=cmd_note_list)

    add_import_parser(sub, common, _formatter)
    parser.set_defaults(func=cmd_open)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


class _SchemaAction(argparse.Action):
    """`pcp-tui alerts --schema`: the documented JSON/CSV schema, then exit 0."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from pcp_tui.printouts import ALERTS_SCHEMA_DOC

        sys.stdout.write(ALERTS_SCHEMA_DOC)
        parser.exit(EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    err = make_console(args, stderr=True)
    try:
        return args.func(args)
    except ConfigError as error:
        err.print(Text(f"The config cannot be used ({len(error.problems)} problems):",
                       style="bold red"), soft_wrap=True)
        for problem in error.problems:
            err.print(literal(f"  {problem}"), soft_wrap=True)
        return EXIT_USAGE
    except (UsageError, NotesError) as error:
        err.print(Text.assemble(("pcp-tui: ", "red"), literal(str(error), "red")),
                  soft_wrap=True)
        return getattr(error, "exit_status", EXIT_USAGE)  # a notes file the disk refused: 1
    except BrokenPipeError:
        # `pcp-tui export | head` closes the pipe early; that is not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # anything unforeseen: a short message and a full log
        log = write_crash_log(error, argv)
        err.print(Text.assemble(
            ("pcp-tui stopped on an unexpected error: ", "bold red"),
            literal(f"{type(error).__name__}: {error}"),
            "\nNothing you wrote was lost. The full report is in ",
            literal(str(log) if log else "(it could not be written)"),
            ".",
        ), soft_wrap=True)
        return EXIT_SOFTWARE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
