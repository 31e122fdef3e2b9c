"""Counting the police.uk files: one lazy Polars scan per header variant, aggregated in the
streaming engine in batches, and each count given its force, month and layout.

What comes back is a few thousand rows of counts per file and value combination; rows that
cannot be placed (no month, an unknown force, a search dated astray) are Problems.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

import polars as pl

from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import force_by_name
from pcp_tui.importers.police_uk_files import (
    MONTH,
    NEEDED,
    OPTIONAL,
    SEARCH,
    STREET,
    UNNAMED,
    ArchiveFile,
    Run,
    month_date,
    rows_text,
    searches_text,
)

# One streaming scan per batch of files. Each extra batch costs a query start-up (about a
# tenth of a second per batch at national scale), so batches are large: 18 months of
# national street data (2 GB) is one scan, and a bigger archive is split to keep memory
# flat and the progress bar moving.
BATCH_BYTES = 2 * 1024 * 1024 * 1024


# Scanning -------------------------------------------------------------------------------------


def _keys(kind: str) -> list[str]:
    if kind == STREET:
        return ["_path", "_month", "_force", "Crime type"]
    return ["_path", "_month", "Legislation", "Object of search", "Outcome",
            "Outcome linked to object of search", "Self-defined ethnicity"]


def _scan(kind: str, files: list[ArchiveFile]) -> pl.LazyFrame:
    """One lazy scan per header variant, each counted by the columns that vary in it (a
    column every row of the variant has blank, such as the month of a file named after its
    month, is added after counting, not counted by), stacked."""
    groups: dict[tuple[tuple[str, ...], bool], list[ArchiveFile]] = defaultdict(list)
    for f in files:
        groups[(f.header, f.month is not None and f.area is not None)].append(f)
    frames = []
    month_column, force_columns = UNNAMED[kind]
    for (_header, named), members in groups.items():
        columns = members[0].columns
        # renaming costs a call into Python per file: only where a header needs cleaning
        clean = all(f.clean_header for f in members)
        scan = pl.scan_csv(
            [str(f.path) for f in members],
            infer_schema=False,
            include_file_paths="_path",
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
            with_column_names=None if clean else (
                lambda names: [n.replace("\ufeff", "").strip() for n in names]),
        )
        # each counting column's expression; None where every row of the variant is blank
        selected: dict[str, pl.Expr | None] = {"_path": pl.col("_path")}
        for name in NEEDED[kind] + OPTIONAL[kind]:
            selected[name] = pl.col(columns[name]).alias(name) if name in columns else None
        if named and kind == SEARCH and "Date" in columns:
            selected["_month"] = _search_stamp(pl.col(columns["Date"])).alias("_month")
            selected["_force"] = None
        elif named:
            selected["_month"] = selected["_force"] = None
        else:
            selected["_month"] = pl.col(columns[month_column]).alias("_month")
            present = [pl.col(columns[c]) for c in force_columns if c in columns]
            selected["_force"] = pl.coalesce(present).alias("_force") if present else None
        # counted as categories: the rows are grouped by small integer codes rather than by
        # their texts, about a fifth of the counting's CPU time off at national scale
        varying = {name: expr.cast(pl.Categorical) for name, expr in selected.items()
                   if expr is not None}
        frames.append(
            scan.select(list(varying.values())).group_by(list(varying))
            .agg(pl.len().alias("rows"))
            .select(*(pl.col(k).cast(pl.String) if k in varying
                      else pl.lit(None, pl.String).alias(k)
                      for k in dict.fromkeys([*_keys(kind), "_force"]) if k in selected),
                    "rows")
        )
    return pl.concat(frames, how="vertical")


def _search_stamp(date_column: pl.Expr) -> pl.Expr:
    """What of a search's `Date` its month needs, with few distinct values to count by.

    Times are UTC; the month is the month in the UK (Europe/London). UTC and UK time share a
    month except in the last hour of a month's last day in summer time, so only times late on
    the 28th to 31st (or written with another offset) keep their hour: `2015-03-31T23+00:00`;
    the rest keep their month: `2015-04`."""
    text = date_column.str.strip_chars()
    offset = text.str.extract(r"(Z|[+-]\d{2}:?\d{2})$", 1).fill_null("")
    late = (
        ((text.str.slice(8, 2) >= "28") & (text.str.slice(11, 2) >= "22"))
        | ~offset.is_in(["", "Z", "+00:00", "+0000", "-00:00"])
    )
    return (
        pl.when(late & text.str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}"))
        .then(pl.concat_str(text.str.slice(0, 13), offset))
        .otherwise(text.str.slice(0, 7))
    )


_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})(Z|([+-])(\d{2}):?(\d{2}))?$")


def _uk_months(stamps: Sequence[str | None]) -> dict[str, date | None]:
    """Each `_search_stamp` value → the first of its month in UK time (None: no date)."""
    out: dict[str, date | None] = {}
    hours: list[tuple[str, datetime]] = []
    for stamp in stamps:
        if stamp is None:
            continue
        match = _STAMP.match(stamp)
        if match is None:
            month = MONTH.match(stamp)
            out[stamp] = month_date(int(month.group(1)), int(month.group(2))) if month else None
            continue
        year, mon, day, hour = (int(match.group(i)) for i in range(1, 5))
        minutes = 0
        if match.group(6):
            minutes = (int(match.group(7)) * 60 + int(match.group(8))) * (
                -1 if match.group(6) == "-" else 1)
        try:
            local = datetime(year, mon, day, hour, tzinfo=timezone(timedelta(minutes=minutes)))
        except ValueError:
            out[stamp] = None
            continue
        hours.append((stamp, local.astimezone(timezone.utc).replace(tzinfo=None)))
    if hours:
        uk = (
            pl.Series([h for _, h in hours], dtype=pl.Datetime("us"))
            .dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/London")
        )
        for (stamp, _), year, mon in zip(hours, uk.dt.year(), uk.dt.month()):
            out[stamp] = month_date(year, mon)
    return out


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def _aggregate_batch(kind: str, files: list[ArchiveFile]) -> pl.DataFrame:
    keys = _keys(kind)
    counts = _scan(kind, files).collect(engine="streaming")
    # tidy the few distinct values after counting, not every row before it
    return (
        counts.with_columns(pl.col(c).str.strip_chars() for c in keys if c != "_path")
        .group_by(keys).agg(pl.col("rows").sum())
    )


def aggregate(
    kind: str, files: list[ArchiveFile], run: Run, batch_bytes: int,
    step: Callable[[int], None],
) -> pl.DataFrame | None:
    """Counts per file and value combination, over every file of one kind."""
    if not files:
        return None
    parts: list[pl.DataFrame] = []
    batch: list[ArchiveFile] = []
    size = 0
    for f in [*files, None]:
        if f is not None:
            batch.append(f)
            size += f.size
        if batch and (f is None or size >= batch_bytes):
            parts += _collect_batch(kind, batch, run)
            step(size)
            batch, size = [], 0
    counts = pl.concat(parts, how="vertical") if parts else None
    by_path = {str(f.path): f for f in files}
    seen = set(counts.get_column("_path").unique()) if counts is not None else set()
    for path in by_path:
        if path not in seen:
            run.problems.append(Problem(
                path, None, None, "a header and no rows",
                "at least one row; the month counts as missing for this force, not as zero",
            ))
    if counts is None or counts.is_empty():
        return None
    counts = _attach_files(kind, counts, by_path, run)
    return None if counts.is_empty() else counts


def _collect_batch(kind: str, batch: list[ArchiveFile], run: Run) -> list[pl.DataFrame]:
    try:
        return [_aggregate_batch(kind, batch)]
    except Exception:  # a malformed file fails the whole scan: find it, keep the others
        pass
    parts = []
    for f in batch:
        try:
            parts.append(_aggregate_batch(kind, [f]))
        except Exception as err:  # polars raises several types for malformed CSV
            message = str(err).strip().splitlines()
            run.problems.append(Problem(
                str(f.path), None, None,
                f"a file that cannot be parsed as CSV ({message[0][:160] if message else err})",
                "well-formed CSV; the file is skipped and its month counts as missing",
            ))
    return parts


def _attach_files(
    kind: str, counts: pl.DataFrame, by_path: dict[str, ArchiveFile], run: Run,
) -> pl.DataFrame:
    """Give each count its force slug, the month it counts in (`_date`), the month of the file
    it came from (`_file_month`: what makes a month present) and the file's layout.

    A search counts in its own month, in UK time: the few searches a file carries from the
    month before count there, and make neither month present nor absent. A search dated
    further from its file's month (or not dated) counts in the file's month, reported."""
    slugs: list[str | None] = []
    months: list[date | None] = []
    file_months: list[date | None] = []
    bad_month: dict[str, int] = defaultdict(int)
    bad_force: dict[tuple[str, str], int] = defaultdict(int)
    undated: dict[str, int] = defaultdict(int)
    astray: dict[str, tuple[int, str]] = {}
    earlier: dict[str, int] = defaultdict(int)
    stamps = counts.get_column("_month").unique().to_list() if kind == SEARCH else []
    uk_month = _uk_months(stamps)
    for path, month_text, force_text, rows in counts.select(
        "_path", "_month", pl.col("_force") if "_force" in counts.columns else pl.lit(None),
        "rows",
    ).iter_rows():
        f = by_path[path]
        month = f.month
        if month is None:
            match = MONTH.match(month_text or "")
            month = month_date(int(match.group(1)), int(match.group(2))) if match else None
            if month is None:
                bad_month[path] += rows
        file_month = month
        if kind == SEARCH and f.month is not None and "Date" in f.columns:
            own = uk_month.get(month_text) if month_text else None
            if own is None:
                undated[path] += rows
            elif own == _previous_month(f.month):
                month = own
                earlier[path] += rows
            elif own != f.month:
                before = astray.get(path, (0, month_text or ""))
                astray[path] = (before[0] + rows, min(before[1], month_text or ""))
        area = f.area
        if area is None:
            area = force_by_name(force_text or "")
            if area is None:
                bad_force[(path, force_text or "")] += rows
        slugs.append(area.slug if area is not None else None)
        months.append(month)
        file_months.append(file_month)
    column = "Month" if kind == STREET else "Date"
    for path, rows in bad_month.items():
        run.problems.append(Problem(
            path, None, column, f"{rows_text(rows)} without a month such as 2019-06",
            "a month on every row (or a file named like 2019-06-west-midlands-"
            f"{kind}.csv); these rows are not counted",
        ))
    for (path, name), rows in bad_force.items():
        run.problems.append(Problem(
            path, None, "Reported by", f"{rows_text(rows)} from '{name}'",
            "a police force of England, Wales or Northern Ireland; these rows are not counted",
        ))
    for path, rows in undated.items():
        run.problems.append(Problem(
            path, None, "Date", f"{rows_text(rows)} without a date such as "
            "2019-06-01T10:15:00+00:00",
            "a date on every search; these are counted in the file's month",
        ))
    for path, (rows, first) in astray.items():
        run.problems.append(Problem(
            path, None, "Date", f"{rows_text(rows)} dated outside the file's month and the month "
            f"before it (such as {first[:10]})",
            "searches of the file's month; these are counted in the file's month",
        ))
    if earlier:
        total = sum(earlier.values())
        run.notes.append(
            f"{searches_text(total)} dated (in UK time) in the month before "
            f"their file's month, in {len(earlier)} file{'s' if len(earlier) != 1 else ''}: "
            "counted in their own month"
        )
    layouts = {path: f.layout for path, f in by_path.items()}
    return counts.with_columns(
        pl.Series("_slug", slugs, dtype=pl.String),
        pl.Series("_date", months, dtype=pl.Date),
        pl.Series("_file_month", file_months, dtype=pl.Date),
        pl.col("_path").replace_strict(layouts, return_dtype=pl.String).alias("_layout"),
    ).filter(pl.col("_slug").is_not_null() & pl.col("_date").is_not_null())
