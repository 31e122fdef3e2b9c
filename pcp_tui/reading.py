"""Reading returns: files as frames of text columns, each row with its spreadsheet row number.

The loader's first half (`dataset` checks the rows): which files a folder holds, CSV in any of
the encodings and delimiters analysts' files have, streamed in batches; Parquet; workbooks, the
header found under title rows; the header's spellings to canonical column names. A file that
cannot be used as a whole raises UnreadableFile; anything smaller becomes a Problem.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pcp_tui.workbooks import Grid, WorkbookError, read_grids

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".xlsx", ".xlsm", ".xls", ".ods")


COLUMN_ALIASES = {
    "kpi_id": "kpi", "indicator": "kpi", "measure_id": "kpi",
    "force_name": "force", "police_force": "force", "area": "force",
    "quarter": "period", "month": "period", "date": "period",
    "count": "value", "num": "numerator", "den": "denominator",
    "lower_ci": "lower", "upper_ci": "upper", "lcl": "lower", "ucl": "upper",
    "kpi_title": "title", "kpi_name": "title",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a data file: where it is, what was found, what was expected."""

    file: str
    row: int | None
    column: str | None
    found: str
    expected: str
    sheet: str | None = None  # the workbook sheet, where the file has more than one

    @property
    def message(self) -> str:
        return f"found {self.found}; expected {self.expected}"

    @property
    def file_label(self) -> str:
        """The file's name, and its sheet where there is one: `tracker.xlsx, sheet 'WMP'`."""
        name = Path(self.file).name
        return f"{name}, sheet '{self.sheet}'" if self.sheet else name

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Heading:
    """A file's header as the analyst wrote it: the spreadsheet row it is on and each cleaned
    column name's own spelling, so that problems quote `'2020/21 Q3'`, not `'2020/21_q3'`."""

    row: int = 1
    written: dict[str, str] = dataclasses.field(default_factory=dict)
    sheet: str | None = None  # the sheet being read, in a workbook of several returns

    def name(self, column: str) -> str:
        return self.written.get(column, column)

    def as_written(self, problem: Problem) -> Problem:
        """A data row's problem with its column named as the header writes it."""
        if problem.column is None or problem.row is None or problem.row <= self.row:
            return problem  # a file's or the header's own problem already quotes it
        return Problem(problem.file, problem.row, self.name(problem.column), problem.found,
                       problem.expected, problem.sheet)


# Reading files ----------------------------------------------------------------------------


class UnreadableFile(Exception):
    """A whole file could not be read; the message says why."""


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


BATCH_ROWS = 100_000
SNIFF_BYTES = 8 << 20


def read_batches(
    path: Path, problems: list[Problem], heading: Heading | None = None,
) -> Iterator[pl.DataFrame]:
    """One file as frames of text columns plus `_row` (the spreadsheet row number).

    `heading`, when given, is filled with the header's row and the columns as written.

    A CSV is streamed in batches of `BATCH_ROWS` rows, so a file of any size is checked in
    bounded memory; Parquet and spreadsheets come whole. Raises UnreadableFile when the file as
    a whole cannot be used.
    """
    suffix = path.suffix.lower()
    heading = heading if heading is not None else Heading()
    if suffix == ".parquet":
        try:
            frame = pl.read_parquet(path)
        except Exception as err:  # polars raises several types for corrupt files
            raise UnreadableFile(f"is not a readable Parquet file ({_first_line(err)})") from None
        try:
            frame = _clean_columns(frame, path, problems, heading)
            frame = frame.with_columns(pl.all().cast(pl.Utf8))
        except Exception as err:  # a list or struct column has no text form
            raise UnreadableFile(
                f"has columns that are not plain values ({_first_line(err)})"
            ) from None
        yield frame.with_row_index("_row", offset=2)
        return
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        yield from _read_workbook(path, problems, heading)
        return
    yield from _read_csv(path, problems, heading)


