"""The police.uk monthly archive → quarterly counts and rates by force.

The archive holds one folder per month and, for each force, up to three CSV files:
`2019-06/2019-06-west-midlands-street.csv` (street-level crime and anti-social behaviour),
`…-outcomes.csv` and `…-stop-and-search.csv`. National archives run to tens of millions of rows,
so the files are never loaded whole: Polars scans them lazily (all columns as text), keeps only
the columns a count needs, aggregates per file in the streaming engine and hands back a few
thousand rows of counts, which the rest of the import works on.

What becomes a KPI (through the `[import.police_uk]` mapping):

- street crime types whose police.uk category matches a plan KPI (anti-social behaviour,
  shoplifting, theft from the person) → quarterly counts. Categories that mix what the plan
  keeps apart (Drugs, Robbery, Vehicle crime, Burglary) are listed as unmapped, never forced;
- stop and search: section 60 searches (count); the positive outcome rate of reasonable-grounds
  searches (numerator/denominator); the share of reasonable-grounds searches whose object is an
  offensive weapon (numerator/denominator).

Definitions (also written into the provenance):

- reasonable-grounds search: a search under any power except the no-suspicion ones (section 60
  of the Criminal Justice and Public Order Act 1994, section 47A of the Terrorism Act 2000);
  searches with no legislation recorded are counted in context only;
- positive outcome: each outcome of every year is named in the mapping as negative ("Nothing
  found - no further action", "A no further action disposal") or positive (arrest, summons,
  caution, penalty notice, drugs warning, community resolution, in their 2015 and later
  spellings); searches with no outcome recorded (blank, "Details not available") are left out
  of the rate, and an outcome in neither list is reported with its count and counted on
  neither side;
- a quarter is a value only when all three of its months are present for that force (a month is
  present when its file exists and has at least one row); part quarters are Problems, not values.

The first archive layout (2010-2011: `Easting,Northing`, no Crime ID, LSOA or outcome) is read
with the crime types of that time through `[import.police_uk.layout_2011]` ("Violent crime",
"Other crime", …): anti-social behaviour is the same count as later; shoplifting and theft from
the person were inside "Other crime", so a quarter read from these files has no value for them.

The force of a row is the force whose file it is in (the recording force, as in the Home Office
figures: British Transport Police crimes stay with BTP even though `Falls within` names the
territorial force). The month is the file's month from the archive's file name. Files not named
as the archive names them fall back on the `Reported by` (or `Falls within`) and `Month` (or
`Date`) columns. A search counts in the month of its `Date` in UK time (the times are UTC, so
a search at 00:30 BST on 1 April is written 31 March 23:30): the searches a file carries from
the month before count there, without making that month present or absent.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import ForceArea, config_force_id, force_by_name, force_by_slug
from pcp_tui.importers.digests import DigestCache
from pcp_tui.importers.mapping import PoliceUkMapping, plain_key, police_uk_mapping
from pcp_tui.importers.progress import ProgressCallback, no_progress
from pcp_tui.importers.returns import (
    ImportResult,
    Provenance,
    SourceFile,
    Unmapped,
    now_utc,
    return_frame,
    sorted_problems,
)
from pcp_tui.periods import Quarter

__all__ = ["import_police_uk"]

STREET, SEARCH, OUTCOMES = "street", "stop-and-search", "outcomes"
CURRENT, LAYOUT_2011 = "current", "2011"
_ARCHIVE_NAME = re.compile(
    r"^(\d{4})-(\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv$", re.IGNORECASE
)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})")


def _month_date(year: int, month: int) -> date | None:
    """The first of the month, or None when it is no month a quarter can hold (`0000-05`,
    `2019-13`, or a year outside the financial years pcp-tui knows, such as `9999-12`)."""
    if not 1 <= month <= 12 or year < 1:
        return None
    day = date(year, month, 1)
    try:
        Quarter.from_date(day)
    except ValueError:  # PeriodError is a ValueError
        return None
    return day
# One streaming scan per batch of files. Each extra batch costs a query start-up (about a
# tenth of a second per batch at national scale), so batches are large: 18 months of
# national street data (2 GB) is one scan, and a bigger archive is split to keep memory
# flat and the progress bar moving.
BATCH_BYTES = 2 * 1024 * 1024 * 1024

# header spellings (compared without case, spaces or punctuation) → the column name used here
FIELDS = {
    "crimetype": "Crime type", "month": "Month", "reportedby": "Reported by",
    "fallswithin": "Falls within", "date": "Date", "legislation": "Legislation",
    "objectofsearch": "Object of search", "outcome": "Outcome",
    "outcomelinkedtoobjectofsearch": "Outcome linked to object of search",
    "selfdefinedethnicity": "Self-defined ethnicity", "type": "Type",
    "outcometype": "Outcome type", "crimeid": "Crime ID",
}
NEEDED = {
    STREET: ("Crime type",),
    SEARCH: ("Legislation", "Object of search", "Outcome"),
}
OPTIONAL = {
    STREET: (),
    SEARCH: ("Outcome linked to object of search", "Self-defined ethnicity"),
}
# columns read only from files whose name does not say the force and month
UNNAMED = {
    STREET: ("Month", ("Reported by", "Falls within")),
    SEARCH: ("Date", ()),
}
ETHNIC_PREFIXES = (
    ("white", "White"), ("black", "Black"), ("asian", "Asian"), ("mixed", "Mixed"),
)


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _searches(n: int) -> str:
    return f"{n:,} search" if n == 1 else f"{n:,} searches"


@functools.lru_cache(maxsize=1024)  # the same few headers, once for each of many files
def _field_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.replace("\ufeff", "").casefold())


@dataclass
class ArchiveFile:
    path: Path
    kind: str
    size: int
    header: tuple[str, ...]  # as written, BOM and spaces stripped
    columns: dict[str, str]  # field used here → header name in this file
    month: date | None = None  # from the file name
    area: ForceArea | None = None  # from the file name
    slug: str = ""
    layout: str = CURRENT  # CURRENT, or LAYOUT_2011 for the first archive layout
    clean_header: bool = True  # the header needs no BOM or spaces stripped to be read


@dataclass
class _Run:
    config: Config
    mapping: PoliceUkMapping
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)


def import_police_uk(
    paths: str | Path | Sequence[str | Path],
    config: Config,
    mapping: Any = None,
    *,
    progress: ProgressCallback | None = None,
    hash_sources: bool = True,
    batch_bytes: int = BATCH_BYTES,
    digest_cache: DigestCache | None = None,
) -> ImportResult:
    """Read police.uk archive files (or folders of them, searched recursively).

    `mapping` is the `[import.police_uk]` table of the config (None: the defaults in
    `pcp_tui.importers.mapping`). `hash_sources` records each file's sha256 in the provenance,
    computed in a background thread while the files are scanned, so `progress` may be called
    from that thread too. Files are scanned in batches of about `batch_bytes`, one progress step
    each. `digest_cache` reuses the sha256 of files unchanged (same size and modification time)
    since an earlier import and is saved afterwards. Anything wrong in a file is a Problem;
    nothing in the files raises.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = _Run(config, police_uk_mapping(mapping, config.framework))
    progress = progress or no_progress
    files = _discover(paths, run)
    outcomes = [f for f in files if f.kind == OUTCOMES]
    if outcomes:
        run.notes.append(f"{len(outcomes)} outcomes files were not read: no KPI here is "
                         "built from crime outcomes")
    street = [f for f in files if f.kind == STREET]
    search = [f for f in files if f.kind == SEARCH]
    hashes: Future[dict[str, str]] | None = None
    pool = ThreadPoolExecutor(max_workers=1) if hash_sources else None
    if pool is not None:
        hashes = pool.submit(_hash_all, [f.path for f in street + search], progress,
                             digest_cache or DigestCache())
    try:
        total_mb = sum(f.size for f in street + search) / 1e6
        done = [0.0]

        def step(nbytes: int) -> None:
            done[0] += nbytes / 1e6
            progress("police.uk files read (MB)", round(done[0], 1), round(total_mb, 1))

        progress("police.uk files read (MB)", 0, round(total_mb, 1))
        street_counts = _aggregate(STREET, street, run, batch_bytes, step)
        search_counts = _aggregate(SEARCH, search, run, batch_bytes, step)
        digests = hashes.result() if hashes is not None else {}
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if digest_cache is not None and hash_sources:
        digest_cache.save()

    rows: list[dict[str, Any]] = []
    context: dict[str, pl.DataFrame] = {}
    unmapped: list[Unmapped] = []
    if street_counts is not None:
        quarters = _complete_quarters(STREET, street_counts, run)
        street_rows, crime_types, street_unmapped = _street_rows(street_counts, quarters, run)
        rows += street_rows
        context["crime_types"] = crime_types
        unmapped += street_unmapped
    if search_counts is not None:
        quarters = _complete_quarters(SEARCH, search_counts, run)
        search_rows, search_context = _search_rows(search_counts, quarters, run)
        rows += search_rows
        context.update(search_context)
        unmapped += _unmapped_outcomes(search_counts, run)

    months = sorted({f.month for f in street + search if f.month is not None})
    provenance = Provenance(
        importer="police-uk",
        source="police.uk open data archive (street-level crime and stop and search; "
               "Open Government Licence v3.0)",
        files=tuple(
            SourceFile(str(f.path), digests.get(str(f.path)), f.size,
                       f"{f.month:%Y-%m}" if f.month else "", f"{f.kind}, {f.slug or '?'}")
            for f in street + search
        ),
        imported_at=now_utc(),
        editions=(f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}",) if months else (),
        definitions=DEFINITIONS,
        mapping=run.mapping.raw,
    )
    return ImportResult(
        frame=return_frame(rows),
        problems=sorted_problems(run.problems),
        provenance=provenance,
        unmapped=tuple(sorted(unmapped, key=lambda u: u.label)),
        context=context,
        notes=tuple(run.notes),
        skipped_forces=tuple(sorted(run.skipped)),
    )


