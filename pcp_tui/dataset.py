"""Quarterly returns in `data/` → one canonical Polars frame and a list of Problems.

A bad row never stops the load: it becomes a Problem naming the file, the row (as a
spreadsheet shows it: the header is row 1 of a CSV, a workbook's is the row it is on), the
column as the header writes it, what was found and what was expected, and every good row still
loads.

Canonical frame, one row per KPI × force × quarter:

| column | type | meaning |
|---|---|---|
| kpi | str | KPI id from the config |
| force | str | force id from the config |
| period | date | first day of the financial-year quarter |
| value | f64 | count in the quarter, level at quarter end, or the rate |
| value_12m | f64 | a published 12-month figure ending with the quarter (e.g. ONS rolling tables) |
| numerator, denominator | f64 | for rates; the value is numerator / denominator × scale |
| lower, upper | f64 | confidence interval of a survey estimate |
| status | str | a commitment's status |
| file | str | the return the row comes from |

Here: loading a folder of returns and what a later return restates. The frame's schema is in
`dataset_schema`, the checks of each row in `dataset_checks`, repeats and the monthly roll-up in
`dataset_rollup`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pcp_tui import wide
from pcp_tui.config import Config
from pcp_tui.dataset_checks import check_rows, header_problems, prepare_batch, quarter_from_name
from pcp_tui.dataset_rollup import drop_repeats, finish_returns
from pcp_tui.dataset_schema import CANONICAL_SCHEMA, empty_frame
from pcp_tui.periods import Quarter
from pcp_tui.reading import (  # noqa: F401  (re-exported: the loader's public names)
    BATCH_ROWS,
    COLUMN_ALIASES,
    DATA_SUFFIXES,
    QUOTE_CHARS,
    Heading,
    Problem,
    UnreadableFile,
    data_files,
    quote,
    read_batches,
    shorten,
)


@dataclass(frozen=True, slots=True)
class Revision:
    """A later return restated a figure an earlier one gave."""

    kpi: str
    force: str
    quarter: Quarter
    old_value: float | str | None
    new_value: float | str | None
    old_file: str
    new_file: str
    field: str = "value"  # value, value_12m (a 12-month figure) or status


@dataclass(frozen=True)
class Observations:
    frame: pl.DataFrame
    problems: tuple[Problem, ...]
    revisions: tuple[Revision, ...]
    files: tuple[str, ...]

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        """Every quarter that has data, oldest first."""
        if self.frame.is_empty():
            return ()
        days = self.frame.get_column("period").unique().sort().to_list()
        return tuple(Quarter.from_date(day) for day in days)


# Loading a folder ---------------------------------------------------------------------------


def _return_order(path: Path) -> tuple[int, str]:
    """Later returns win: files named after a quarter sort by it, others after them by name."""
    quarter = quarter_from_name(str(path))
    return (quarter.ordinal if quarter else 1 << 30, path.name)


MAX_PROBLEMS_PER_FILE = 1000


class _Problems:
    """Problems by file, at most `MAX_PROBLEMS_PER_FILE` listed for each, the rest counted."""

    def __init__(self) -> None:
        self.by_file: dict[str, list[Problem]] = {}
        self.hidden: dict[str, int] = {}
        self.listed: set[Problem] = set()

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem in self.listed:
                continue  # a wide tracker's unknown KPI, once per period column: said once
            listed = self.by_file.setdefault(problem.file, [])
            if len(listed) < MAX_PROBLEMS_PER_FILE:
                listed.append(problem)
                self.listed.add(problem)
            else:
                self.hidden[problem.file] = self.hidden.get(problem.file, 0) + 1

    def in_order(self, files: Sequence[str]) -> list[Problem]:
        out: list[Problem] = []
        for file in [*files, *(f for f in self.by_file if f not in files)]:
            listed = sorted(self.by_file.get(file, []),
                            key=lambda p: (p.row or 0, p.column or ""))
            out += listed
            if self.hidden.get(file):
                out.append(Problem(
                    file, None, None,
                    f"{self.hidden[file]:,} more problems in this file, not listed one by one",
                    "a file with fewer problems; fix the ones listed first",
                ))
        return out


def _read_returns(
    files: Sequence[Path], config: Config, today: date, problems: _Problems,
    headings: dict[str, Heading],
) -> list[pl.DataFrame]:
    """Every file's rows, checked in batches of about `BATCH_ROWS` across files; `headings`
    gets each file's header."""
    checked: list[pl.DataFrame] = []
    pending: list[pl.DataFrame] = []
    seen: pl.DataFrame | None = None  # keys of the rows kept so far

    def flush() -> None:
        nonlocal seen
        if pending:
            good, found = check_rows(pl.concat(pending, how="vertical_relaxed"), config, today)
            problems.add(found)
            good, seen, repeats = drop_repeats(good, seen)
            problems.add(repeats)
            checked.append(good)
            pending.clear()

    for path in files:
        file = str(path)
        read: list[Problem] = []  # problems of reading (ragged rows, duplicate headers)
        heading = headings[file] = Heading()
        part: tuple[str | None] | None = None  # the sheet whose header was last checked
        usable, periods = True, {}
        try:
            for number, table in enumerate(read_batches(path, read, heading, config.layouts)):
                columns = set(table.columns) - {"_row", "_sheet"}
                if number == 0 and table.height == 0 and not columns:
                    problems.add([Problem(file, None, None, "an empty file",
                                          "a header row and data rows")])
                    break
                if part != (heading.sheet,):  # a file's first batch, or a workbook's next sheet
                    part = (heading.sheet,)
                    periods, found = wide.declared_periods(columns, file, heading)
                    usable = not found
                    if usable:  # the layout fits (or none is declared): check the header
                        shape = (columns - set(periods)) | (
                            {"period", "value"} if periods else set())
                        found, usable = header_problems(shape, file, heading)
                    problems.add(found)
                if not usable:
                    if heading.sheet is None:
                        break
                    continue  # the workbook's other sheets may still be returns
                if periods:
                    table = wide.to_long(table, periods)
                pending.append(prepare_batch(table, file))
                if sum(t.height for t in pending) >= BATCH_ROWS:
                    flush()
        except (UnreadableFile, OSError) as err:
            # what was read of a file that then failed is not used
            pending[:] = [t for t in pending if t.get_column("_file")[0] != file]
            reason = (f"a file that {err}" if isinstance(err, UnreadableFile)
                      else f"a file that cannot be read ({err.strerror or err})")
            read.append(Problem(file, None, None, reason,
                                "a CSV, Parquet or Excel/ODS return" if isinstance(
                                    err, UnreadableFile) else "a readable file"))
        problems.add(read)
    flush()
    return checked