def _open_text(path: Path) -> io.TextIOWrapper:
    """The file as text in the encoding analysts' files have: UTF-8 (BOM or not), UTF-16 or
    Windows-1252, judged on the first megabytes."""
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES)
        whole = len(sample) < SNIFF_BYTES
    if not sample.strip():
        raise UnreadableFile("is empty")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in sample[:4096]:
        raise UnreadableFile("is not a text file (it holds binary data)")
    elif sample.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
            encoding = "utf-8"
        except UnicodeDecodeError:
            # Excel on Windows saves CSV as cp1252 (a £ is byte 0xA3)
            encoding = "cp1252"
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="replace", newline="")


def _read_csv(path: Path, problems: list[Problem], heading: Heading) -> Iterator[pl.DataFrame]:
    with _open_text(path) as text:
        first_line = text.readline()
        text.seek(0)
        reader = csv.reader(text, delimiter=_sniff_delimiter(first_line))
        try:
            header = next(reader)
        except (StopIteration, csv.Error) as err:
            raise UnreadableFile(f"has no header row ({err})") from None
        first = _first_columns(header, path, problems, heading)
        width = len(header)
        rows: list[list[str]] = []
        row_numbers: list[int] = []
        record = 1
        yielded = False

        def batch() -> pl.DataFrame:
            data = {name: [r[i] for r in rows] for name, i in first.items()}
            frame = pl.DataFrame(data, schema={name: pl.Utf8 for name in data})
            return frame.with_columns(pl.Series("_row", row_numbers, dtype=pl.UInt32))

        try:
            for fields in reader:
                record += 1
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != width:
                    problems.append(Problem(
                        str(path), record, None, f"{len(fields)} fields",
                        f"{width} fields, one for each header column; the row is skipped",
                    ))
                    continue
                rows.append(fields)
                row_numbers.append(record)
                if len(rows) >= BATCH_ROWS:
                    yield batch()
                    yielded = True
                    rows, row_numbers = [], []
        except csv.Error as err:
            problems.append(Problem(str(path), record + 1, None, f"malformed CSV ({err})",
                                    "well-formed CSV; the rest of the file is skipped"))
        if rows or not yielded:
            yield batch()


HEADER_SEARCH_ROWS = 20


def _has_kpi_heading(row: Sequence[str]) -> bool:
    cleaned = {_clean_header(cell) for cell in row}
    return "kpi" in cleaned or "title" in cleaned


def _read_workbook(
    path: Path, problems: list[Problem], heading: Heading,
) -> Iterator[pl.DataFrame]:
    """The returns in a workbook: every visible sheet with a `kpi` (or KPI `title`) heading,
    one frame each; `heading` is set to each sheet's header before its frame is yielded.

    Hidden sheets (lookups, workings) are passed over; title rows and merged heading cells
    above the header are skipped; rows keep the numbers the spreadsheet shows. A workbook of
    several such sheets names the sheet in its problems (the `_sheet` column), and a sheet
    without a force column is the force its name gives (one sheet per force).
    """
    try:
        grids = read_grids(path)
    except WorkbookError as err:
        raise UnreadableFile(f"is not a readable spreadsheet ({err})") from None
    visible = [g for g in grids if g.visible] or grids
    if not visible:
        raise UnreadableFile("is a spreadsheet with no sheets")
    chosen: list[tuple[Grid, int]] = []
    for grid in visible:
        found = next((i for i, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS])
                      if _has_kpi_heading(row)), None)
        if found is not None:
            chosen.append((grid, found))
    if not chosen:
        chosen = [(visible[0], 0)]  # its header problems say what it lacks
    several = len(chosen) > 1
    for grid, header in chosen:
        heading.row = grid.row_number(header)
        heading.sheet = grid.sheet if several else None
        first = _first_columns(grid.rows[header] if grid.rows else [], path, problems, heading)
        body = grid.rows[header + 1:]
        keep = [i for i, row in enumerate(body) if any(cell.strip() for cell in row)]
        data = {name: [body[i][col] if col < len(body[i]) else "" for i in keep]
                for name, col in first.items()}
        frame = pl.DataFrame(data, schema={name: pl.Utf8 for name in data})
        rows = [grid.row_number(header + 1 + i) for i in keep]
        frame = frame.with_columns(pl.Series("_row", rows, dtype=pl.UInt32))
        if several:
            frame = frame.with_columns(pl.lit(grid.sheet).alias("_sheet"))
            if "force" not in frame.columns:
                frame = frame.with_columns(pl.lit(grid.sheet).alias("force"))
        yield frame


