"""Checks on an untrusted workbook before the spreadsheet reader sees it.

The reader (calamine, through fastexcel) builds every sheet as a dense grid in memory: a 1.6 KB
xlsx that puts one cell at XFD1048576 asks it for 17 billion cells and the process dies inside
it, and an 8 KB xlsx whose one 5 MB shared string fills 400 cells takes gigabytes. So a workbook
is first read here with zipfile, as a stream in bounded pieces: the sizes its zip members declare
and their compression ratios, then each sheet's declared dimension, the cells it places (with
rows and columns repeated, for ODS), and its text, shared strings counted at each use. A file
beyond the limits below is refused with the reason; the limits are far above any real return
(the ONS and Home Office tables are at most 9.4 MB unpacked, 110 × 32 cells a sheet).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path

MAX_MEMBER_BYTES = 128 << 20  # one file inside the workbook, unpacked
MAX_TOTAL_BYTES = 256 << 20  # the whole workbook, unpacked
MAX_RATIO = 200  # unpacked / packed, for members over RATIO_FROM_BYTES (real files: ≤ 31)
RATIO_FROM_BYTES = 1 << 20
MAX_MEMBERS = 10_000
MAX_CELLS = 4_000_000  # rows × columns of a sheet's used or declared area
MAX_CELL_CHARS = 32_767  # the most text Excel itself puts in one cell
MAX_TEXT_CHARS = 64 << 20  # text of every cell of the workbook, a shared string at each use
CHUNK = 1 << 20


class WorkbookRefused(ValueError):
    """The workbook is beyond what pcp-tui will hand to the reader; the message says why."""


def check_workbook(path: Path) -> None:
    """Raise WorkbookRefused when `path` (xlsx, xlsm or ods) is too big to read safely.

    A file that is not a zip archive is left to the reader, which reports it.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with book:
        try:
            _check_members(book)
            if path.suffix.lower() == ".ods":
                _check_ods(book)
            else:
                _check_xlsx(book)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as err:
            if isinstance(err, WorkbookRefused):
                raise
            raise WorkbookRefused(f"a damaged zip archive ({err})") from None
        except ET.ParseError as err:
            raise WorkbookRefused(f"malformed XML inside the workbook ({err})") from None


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def _check_members(book: zipfile.ZipFile) -> None:
    members = book.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused(f"{len(members):,} files inside it; at most {MAX_MEMBERS:,}")
    total = 0
    for info in members:
        size = info.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise WorkbookRefused(
                f"'{info.filename}' inside it unpacks to {_mb(size)}; at most "
                f"{_mb(MAX_MEMBER_BYTES)}")
        ratio = size / max(info.compress_size, 1)
        if size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise WorkbookRefused(
                f"'{info.filename}' inside it unpacks {ratio:,.0f} times its packed size "
                f"({_mb(size)}); at most {MAX_RATIO} times (a compression bomb?)")
    if total > MAX_TOTAL_BYTES:
        raise WorkbookRefused(f"it unpacks to {_mb(total)}; at most {_mb(MAX_TOTAL_BYTES)}")
    for info in members:
        if not _is_xml_read_below(info.filename):
            _drain(book, info)  # a member that unpacks past its declared size fails its CRC


def _is_xml_read_below(name: str) -> bool:
    return name in ("content.xml", "xl/sharedStrings.xml") or name.startswith("xl/worksheets/")