DEFINITIONS = {
    "force": "the force whose file a row is in (the recording force); files not named as the "
             "archive names them: `Reported by`, else `Falls within`",
    "month": "the month in the archive file name; files not so named: `Month` / `Date`. A "
             "search counts in the month of its `Date` in UK time (Europe/London) when that is "
             "its file's month or the month before; a month is present only through its own "
             "file",
    "complete quarter": "all three months present for the force: a month is present when its "
                        "file has at least one row; part quarters give no value",
    "reasonable-grounds search": "any legislation except section 60 of the Criminal Justice and "
                                 "Public Order Act 1994 and section 47A of the Terrorism Act "
                                 "2000; searches with no legislation recorded are left out",
    "positive outcome": "an outcome in positive_outcomes of [import.police_uk.stop_search] "
                        "(arrest, summons, caution, penalty notice, drugs warning, community "
                        "resolution), of those in positive_outcomes or negative_outcomes "
                        "('Nothing found - no further action', 'A no further action "
                        "disposal'); outcomes in neither list are reported and left out, as are "
                        "searches with no outcome recorded (blank, 'Details not available')",
    "2011 layout": "street files with Easting and Northing and no Crime ID are read with the "
                   "crime types of that time ([import.police_uk.layout_2011]); a KPI none of "
                   "them counts on its own gets no value for a quarter read from them",
    "offensive weapon share": "reasonable-grounds searches whose object of search is "
                              "'Offensive weapons', of those with an object recorded",
    "ethnicity": "self-defined ethnicity, grouped by its first part (White, Black, Asian, "
                 "Mixed, Other); blank or 'Not stated' is Not stated",
}