def _first_columns(
    headers: Sequence[str], path: Path, problems: list[Problem], heading: Heading,
) -> dict[str, int]:
    """Position of each cleaned column name; a second column of the same kind is reported.

    `value` and `count` both mean the value: rather than let the later one win unseen (or, for
    a spreadsheet, crash on the duplicate name), the first is used and the second reported.
    `heading` keeps each column's own spelling for the messages.
    """
    first: dict[str, int] = {}
    for i, header in enumerate(headers):
        name = _clean_header(header)
        if not name:
            continue
        written = str(header).replace("\ufeff", "").strip()
        if name in first:
            problems.append(Problem(
                str(path), heading.row, shorten(written),
                f"a second {name} column, {quote(written)} (column {i + 1}), "
                f"after {quote(heading.name(name))} (column {first[name] + 1})",
                "one column of each kind; the first is used and this one ignored",
                heading.sheet,
            ))
            continue
        first[name] = i
        heading.written[name] = written
    return first


def _clean_columns(
    frame: pl.DataFrame, path: Path, problems: list[Problem], heading: Heading,
) -> pl.DataFrame:
    """Header spellings to canonical names, as for CSV, keeping the first of any duplicate."""
    first = _first_columns(frame.columns, path, problems, heading)
    return frame.select(
        pl.col(frame.columns[i]).alias(name) for name, i in first.items()
    )


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


def _clean_header(name: str) -> str:
    key = str(name).replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)


# A problem quotes at most this many characters of a cell, then an ellipsis and the length
QUOTE_CHARS = 60


def shorten(text: str) -> str:
    """A cell's text as a problem quotes it: whole when short, else its start, an ellipsis and
    its length (`'abc…' (100,000 characters)`), so one huge cell cannot flood the report."""
    if len(text) <= QUOTE_CHARS:
        return text
    return f"{text[:QUOTE_CHARS]}… ({len(text):,} characters)"


def quote(text: str | None) -> str:
    text = text or ""
    if len(text) <= QUOTE_CHARS:
        return f"'{text}'"
    return f"'{text[:QUOTE_CHARS]}…' ({len(text):,} characters)"


def data_files(paths: Sequence[str | Path], problems: list[Problem]) -> list[Path]:
    """The returns to read: files as given, and data files directly inside folders."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        try:
            if path.is_dir():
                children = sorted(path.iterdir())
            elif path.is_file():
                found.append(path)
                continue
            elif path.exists():
                problems.append(Problem(str(path), None, None, "not a regular file",
                                        "a data file or a folder of data files"))
                continue
            else:
                problems.append(Problem(str(path), None, None, "no such file or folder",
                                        "a data file or a folder of data files"))
                continue
        except OSError as err:  # no permission to list it, or to look inside its folder
            problems.append(Problem(
                str(path), None, None, f"a folder or file that cannot be read "
                f"({err.strerror or err})", "a data file or a folder of data files that "
                "pcp-tui may read; nothing in it is loaded"))
            continue
        for child in children:
            if child.name.startswith((".", "~$")):
                continue  # hidden files and Excel's lock files
            if child.suffix.lower() not in DATA_SUFFIXES:
                continue
            try:
                if child.is_file():
                    found.append(child)
                elif child.is_symlink() and not child.exists():
                    problems.append(Problem(
                        str(child), None, None,
                        "a link that leads nowhere (broken, or a loop of links)",
                        "a data file; the link is skipped"))
                else:
                    problems.append(Problem(str(child), None, None, "a folder, not a file",
                                            "a data file; the folder is skipped"))
            except OSError as err:  # a folder that may be listed but not looked inside
                problems.append(Problem(str(child), None, None,
                                        f"a file that cannot be read ({err.strerror or err})",
                                        "a readable file; it is skipped"))
    return found