def _drain(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    for _ in _chunks(book, info):
        pass


def _chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member in pieces of CHUNK bytes; zipfile stops at the declared size and checks the
    CRC, so a member cannot unpack to more than it declared."""
    with book.open(info) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


# xlsx --------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"')
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>(?:<(?:\w+:)?v>(\d+)</(?:\w+:)?v>)?")
_R = re.compile(rb'\br="([A-Z]{0,3})(\d*)"')
_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_number(letters: str | bytes) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        n = n * 26 + ord(ch) - 64
    return n


def _area(rows: int, columns: int) -> int:
    return max(rows, 0) * max(columns, 0)


def _check_xlsx(book: zipfile.ZipFile) -> None:
    names = set(book.namelist())
    lengths = _shared_string_lengths(book) if "xl/sharedStrings.xml" in names else array("q")
    text = 0
    for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
        text += _check_sheet(book, book.getinfo(name), lengths)
        if text > MAX_TEXT_CHARS:
            raise WorkbookRefused(
                f"its cells hold more than {MAX_TEXT_CHARS:,} characters of text, counting a "
                "shared string at each cell that uses it")


def _shared_string_lengths(book: zipfile.ZipFile) -> array:
    """The length of each shared string; one longer than a cell can hold is refused."""
    lengths = array("q")
    parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    for chunk in _chunks(book, book.getinfo("xl/sharedStrings.xml")):
        parser.feed(chunk)
        for event, element in parser.read_events():
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            if element.tag == f"{_MAIN}si":
                length = sum(len(t.text or "") for t in element.iter(f"{_MAIN}t"))
                if length > MAX_CELL_CHARS:
                    raise WorkbookRefused(
                        f"shared string {len(lengths) + 1:,} holds {length:,} characters; a "
                        f"cell holds at most {MAX_CELL_CHARS:,}")
                lengths.append(length)
                if stack:
                    stack[-1].remove(element)
    parser.close()
    return lengths


class _Extent:
    """Where a sheet's cells are, as the reader places them: a cell or row without an `r`
    reference follows the one before."""

    def __init__(self, lengths: array) -> None:
        self.lengths = lengths
        self.row = self.col = 0
        self.top = self.left = 1 << 40
        self.bottom = self.right = 0
        self.text = 0

    def scan(self, xml: bytes) -> None:
        for tag, attrs, value in _TAG.findall(xml):
            ref = _R.search(attrs)
            if tag == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
                continue
            if ref and ref.group(1):
                self.col = _column_number(ref.group(1))
                if ref.group(2):
                    self.row = int(ref.group(2))
            else:
                self.col += 1
            self.top, self.bottom = min(self.top, self.row), max(self.bottom, self.row)
            self.left, self.right = min(self.left, self.col), max(self.right, self.col)
            if value and (t := _T.search(attrs)) and t.group(1) == b"s":
                index = int(value)
                self.text += self.lengths[index] if index < len(self.lengths) else 0

    @property
    def cells(self) -> int:
        if not self.bottom:
            return 0
        return _area(self.bottom - self.top + 1, self.right - self.left + 1)


def _check_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: array) -> int:
    """Refuse a sheet whose declared or used area is too large; return its text's length."""
    sheet = f"in '{info.filename}'"
    extent = _Extent(lengths)
    buffer = b""
    first = True
    for chunk in _chunks(book, info):
        buffer += chunk
        if first:
            first = False
            if match := _DIMENSION.search(buffer[:65536]):
                _check_dimension(sheet, match.group(1).decode("ascii", "replace"))
        # scan up to the last tag start: a cell that starts before it has ended before it
        cut = max(buffer.rfind(b"<c"), buffer.rfind(b"<row"))
        if cut > 0:
            extent.scan(buffer[:cut])
            buffer = buffer[cut:]
        if extent.cells > MAX_CELLS:
            raise WorkbookRefused(_too_many(sheet, extent))
    extent.scan(buffer)
    if extent.cells > MAX_CELLS:
        raise WorkbookRefused(_too_many(sheet, extent))
    return extent.text + info.file_size  # inline text is at most the sheet's own size


def _check_dimension(sheet: str, ref: str) -> None:
    corners = _REF.findall(ref)
    if len(corners) == 2:
        (c1, r1), (c2, r2) = corners
        rows = abs(int(r2) - int(r1)) + 1
        columns = abs(_column_number(c2) - _column_number(c1)) + 1
        if _area(rows, columns) > MAX_CELLS:
            raise WorkbookRefused(
                f"the sheet {sheet} declares the range {ref[:40]} "
                f"({_area(rows, columns):,} cells); at most {MAX_CELLS:,}")


def _name(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _too_many(sheet: str, extent: _Extent) -> str:
    return (f"the sheet {sheet} has cells from {_name(extent.left)}{extent.top} to "
            f"{_name(extent.right)}{extent.bottom} ({extent.cells:,} cells to hold); at most "
            f"{MAX_CELLS:,}")


# ods ---------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods(book: zipfile.ZipFile) -> None:
    """Rows and cells repeated (`number-rows-repeated`, `number-columns-repeated`) count as
    many times as they repeat, as the reader expands them; trailing empty ones do not."""
    if "content.xml" not in book.namelist():
        return
    parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    sheet = ""
    row = col = 0
    row_repeat = 1
    bottom = right = 0
    text = 0
    for chunk in _chunks(book, book.getinfo("content.xml")):
        parser.feed(chunk)
        for event, element in parser.read_events():
            tag = element.tag
            if event == "start":
                stack.append(element)
                if tag == f"{_TABLE}table":
                    sheet, row, bottom, right = element.get(f"{_TABLE}name", ""), 0, 0, 0
                elif tag == f"{_TABLE}table-row":
                    row_repeat = _repeat(element, "rows")
                    col = 0
                continue
            stack.pop()
            if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                repeat = _repeat(element, "columns")
                length = sum(len(part) for part in element.itertext())
                if element.get(f"{_OFFICE}value-type") or length or len(element):
                    right = max(right, col + repeat)
                    bottom = max(bottom, row + row_repeat)
                    text += length * repeat * row_repeat
                col += repeat
                if stack:
                    stack[-1].remove(element)
                if _area(bottom, right) > MAX_CELLS:
                    raise WorkbookRefused(
                        f"sheet {sheet[:60]} fills {_area(bottom, right):,} cells, counting "
                        f"repeated rows and columns; at most {MAX_CELLS:,}")
                if length > MAX_CELL_CHARS:
                    raise WorkbookRefused(
                        f"a cell of sheet {sheet[:60]} holds {length:,} characters; at most "
                        f"{MAX_CELL_CHARS:,}")
                if text > MAX_TEXT_CHARS:
                    raise WorkbookRefused(
                        f"its cells hold more than {MAX_TEXT_CHARS:,} characters of text, "
                        "counting repeated cells at each repeat")
            elif tag == f"{_TABLE}table-row":
                row += row_repeat
                if stack:
                    stack[-1].remove(element)
    parser.close()


def _repeat(element: ET.Element, what: str) -> int:
    try:
        return max(int(element.get(f"{_TABLE}number-{what}-repeated", "1")), 1)
    except ValueError:
        return 1