# Finding the files ---------------------------------------------------------------------------


def _discover(paths: Sequence[str | Path], run: _Run) -> list[ArchiveFile]:
    candidates: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            candidates += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() == ".csv"
                and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            candidates.append(path)
        else:
            run.problems.append(Problem(str(path), None, None, "no such file or folder",
                                        "a police.uk archive folder or CSV file"))
    files: list[ArchiveFile] = []
    seen: dict[tuple[str, str, date], Path] = {}
    for path in candidates:
        found = _describe(path, run)
        if found is None:
            continue
        if found.month is not None and found.area is not None:
            key = (found.kind, found.area.slug, found.month)
            if key in seen:
                run.problems.append(Problem(
                    str(path), None, None,
                    f"a second {found.kind} file for {found.area.police_uk_name}, "
                    f"{found.month:%Y-%m} (the first is {seen[key]})",
                    "one file per force and month; this one is not read, so nothing is "
                    "counted twice",
                ))
                continue
            seen[key] = path
        files.append(found)
    return files


def _describe(path: Path, run: _Run) -> ArchiveFile | None:
    file = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            first = handle.read(4096)
            while b"\n" not in first and len(first) < 65536:
                more = handle.read(4096)
                if not more:
                    break
                first += more
    except OSError as err:
        run.problems.append(Problem(file, None, None, f"a file that cannot be read "
                                    f"({err.strerror or err})", "a readable police.uk CSV"))
        return None
    if not first.strip():
        run.problems.append(Problem(
            file, None, None, "an empty file (no header, no rows)",
            "a police.uk CSV; its month counts as missing, not as zero",
        ))
        return None
    if b"\x00" in first:
        run.problems.append(Problem(
            file, None, None, "a file that is not text (it holds binary data)",
            "a police.uk CSV; the file is skipped and its month counts as missing",
        ))
        return None
    line = first.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    try:
        written = tuple(next(csv.reader(io.StringIO(line)), []))
    except csv.Error as err:
        run.problems.append(Problem(
            file, 1, None, f"a header that cannot be read as CSV ({err})",
            "a police.uk CSV; the file is skipped and its month counts as missing",
        ))
        return None
    header = tuple(h.replace("\ufeff", "").strip() for h in written)
    columns: dict[str, str] = {}
    for name in header:
        canonical = FIELDS.get(_field_key(name))
        if canonical and canonical not in columns:
            columns[canonical] = name
    match = _ARCHIVE_NAME.match(path.name)
    if match:
        kind = match.group(4).lower()
    elif "Crime type" in columns:
        kind = STREET
    elif "Object of search" in columns:
        kind = SEARCH
    elif "Outcome type" in columns:
        kind = OUTCOMES
    else:
        run.problems.append(Problem(
            file, 1, None, f"a header without 'Crime type' or 'Object of search' "
            f"({', '.join(header[:6])}{', …' if len(header) > 6 else ''})",
            "a police.uk street, stop-and-search or outcomes CSV; the file is skipped",
        ))
        return None
    found = ArchiveFile(path, kind, size, header, columns, clean_header=written == header
                        and not first.startswith(b"\xef\xbb\xbf"))
    keys = {_field_key(name) for name in header}
    if kind == STREET and {"easting", "northing"} <= keys and "crimeid" not in keys:
        found.layout = LAYOUT_2011
    if match:
        year, month, slug = int(match.group(1)), int(match.group(2)), match.group(3).lower()
        found.slug = slug
        found.area = force_by_slug(slug)
        found.month = _month_date(year, month)
        if found.month is None:
            run.problems.append(Problem(
                file, None, None, f"the month {year:04d}-{month:02d} in the file name",
                "a month 01 to 12 in a year from 1900 to 2999; the Month column is used"))
        if found.area is None:
            run.problems.append(Problem(
                file, None, None, f"the force slug '{slug}' in the file name",
                "a police.uk force slug such as 'west-midlands'; the force is read from the "
                "file's columns",
            ))
    if kind == OUTCOMES:
        return found
    missing = [name for name in NEEDED[kind] if name not in columns]
    month_column, force_columns = UNNAMED[kind]
    if found.month is None and month_column not in columns:
        missing.append(month_column)
    if found.area is None and kind == STREET and not any(c in columns for c in force_columns):
        missing.append(" or ".join(force_columns))
    if found.area is None and kind == SEARCH:
        run.problems.append(Problem(
            file, None, None, "a stop-and-search file whose name does not give the force",
            "a name such as 2019-06-west-midlands-stop-and-search.csv (these files have no "
            "force column); the file is skipped",
        ))
        return None
    if missing:
        layout = (" of the 2011 layout (Month, Reported by, Falls within, Easting, Northing, "
                  "Location, Crime type, Context)" if found.layout == LAYOUT_2011 else "")
        run.problems.append(Problem(
            file, 1, missing[0], f"no '{missing[0]}' column (header: {', '.join(header)})",
            f"the police.uk {kind} columns{layout}; the file is skipped",
        ))
        return None
    return found


