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

from pcp_tui.csv_plain import plain_rows, plain_text
from pcp_tui.layouts import DeclaredLayout, for_file, for_sheet, same_heading
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
    layout: DeclaredLayout | None = None  # the layout the config declares for it, if any

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
# A plain CSV at least this big is read by Polars (`csv_plain`); a smaller one is read sooner
# record by record (Polars' reader costs a few milliseconds a file, whatever its size).
PLAIN_MIN_BYTES = 64 << 10


def read_batches(
    path: Path, problems: list[Problem], heading: Heading | None = None,
    layouts: Sequence[DeclaredLayout] = (),
) -> Iterator[pl.DataFrame]:
    """One file as frames of text columns plus `_row` (the spreadsheet row number).

    `heading`, when given, is filled with the header's row, the columns as written and the
    layout the config declares for the part being read. `layouts` are the config's
    `[[data.layout]]` entries; a part that does not fit the one declared for it is a problem
    and yields nothing.

    A CSV is streamed in batches of `BATCH_ROWS` rows, so a file of any size is checked in
    bounded memory; Parquet and spreadsheets come whole. Raises UnreadableFile when the file as
    a whole cannot be used.
    """
    suffix = path.suffix.lower()
    heading = heading if heading is not None else Heading()
    declared = for_file(layouts, path)
    if suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
        for layout in declared:
            if layout.sheet is not None:
                problems.append(Problem(
                    str(path), None, None, f"a file without sheets, but {layout.source} "
                    f"names sheet {quote(layout.sheet)}",
                    "a workbook, or a layout without `sheet` for this file; nothing in the "
                    "file is loaded"))
                return
    heading.layout = for_sheet(declared, None)
    if suffix == ".parquet":
        try:
            frame = pl.read_parquet(path)
        except Exception as err:  # polars raises several types for corrupt files
            raise UnreadableFile(f"is not a readable Parquet file ({_first_line(err)})") from None
        headers = _declared_headers(frame.columns, path, problems, heading)
        if headers is None:
            return
        try:
            frame = _clean_columns(frame, path, problems, heading, headers)
            frame = _declared_force(frame.with_columns(pl.all().cast(pl.Utf8)), heading)
        except Exception as err:  # a list or struct column has no text form
            raise UnreadableFile(
                f"has columns that are not plain values ({_first_line(err)})"
            ) from None
        yield frame.with_row_index("_row", offset=2)
        return
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        yield from _read_workbook(path, problems, heading, declared)
        return
    yield from _read_csv(path, problems, heading)


def _encoding(path: Path) -> tuple[str, bytes | None]:
    """The encoding of analysts' files a file is in: UTF-8 (BOM or not), UTF-16 or
    Windows-1252, judged on the first megabytes; and the whole file when it is smaller than
    the sample judged."""
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
    return encoding, sample if whole else None


def _read_csv(path: Path, problems: list[Problem], heading: Heading) -> Iterator[pl.DataFrame]:
    layout = heading.layout
    encoding, raw = _encoding(path)
    if layout is None or not (layout.header_row or layout.kpi_column):
        big = raw is not None and len(raw) >= PLAIN_MIN_BYTES
        text = plain_text(raw, encoding) if big else None
        batches = _read_plain(text, path, problems, heading) if text is not None else None
        if batches is not None:
            yield from batches
            return
    with io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="replace",
                          newline="") as text:
        first_line = text.readline()
        text.seek(0)
        reader = csv.reader(text, delimiter=_sniff_delimiter(first_line))
        layout = heading.layout
        try:
            if layout is not None and (layout.header_row or layout.kpi_column):
                record, header = _declared_header_row(reader, layout)
                if header is None:
                    problems.append(_no_header(str(path), layout, record))
                    return
            else:
                record, header = 1, next(reader)
        except (StopIteration, csv.Error) as err:
            raise UnreadableFile(f"has no header row ({err})") from None
        heading.row = record
        headers = _declared_headers(header, path, problems, heading)
        if headers is None:
            return
        first = _first_columns(headers, path, problems, heading)
        width = len(header)
        rows: list[list[str]] = []
        row_numbers: list[int] = []
        yielded = False

        def batch() -> pl.DataFrame:
            data = {name: [r[i] for r in rows] for name, i in first.items()}
            frame = pl.DataFrame(data, schema={name: pl.Utf8 for name in data})
            frame = frame.with_columns(pl.Series("_row", row_numbers, dtype=pl.UInt32))
            return _declared_force(frame, heading)

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


