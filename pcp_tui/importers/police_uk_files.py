"""The police.uk archive's files: what kinds and layouts there are, the header fields a count
reads, and finding, describing and hashing the files an import is given.

A file is described from its name and its header line alone (never read whole); what is
wrong with one is a Problem on the import's `Run`, and the file is skipped.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pcp_tui.config import Config
from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import ForceArea, force_by_slug
from pcp_tui.importers.digests import DigestCache
from pcp_tui.importers.mapping import PoliceUkMapping
from pcp_tui.importers.progress import ProgressCallback
from pcp_tui.periods import Quarter

STREET, SEARCH, OUTCOMES = "street", "stop-and-search", "outcomes"
CURRENT, LAYOUT_2011 = "current", "2011"
_ARCHIVE_NAME = re.compile(
    r"^(\d{4})-(\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv$", re.IGNORECASE
)
MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})")


def month_date(year: int, month: int) -> date | None:
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


def rows_text(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def searches_text(n: int) -> str:
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
class Run:
    config: Config
    mapping: PoliceUkMapping
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)


# Finding the files ---------------------------------------------------------------------------


def discover(paths: Sequence[str | Path], run: Run) -> list[ArchiveFile]:
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


def _describe(path: Path, run: Run) -> ArchiveFile | None:
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
        found.month = month_date(year, month)
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


def hash_all(paths: list[Path], progress: ProgressCallback,
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