def load_observations(
    paths: str | Path | Sequence[str | Path], config: Config, *, today: date | None = None,
) -> Observations:
    """Read every return; the later return wins where two give the same KPI × force × quarter."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    today = today or date.today()
    problems: list[Problem] = []
    files = sorted(data_files(paths, problems), key=_return_order)
    by_file = _Problems()
    headings: dict[str, Heading] = {}
    checked = _read_returns(files, config, today, by_file, headings)
    frame, finish_problems = finish_returns(checked)
    by_file.add(finish_problems)
    problems += [headings[p.file].as_written(p) if p.file in headings else p
                 for p in by_file.in_order([str(f) for f in files])]
    frames: list[pl.DataFrame] = []
    if not frame.is_empty():
        # the later return wins: keep the files' order for the merge below
        order = {str(f): i for i, f in enumerate(files)}
        frames.append(
            frame.with_columns(pl.col("file").replace_strict(order, return_dtype=pl.Int64)
                               .alias("_file_order"))
            .sort("_file_order", maintain_order=True).drop("_file_order")
            .select(list(CANONICAL_SCHEMA)).cast(CANONICAL_SCHEMA)
        )
    if not frames:
        return Observations(empty_frame(), tuple(problems), (), tuple(map(str, files)))
    stacked = pl.concat(frames).with_row_index("_order")
    revisions = _revisions(stacked)
    # The later return wins figure by figure: a return that gives only the 12-month value does
    # not wipe the quarter's own count that an earlier return gave, and the reverse.
    keys = ["kpi", "force", "period"]
    figures = [c for c in CANONICAL_SCHEMA if c not in (*keys, "file")]
    frame = (
        stacked.sort("_order")
        .group_by(keys, maintain_order=True)
        .agg(*(pl.col(c).drop_nulls().last() for c in figures), pl.col("file").last())
        .select(list(CANONICAL_SCHEMA))
        .sort(keys)
    )
    return Observations(frame, tuple(problems), revisions, tuple(map(str, files)))


def _revisions(stacked: pl.DataFrame) -> tuple[Revision, ...]:
    """Where a later return gives a different figure than an earlier one for the same cell."""
    keys = ["kpi", "force", "period"]
    repeated = stacked.filter(pl.len().over(keys) > 1).sort([*keys, "_order"])
    revisions: list[Revision] = []
    known: dict[str, tuple[object, str]] = {}  # field → (last figure given, the file giving it)
    cell = None
    for kpi, force, period, value, value_12m, status, file in repeated.select(
        *keys, "value", "value_12m", "status", "file"
    ).iter_rows():
        if (kpi, force, period) != cell:
            cell, known = (kpi, force, period), {}
        for field, figure in (("value", value), ("value_12m", value_12m), ("status", status)):
            if figure is None:
                continue
            if field in known:
                old, old_file = known[field]
                changed = old != figure if field == "status" else _differ(old, figure)
                if changed:
                    revisions.append(Revision(kpi, force, Quarter.from_date(period), old,
                                              figure, old_file, file, field))
            known[field] = (figure, file)
    return tuple(revisions)


def _differ(a: float | None, b: float | None) -> bool:
    """Both returns give the figure, and not the same one."""
    return a is not None and b is not None and not _same(a, b)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