def _read_plain(
    text: bytes, path: Path, problems: list[Problem], heading: Heading,
) -> Iterator[pl.DataFrame] | None:
    """A plain CSV (`csv_plain`) in the batches `_read_csv` gives, or None where it turns out
    not to be plain (nothing is reported then: `_read_csv` reads it afresh)."""
    first_line = text.split(b"\n", 1)[0].decode("utf-8")
    delimiter = _sniff_delimiter(first_line)
    try:
        header = next(csv.reader([first_line], delimiter=delimiter))
    except csv.Error:  # a quoted heading that runs on past the line: not plain
        return None
    found: list[Problem] = []
    kept = Heading(layout=heading.layout)
    headers = _declared_headers(header, path, found, kept)
    columns = _first_columns(headers, path, found, kept) if headers is not None else {}
    rows = plain_rows(text, delimiter, len(header), columns)
    if rows is None:
        return None
    heading.row, heading.written = kept.row, kept.written
    problems += found
    if headers is None:
        return iter(())
    return (_declared_force(rows.slice(start, BATCH_ROWS), heading)
            for start in range(0, max(rows.height, 1), BATCH_ROWS))


HEADER_SEARCH_ROWS = 20


def _has_kpi_heading(row: Sequence[str]) -> bool:
    cleaned = {_clean_header(cell) for cell in row}
    return "kpi" in cleaned or "title" in cleaned


def _is_header(row: Sequence[str], layout: DeclaredLayout | None) -> bool:
    """The row heads a return: it has the KPI column's heading (the declared one, if any)."""
    if layout is not None and layout.kpi_column is not None:
        return any(layout.is_kpi_heading(cell) for cell in row)
    return _has_kpi_heading(row)


def _declared_header_row(
    reader: Iterator[list[str]], layout: DeclaredLayout,
) -> tuple[int, list[str] | None]:
    """The header of a CSV with a declared layout: the row `header_row` says, else the first
    of the first `HEADER_SEARCH_ROWS` with the KPI column's heading; with the last row read."""
    record = 0
    for fields in reader:
        record += 1
        if layout.header_row is not None:
            if record == layout.header_row:
                return record, fields
        elif _is_header(fields, layout):
            return record, fields
        elif record >= HEADER_SEARCH_ROWS:
            break
    return record, None


def _no_header(file: str, layout: DeclaredLayout, rows: int, sheet: str | None = None,
               row: list[str] | None = None) -> Problem:
    """The header a declared layout promises is not where it says."""
    kpi = quote(layout.kpi_column) if layout.kpi_column else "'kpi' (or 'title')"
    if layout.header_row is not None and row is None:
        return Problem(file, layout.header_row, None,
                       f"no row {layout.header_row:,} (the {'sheet' if sheet else 'file'} "
                       f"has {rows:,} rows)",
                       f"the header in row {layout.header_row:,}, as {layout.source} says; "
                       "nothing in it is loaded", sheet)
    if layout.header_row is not None:
        return Problem(file, layout.header_row, layout.kpi_column or "kpi",
                       f"no column headed {kpi} in the header row",
                       f"the KPI column {layout.source} declares; nothing in it is loaded",
                       sheet)
    return Problem(file, None, layout.kpi_column or "kpi",
                   f"no column headed {kpi} in the first {min(rows, HEADER_SEARCH_ROWS)} rows",
                   f"a header row with the KPI column {layout.source} declares; nothing "
                   "in it is loaded", sheet)


def _declared_headers(
    headers: Sequence[str], path: Path, problems: list[Problem], heading: Heading,
) -> list[str] | None:
    """The header as the declared layout reads it: the KPI column as `kpi`, the force column
    as `force`, ignored columns blank (passed over). None, with a problem, where the header
    does not fit the layout."""
    layout = heading.layout
    if layout is None:
        return list(headers)
    out: list[str] = []
    found_force = False
    for cell in headers:
        if layout.ignores(cell):
            out.append("")
        elif layout.is_kpi_heading(cell):
            out.append("kpi")
        elif layout.force_column is not None and same_heading(cell, layout.force_column):
            out.append("force")
            found_force = True
        else:
            out.append(str(cell))
    missing = []
    if layout.kpi_column is not None and "kpi" not in out:
        missing.append(layout.kpi_column)
    if layout.force_column is not None and not found_force:
        missing.append(layout.force_column)
    for name in missing:
        problems.append(Problem(
            str(path), heading.row, name, f"no column headed {quote(name)} in the header row",
            f"the column {layout.source} declares; nothing in it is loaded", heading.sheet))
    if layout.force is not None:
        clash = next((c for c in out if _clean_header(c) == "force"), None)
        if clash is not None:
            problems.append(Problem(
                str(path), heading.row, shorten(clash),
                "a force column, but the layout gives one force for every row",
                f"no force column where {layout.source} gives `force`; nothing in it is "
                "loaded", heading.sheet))
            return None
    return None if missing else out


