"""Reading spreadsheets as grids of text, with each row's number as the spreadsheet shows it.

Shared by the loader (quarterly returns saved from Excel) and the ONS importer. Reading needs the
optional `fastexcel` package (`pip install fastexcel`, or the `excel` extra).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pcp_tui.workbook_checks import WorkbookRefused, check_workbook


@dataclass(frozen=True)
class Grid:
    """One sheet: its rows of text (blank cells are ""), the row number of the first one."""

    sheet: str
    rows: list[list[str]]
    first_row: int = 1  # spreadsheet row number of rows[0]
    visible: bool = True

    def row_number(self, index: int) -> int:
        return self.first_row + index

    def cell(self, row: int, col: int) -> str:
        line = self.rows[row] if 0 <= row < len(self.rows) else []
        return line[col] if 0 <= col < len(line) else ""


class WorkbookError(ValueError):
    """The file cannot be read as a workbook; the message says why."""


# `pip install fastexcel` works wherever pcp-tui is installed; the extra, from a checkout
EXCEL_HINT = ("reading workbooks needs the optional 'fastexcel' package: pip install fastexcel "
              "(from a checkout of pcp-tui: pip install '.[excel]')")


def read_grids(path: Path) -> list[Grid]:
    """Every sheet as text. Raises WorkbookError when the file is not a readable workbook,
    or one too large to read safely (`workbook_checks`: checked before the reader sees it)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        try:
            check_workbook(path)
        except WorkbookRefused as err:
            raise WorkbookError(f"refused before reading: {err}") from None
    try:
        import fastexcel
    except ModuleNotFoundError:
        raise WorkbookError(EXCEL_HINT) from None
    try:
        reader = fastexcel.read_excel(str(path))
        origins = sheet_origins(path)
        grids = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            frame = sheet.to_polars()
            rows = [
                ["" if cell is None else str(cell) for cell in row] for row in frame.iter_rows()
            ]
            grids.append(Grid(name, rows, origins.get(name, 1), sheet.visible == "visible"))
        return grids
    except Exception as err:  # fastexcel raises its own types for corrupt files
        message = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise WorkbookError(message) from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def sheet_origins(path: Path) -> dict[str, int]:
    """The spreadsheet row of each sheet's first used row (.xlsx only; else row 1).

    The cell reader starts each sheet at its first used cell, so without this a table that
    begins on row 3 would report its rows two too high.
    """
    origins: dict[str, int] = {}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return origins
    try:
        with zipfile.ZipFile(path) as book:
            workbook = ET.fromstring(book.read("xl/workbook.xml"))
            rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in workbook.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"), "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                first = _first_used_row(book, member)
                if first is not None:
                    origins[sheet.get("name", "")] = first
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return {}
    return origins


def _first_used_row(book: zipfile.ZipFile, member: str) -> int | None:
    with book.open(member) as handle:
        for _, element in ET.iterparse(handle):
            if element.tag == f"{_MAIN}c":
                has_value = any(
                    child.tag in (f"{_MAIN}v", f"{_MAIN}is") and "".join(child.itertext())
                    for child in element
                )
                ref = element.get("r", "")
                if has_value and (match := re.match(r"[A-Z]+(\d+)$", ref)):
                    return int(match.group(1))
            elif element.tag == f"{_MAIN}row":
                element.clear()
    return None
