"""What every command needs: the console, the config and data the options name, the assessment
at `--quarter`, and the lookups that turn what was typed into ids."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from pcp_tui.config import Config, load_config, locate_config
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.framework import Framework, PlanNode
from pcp_tui.render import literal, plural, visible
from pcp_tui.start_cache import StartCache, data_key

if TYPE_CHECKING:
    from pcp_tui.rules.assess import Assessment, Timeline


class UsageError(Exception):
    """Bad options: printed as a one-line message, exit status 2."""


@dataclass(frozen=True)
class Loaded:
    config: Config
    observations: Observations
    timeline: Timeline | None = None
    """Every quarter assessed, when a kept start gave it (`start_cache`)."""
    remember: Callable[[Timeline], None] | None = None
    """Keeps this start for the next one, once its timeline is built (None: it was kept)."""
    reopen: Callable[[], StartCache] | None = None
    """The kept start of the same config and data folder, opened afresh (None: turned off):
    what a reload keeps its new start in."""

    def assessed(self) -> Timeline:
        """The timeline, built once if no kept start gave it."""
        from pcp_tui.rules.assess import build_timeline

        if self.timeline is None:
            object.__setattr__(self, "timeline", build_timeline(self.config, self.observations))
        assert self.timeline is not None
        return self.timeline

    def keep(self) -> None:
        """Keep this start for the next one, with the quarters assessed so far."""
        if self.remember is not None:
            self.remember(self.assessed())
            object.__setattr__(self, "remember", None)


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
    """Config and data as the options ask, from the last start when nothing it read has
    changed (`start_cache`); ConfigError propagates for exit status 2."""
    config_path = locate_config(args.config)
    reopen = partial(StartCache.open, config_path, args.data,
                     enabled=not getattr(args, "no_cache", False))
    cache = reopen()
    written = cache.config() or load_config(config_path)  # as the file says: what is kept
    config = written
    notes = getattr(args, "notes", None)
    if notes:  # `--notes FILE` wins over settings.notes_file, for every command and the app
        path = str(Path(notes).expanduser().resolve())
        config = replace(config, settings=replace(config.settings, notes_file=path))
    data = [Path(p) for p in args.data] if args.data else [config.data_folder]
    if cache.path is None:
        return Loaded(config, load_observations(data, config))
    key = data_key(data)  # before the files are read
    kept = cache.data(key, config)
    if kept is not None:
        return Loaded(config, *kept, reopen=reopen)
    observations = load_observations(data, config)
    return Loaded(config, observations, remember=partial(cache.store, key, written, observations),
                  reopen=reopen)


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


def for_terminal(text: str) -> str:
    """Machine-readable output (CSV, JSON, Markdown) as it may reach a terminal: when stdout is
    a terminal, control characters other than newline and tab are shown as escapes (`\\x1b`),
    never acted on; piped or redirected, the text is exact."""
    if _stdout_is_terminal():
        return visible(text, newlines=True)
    return text


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def write_stdout(text: str) -> None:
    sys.stdout.write(for_terminal(text))
    sys.stdout.flush()


def assess_args(args: argparse.Namespace, loaded: Loaded, *,
                require_data: bool = False) -> Assessment:
    """The assessment at `--quarter` (default: the latest quarter with data).

    With no usable data at all, `require_data` makes it a usage error (exit 2): a scheduled
    `pcp-tui alerts` must not report "no alerts" when it had nothing to judge."""
    from rich.text import Text

    timeline = loaded.assessed()
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
    count = len(loaded.observations.problems)
    if count:
        make_console(args, stderr=True).print(Text(
            f"pcp-tui: {plural(count, 'data problem')} (rows skipped); "
            "run `pcp-tui validate` to list them", style="yellow"), soft_wrap=True)
    assessment = timeline.at(quarter)
    loaded.keep()
    return assessment


def resolve_force(settings: Any, name: str) -> str:
    force_id = settings.force_id(name)
    if force_id is None:
        raise UsageError(f"unknown force {name!r}; expected one of " + ", ".join(settings.forces))
    return force_id


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def node_kpis(framework: Framework, node_id: str) -> set[str] | None:
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


def find_kpi(framework: Framework, text: str) -> str:
    if text in framework.kpi_ids:
        return text
    wanted = text.casefold()
    for kpi in framework.kpis:  # a short title or title typed out in full also works
        if wanted in (kpi.short.casefold(), kpi.title.casefold()):
            return kpi.id
    raise UsageError(f"unknown KPI {text!r}" + suggest(text, framework.kpi_ids)
                     + " (`pcp-tui summary` lists them; ids are in config.toml)")


def report_note_problems(args: argparse.Namespace, log: Any, problems: Sequence[Any]) -> None:
    if problems:
        err = make_console(args, stderr=True)
        for problem in problems:
            err.print(literal(f"pcp-tui: {log.path}, line {problem.line}: {problem.message}",
                              "yellow"), soft_wrap=True)