def _declared_force(frame: pl.DataFrame, heading: Heading) -> pl.DataFrame:
    """The force a declared layout gives for every row of the file or sheet."""
    if heading.layout is None or heading.layout.force is None:
        return frame
    return frame.with_columns(pl.lit(heading.layout.force, dtype=pl.Utf8).alias("force"))


def _read_workbook(
    path: Path, problems: list[Problem], heading: Heading,
    declared: Sequence[DeclaredLayout] = (),
) -> Iterator[pl.DataFrame]:
    """The returns in a workbook: every visible sheet with a `kpi` (or KPI `title`) heading,
    one frame each; `heading` is set to each sheet's header before its frame is yielded.

    Hidden sheets (lookups, workings) are passed over; title rows and merged heading cells
    above the header are skipped; rows keep the numbers the spreadsheet shows. A workbook of
    several such sheets names the sheet in its problems (the `_sheet` column), and a sheet
    without a force column is the force its name gives (one sheet per force).

    `declared` are the layouts the config declares for the file: a sheet one names is read by
    it (hidden or not) and must fit it; one naming no sheet reads every visible sheet whose
    header it finds, and must find one.
    """
    try:
        grids = read_grids(path)
    except WorkbookError as err:
        raise UnreadableFile(f"is not a readable spreadsheet ({err})") from None
    visible = [g for g in grids if g.visible] or grids
    if not visible:
        raise UnreadableFile("is a spreadsheet with no sheets")
    file = str(path)
    names = [g.sheet for g in grids]
    for layout in declared:
        if layout.sheet is not None and layout.sheet not in names:
            problems.append(Problem(
                file, None, None, f"no sheet {quote(layout.sheet)} (the sheets are "
                f"{', '.join(quote(n) for n in names)})",
                f"the sheet {layout.source} names; nothing is loaded for it"))
    chosen: list[tuple[Grid, int, DeclaredLayout | None]] = []
    unfitted = {layout.where: layout for layout in declared if layout.sheet is None}
    for grid in grids:
        layout = for_sheet(declared, grid.sheet)
        named = layout is not None and layout.sheet == grid.sheet
        if not any(grid is shown for shown in visible) and not named:
            continue
        if layout is not None and layout.header_row is not None:
            index = layout.header_row - grid.first_row
            row = grid.rows[index] if 0 <= index < len(grid.rows) else None
            found = index if row is not None and _is_header(row, layout) else None
        else:
            row = None
            found = next((i for i, cells in enumerate(grid.rows[:HEADER_SEARCH_ROWS])
                          if _is_header(cells, layout)), None)
        if found is not None:
            chosen.append((grid, found, layout))
            if layout is not None:
                unfitted.pop(layout.where, None)
        elif named:
            assert layout is not None
            problems.append(_no_header(file, layout, grid.row_number(len(grid.rows)) - 1,
                                       grid.sheet, row))
    for layout in unfitted.values():  # a layout for the whole file that fits no sheet
        problems.append(_no_header(file, layout, max((len(g.rows) for g in visible), default=0),
                                   None, [] if layout.header_row is not None else None))
    if not chosen:
        if declared:
            return  # the problems above say which declared layout the workbook does not fit
        chosen = [(visible[0], 0, None)]  # its header problems say what it lacks
    several = len(chosen) > 1
    for grid, header, layout in chosen:
        heading.row = grid.row_number(header)
        named = layout is not None and layout.sheet is not None
        heading.sheet = grid.sheet if several or named else None
        heading.layout = layout
        headers = _declared_headers(grid.rows[header] if grid.rows else [], path, problems,
                                    heading)
        if headers is None:
            continue
        first = _first_columns(headers, path, problems, heading)
        body = grid.rows[header + 1:]
        keep = [i for i, row in enumerate(body) if any(cell.strip() for cell in row)]
        data = {name: [body[i][col] if col < len(body[i]) else "" for i in keep]
                for name, col in first.items()}
        frame = pl.DataFrame(data, schema={name: pl.Utf8 for name in data})
        rows = [grid.row_number(header + 1 + i) for i in keep]
        frame = frame.with_columns(pl.Series("_row", rows, dtype=pl.UInt32))
        if heading.sheet is not None:
            frame = frame.with_columns(pl.lit(grid.sheet).alias("_sheet"))
        if several and "force" not in frame.columns:
            frame = frame.with_columns(pl.lit(grid.sheet).alias("force"))
        yield _declared_force(frame, heading)


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
    headers: Sequence[str],
) -> pl.DataFrame:
    """Header spellings (`headers`, one for each of the frame's columns) to canonical names, as
    for CSV, keeping the first of any duplicate."""
    first = _first_columns(headers, path, problems, heading)
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