def _hash_all(paths: list[Path], progress: ProgressCallback,
              cache: DigestCache) -> dict[str, str]:
    """sha256 of every file, in a background thread while the scan runs."""
    digests = {}
    for i, path in enumerate(paths):
        try:
            digests[str(path)] = cache.digest(path)
        except OSError:
            continue  # unreadable files are reported by the scan
        progress("police.uk files hashed (sha256)", i + 1, len(paths))
    return digests


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
            month = _MONTH.match(stamp)
            out[stamp] = _month_date(int(month.group(1)), int(month.group(2))) if month else None
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
            out[stamp] = _month_date(year, mon)
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


def _aggregate(
    kind: str, files: list[ArchiveFile], run: _Run, batch_bytes: int,
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


def _collect_batch(kind: str, batch: list[ArchiveFile], run: _Run) -> list[pl.DataFrame]:
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
    kind: str, counts: pl.DataFrame, by_path: dict[str, ArchiveFile], run: _Run,
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
            match = _MONTH.match(month_text or "")
            month = _month_date(int(match.group(1)), int(match.group(2))) if match else None
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
            path, None, column, f"{_rows(rows)} without a month such as 2019-06",
            "a month on every row (or a file named like 2019-06-west-midlands-"
            f"{kind}.csv); these rows are not counted",
        ))
    for (path, name), rows in bad_force.items():
        run.problems.append(Problem(
            path, None, "Reported by", f"{_rows(rows)} from '{name}'",
            "a police force of England, Wales or Northern Ireland; these rows are not counted",
        ))
    for path, rows in undated.items():
        run.problems.append(Problem(
            path, None, "Date", f"{_rows(rows)} without a date such as "
            "2019-06-01T10:15:00+00:00",
            "a date on every search; these are counted in the file's month",
        ))
    for path, (rows, first) in astray.items():
        run.problems.append(Problem(
            path, None, "Date", f"{_rows(rows)} dated outside the file's month and the month "
            f"before it (such as {first[:10]})",
            "searches of the file's month; these are counted in the file's month",
        ))
    if earlier:
        total = sum(earlier.values())
        run.notes.append(
            f"{_searches(total)} dated (in UK time) in the month before "
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


# Quarters -----------------------------------------------------------------------------------


def _complete_quarters(kind: str, counts: pl.DataFrame, run: _Run) -> dict[str, set[Quarter]]:
    """For each force slug, the quarters with all three months present; the rest reported.

    Each force is judged over its own months: a folder of one force's 2015 files beside
    another's 2019 files lacks no quarter of either between them."""
    present: dict[str, set[date]] = defaultdict(set)
    for slug, month in counts.select("_slug", "_file_month").unique().iter_rows():
        present[slug].add(month)
    complete: dict[str, set[Quarter]] = {}
    for slug, months in sorted(present.items()):
        first = Quarter.from_date(min(months))
        last = Quarter.from_date(max(months))
        area = force_by_slug(slug)
        name = area.police_uk_name if area is not None else slug
        complete[slug] = set()
        for ordinal in range(first.ordinal, last.ordinal + 1):
            quarter = Quarter.from_ordinal(ordinal)
            wanted = [_month_of(quarter, i) for i in range(3)]
            have = [m for m in wanted if m in months]
            if len(have) == 3:
                complete[slug].add(quarter)
                continue
            if area is not None and config_force_id(run.config.settings, area) is None:
                continue  # a force the config does not hold: nobody will miss its quarter
            lacking = ", ".join(f"{m:%Y-%m}" for m in wanted if m not in months)
            run.problems.append(Problem(
                f"police.uk {kind} files", None, "Month",
                f"{len(have)} of 3 months of {quarter.label} for {name} (no {lacking})",
                "all three months of the quarter; the quarter is left out, not counted short",
            ))
    return complete


def _month_of(quarter: Quarter, i: int) -> date:
    start = quarter.start
    month = start.month + i
    return date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _national_forces(slugs: Any, configured: dict[str, str]) -> dict[str, str]:
    """Slug → the config's force id, or the police.uk slug for a force the config does not
    hold: the context tables keep every force for the national picture."""
    return {slug: configured.get(slug, slug) for slug in slugs}


def _config_forces(slugs: Any, run: _Run) -> dict[str, str]:
    """Slug → config force id for the forces the config holds; the others noted as skipped."""
    out = {}
    for slug in slugs:
        area = force_by_slug(slug)
        force_id = config_force_id(run.config.settings, area) if area is not None else None
        if force_id is None:
            run.skipped.add(area.police_uk_name if area is not None else slug)
        else:
            out[slug] = force_id
    return out


def _quarterly(counts: pl.DataFrame, complete: dict[str, set[Quarter]],
               forces: dict[str, str]) -> pl.DataFrame:
    """Counts of configured forces in complete quarters, with `force` and `period` columns."""
    quarter_of = {
        d: Quarter.from_date(d) for d in counts.get_column("_date").unique().to_list()
    }
    keep = [
        (slug, q.label) for slug, quarters in complete.items() if slug in forces for q in quarters
    ]
    allowed = pl.DataFrame(
        {"_slug": [k[0] for k in keep], "period": [k[1] for k in keep]},
        schema={"_slug": pl.String, "period": pl.String},
    )
    return (
        counts.filter(pl.col("_slug").is_in(list(forces)))
        .with_columns(
            pl.col("_date").replace_strict(
                {d: q.label for d, q in quarter_of.items()}, return_dtype=pl.String
            ).alias("period"),
            pl.col("_slug").replace_strict(forces, return_dtype=pl.String).alias("force"),
        )
        .join(allowed, on=["_slug", "period"], how="semi")
    )


# Street crime ---------------------------------------------------------------------------------


def _street_rows(
    counts: pl.DataFrame, complete: dict[str, set[Quarter]], run: _Run,
) -> tuple[list[dict[str, Any]], pl.DataFrame, list[Unmapped]]:
    """Quarterly counts of the mapped crime types. Each file is read with the vocabulary of its
    layout: the 2011 layout's crime types through `[import.police_uk.layout_2011]`. A KPI is
    written for a force's quarter only when every layout of its months maps it: a quarter of
    2011 files gives no shoplifting count (it was inside "Other crime"), never a zero."""
    blank = counts.filter(pl.col("Crime type").fill_null("") == "")
    for path, rows in blank.group_by("_path").agg(pl.col("rows").sum()).sort("_path").iter_rows():
        run.problems.append(Problem(
            path, None, "Crime type", f"{_rows(rows)} without a crime type",
            "a crime type on every row; these rows are not counted",
        ))
    counts = counts.filter(pl.col("Crime type").fill_null("") != "")
    slugs = counts.get_column("_slug").unique().sort()
    forces = _config_forces(slugs, run)
    quarterly = _quarterly(counts, complete, _national_forces(slugs, forces))
    mapping = run.mapping
    vocabularies = {
        CURRENT: (mapping.crime_types, mapping.not_mapped, "police.uk street crime types",
                  "[import.police_uk.crime_types]"),
        LAYOUT_2011: (mapping.crime_types_2011, mapping.not_mapped_2011,
                      "police.uk street crime types (2011 layout)",
                      "[import.police_uk.layout_2011.crime_types]"),
    }
    kpi_of: dict[tuple[str, str], str | None] = {}
    unmapped: list[Unmapped] = []
    for layout, label in sorted(
        counts.select("_layout", "Crime type").unique().iter_rows(), key=lambda r: (r[0], r[1])
    ):
        types_table, reasons, table, where = vocabularies[layout]
        key = plain_key(label)
        kpi_of[(layout, label)] = types_table.get(key)
        if key not in types_table:
            unmapped.append(Unmapped(table, label, reasons.get(key, f"no KPI in {where}")))
    keyed = pl.concat_str(pl.col("_layout"), pl.lit("\x1f"), pl.col("Crime type"))
    types = (
        quarterly.with_columns(
            keyed.replace_strict({f"{lay}\x1f{lab}": k for (lay, lab), k in kpi_of.items()},
                                 default=None, return_dtype=pl.String).alias("kpi")
        )
        .group_by("force", "period", "_layout", "Crime type", "kpi").agg(pl.col("rows").sum())
        .rename({"_layout": "layout", "Crime type": "crime_type", "rows": "count"})
        .select("force", "period", "layout", "crime_type", "count", "kpi")
        .sort("force", "period", "layout", "crime_type")
    )
    rows: list[dict[str, Any]] = []
    # a crime type with no rows in a complete quarter is a true zero, when every layout of
    # the quarter's months could have counted it
    plan_forces = set(forces.values())  # KPI rows for the config's forces only
    layouts_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for force, period, layout in types.select("force", "period", "layout").unique().iter_rows():
        if force in plan_forces:
            layouts_of[(force, period)].add(layout)
    totals = {
        (kpi, f, p): v
        for kpi, f, p, v in types.filter(pl.col("kpi").is_not_null())
        .group_by("kpi", "force", "period").agg(pl.col("count").sum()).iter_rows()
    }
    every_kpi = set(mapping.crime_types.values()) | set(mapping.crime_types_2011.values())
    left_out: dict[str, int] = defaultdict(int)
    for kpi in sorted(every_kpi):
        for (force, period), layouts in sorted(layouts_of.items()):
            if not all(kpi in vocabularies[lay][0].values() for lay in layouts):
                left_out[kpi] += 1
                continue
            rows.append({"kpi": kpi, "force": force, "period": period,
                         "value": float(totals.get((kpi, force, period), 0))})
    for kpi, quarters in sorted(left_out.items()):
        run.notes.append(
            f"{kpi}: {quarters} quarter{'s' if quarters != 1 else ''} read from files in the "
            "2011 layout, whose crime types do not count it on its own: no value, not zero"
        )
    return rows, types, unmapped


# Stop and search ------------------------------------------------------------------------------


def _ethnic_group(text: str | None) -> str:
    key = plain_key(text)
    if not key or "not stated" in key:
        return "Not stated"
    for prefix, group in ETHNIC_PREFIXES:
        if key.startswith(prefix):
            return group
    return "Other"


def _unmapped_outcomes(counts: pl.DataFrame, run: _Run) -> list[Unmapped]:
    """Outcomes in neither list of `[import.police_uk.stop_search]` (nor unknown), with how
    many searches of every file read carry them: never counted on either side of the rate."""
    rules = run.mapping.stop_search
    known = rules.negative_outcomes | rules.positive_outcomes | rules.unknown_outcomes
    outcomes = counts.filter(pl.col("Outcome").is_not_null())
    found = outcomes.get_column("Outcome").unique().to_list()
    strange = sorted(v for v in found if plain_key(v) not in known)
    if not strange:
        return []
    out = []
    for outcome, searches, slugs in (
        outcomes.filter(pl.col("Outcome").is_in(strange))
        .group_by("Outcome").agg(pl.col("rows").sum(), pl.col("_slug").unique().sort())
        .sort("Outcome").iter_rows()
    ):
        names = []
        for slug in slugs:
            area = force_by_slug(slug)
            names.append(area.police_uk_name if area is not None else slug)
        out.append(Unmapped(
            "police.uk stop and search outcomes", outcome,
            f"{_searches(searches)} ({', '.join(names)}); in neither "
            "negative_outcomes nor positive_outcomes of [import.police_uk.stop_search]: "
            "counted on neither side of the positive outcome rate",
        ))
    return out


def _search_rows(
    counts: pl.DataFrame, complete: dict[str, set[Quarter]], run: _Run,
) -> tuple[list[dict[str, Any]], dict[str, pl.DataFrame]]:
    rules = run.mapping.stop_search
    slugs = counts.get_column("_slug").unique().sort()
    forces = _config_forces(slugs, run)
    quarterly = _quarterly(counts, complete, _national_forces(slugs, forces))
    plan_forces = set(forces.values())

    def flag(column: str, words: frozenset[str]) -> pl.Expr:
        values = quarterly.get_column(column).unique().to_list()
        hits = [v for v in values if plain_key(v) in words]
        return pl.col(column).is_in(hits) if hits else pl.lit(False)

    legislation = pl.col("Legislation").fill_null("") != ""
    section_60 = flag("Legislation", rules.section_60_legislation)
    no_suspicion = flag("Legislation", rules.no_suspicion_legislation)
    reasonable = legislation & ~no_suspicion
    unknown_outcome = flag("Outcome", rules.unknown_outcomes) | pl.col("Outcome").is_null()
    negative = flag("Outcome", rules.negative_outcomes)
    positive = flag("Outcome", rules.positive_outcomes)
    unmapped_outcome = ~unknown_outcome & ~negative & ~positive
    has_object = pl.col("Object of search").fill_null("") != ""
    weapon = flag("Object of search", rules.weapon_objects)
    linked = (
        pl.col("Outcome linked to object of search").fill_null("").str.to_lowercase() == "true"
    )

    def total(condition: pl.Expr | None = None) -> pl.Expr:
        rows = pl.col("rows") if condition is None else pl.col("rows").filter(condition)
        return rows.sum()

    summary = quarterly.group_by("force", "period").agg(
        total().alias("searches"),
        total(section_60).alias("section_60"),
        total(no_suspicion & ~section_60).alias("other_no_suspicion"),
        total(~legislation).alias("no_legislation"),
        total(reasonable).alias("reasonable_grounds"),
        total(reasonable & (positive | negative)).alias("rg_outcome_recorded"),
        total(reasonable & positive).alias("rg_positive"),
        total(reasonable & unmapped_outcome).alias("rg_outcome_unmapped"),
        total(reasonable & has_object).alias("rg_object_recorded"),
        total(reasonable & weapon).alias("rg_weapon_object"),
        total(reasonable & weapon & positive & linked).alias("rg_weapon_object_positive_linked"),
    ).sort("force", "period")

    rows: list[dict[str, Any]] = []
    for record in summary.filter(pl.col("force").is_in(list(plan_forces))).iter_rows(named=True):
        base = {"force": record["force"], "period": record["period"]}
        if rules.section_60:
            rows.append({**base, "kpi": rules.section_60, "value": float(record["section_60"])})
        for kpi, num, den in (
            (rules.positive_outcome_rate, "rg_positive", "rg_outcome_recorded"),
            (rules.weapon_object_share, "rg_weapon_object", "rg_object_recorded"),
        ):
            if not kpi:
                continue
            if record[den] == 0:
                run.notes.append(f"{kpi}, {record['force']}, {record['period']}: no "
                                 "reasonable-grounds searches to base a rate on")
                continue
            rows.append({**base, "kpi": kpi, "numerator": float(record[num]),
                         "denominator": float(record[den]),
                         "value": 100.0 * record[num] / record[den]})

    by_legislation = (
        quarterly.with_columns(pl.col("Legislation").fill_null("(not recorded)"))
        .group_by("force", "period", "Legislation").agg(total().alias("searches"))
        .rename({"Legislation": "legislation"}).sort("force", "period", "legislation")
    )
    groups = {v: _ethnic_group(v)
              for v in quarterly.get_column("Self-defined ethnicity").unique().to_list()}
    by_ethnicity = (
        quarterly.with_columns(
            pl.col("Self-defined ethnicity")
            .replace_strict(groups, return_dtype=pl.String).alias("ethnicity")
        )
        .group_by("force", "period", "ethnicity").agg(total().alias("searches"))
    )
    populations = run.mapping.population_by_ethnicity
    pop_rows = [(force, group, people) for force, table in populations.items()
                for group, people in table.items()]
    population = pl.DataFrame(
        {"force": [r[0] for r in pop_rows], "ethnicity": [r[1] for r in pop_rows],
         "population": [r[2] for r in pop_rows]},
        schema={"force": pl.String, "ethnicity": pl.String, "population": pl.Int64},
    )
    by_ethnicity = (
        by_ethnicity.join(population, on=["force", "ethnicity"], how="left")
        .with_columns(
            (pl.col("searches") / pl.col("population") * 1000).alias("per_1000_in_quarter")
        )
        .sort("force", "period", "ethnicity")
    )
    without = sorted(set(forces.values()) - set(populations))
    if without:
        run.notes.append(
            "no population by ethnicity configured for " + ", ".join(without)
            + " ([import.police_uk.population_by_ethnicity]); search rates per 1,000 by "
            "ethnicity are left empty for them"
        )
    return rows, {
        "stop_search_summary": summary,
        "stop_search_legislation": by_legislation,
        "stop_search_ethnicity": by_ethnicity,
    }
