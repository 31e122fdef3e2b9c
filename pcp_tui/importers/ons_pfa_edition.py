"""Which edition an ONS PFA workbook is: the 12 months it ends with, read from its Notes sheet,
a table's title or, failing those, the file name.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pcp_tui.dataset import Problem
from pcp_tui.importers.ons_pfa_tables import Edition, table_kind, table_title
from pcp_tui.periods import MONTH_NAMES, PeriodError, months_ending
from pcp_tui.workbooks import Grid

_ENDING = re.compile(
    r"(?:year|12\s+months)\s+(?:ending|ended|to)\s+([A-Za-z]+)\.?\s*'?(\d{2,})", re.IGNORECASE
)
_FILE_MONTH = re.compile(
    r"(january|february|march|april|june|july|august|september|october|november|december"
    r"|sept|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[-_ ]?(\d{4}|\d{2})(?!\d)"
)


# Edition -----------------------------------------------------------------------------------


def _ending(text: str) -> tuple[int, int] | None:
    """(month, year) from `year ending June 2019`, even with footnote marks glued on
    (`year ending June 20191,2`, `year ending June 181,2`)."""
    match = _ENDING.search(text)
    if not match:
        return None
    month = MONTH_NAMES.get(match.group(1).lower())
    digits = match.group(2)
    if month is None:
        return None
    year = int(digits[:4]) if digits.startswith(("19", "20")) and len(digits) >= 4 else (
        2000 + int(digits[:2])
    )
    return month, year


def read_edition(path: Path, grids: list[Grid], problems: list[Problem]) -> Edition | None:
    found: list[tuple[str, tuple[int, int]]] = []
    for grid in grids:
        name = " ".join(grid.sheet.split()).casefold()
        if name in ("notes", "contents", "cover", "cover sheet"):
            for row in grid.rows[:6]:
                ending = _ending(" ".join(row))
                if ending:
                    found.append((f"the '{grid.sheet.strip()}' sheet", ending))
                    break
    for grid in grids:
        if table_kind(grid) == "p1":
            ending = _ending(table_title(grid))
            if ending:
                found.append((f"the title of '{grid.sheet.strip()}'", ending))
    stem = path.stem.lower()
    if match := _FILE_MONTH.search(stem):
        month = MONTH_NAMES.get(match.group(1))
        digits = match.group(2)
        year = int(digits) if len(digits) == 4 else 2000 + int(digits)
        if month:
            found.append(("the file name", (month, year)))
    if not found:
        problems.append(Problem(
            str(path), None, None, "no edition ('year ending <Month YYYY>') in the notes, "
            "the Table P1 title or the file name",
            "an edition such as 'year ending June 2019'; the workbook is skipped",
        ))
        return None
    source, (month, year) = found[0]
    for other_source, other in found[1:]:
        if other != (month, year):
            problems.append(Problem(
                str(path), None, None,
                f"{other_source} says {_month_year(*other)} but {source} says "
                f"{_month_year(month, year)}",
                f"one edition throughout; {source} is used",
            ))
    try:
        window = months_ending(month, year)
    except PeriodError as err:
        problems.append(Problem(str(path), None, None, f"the edition {_month_year(month, year)}",
                                f"12 months ending at a quarter end ({err})"))
        return None
    return Edition(window.last, f"12 months ending {_month_year(month, year)}", source)


def _month_year(month: int, year: int) -> str:
    return f"{date(year, month, 1):%B %Y}"
