"""What the Home Office statistical tables (workforce, use of force) have in common.

Both publications are ODS (or xlsx) workbooks with one table per sheet: a title on the first
row, the figures below a header, notes under them. Neither carries area codes, so a row's area
is told from its name: footnote marks removed (`Cheshire7`), spelled as the Home Office spells
it (`Avon & Somerset`, `London, City of`, `Metropolitan`), and resolved through
`pcp_tui.importers.areas` to one of the 43 police force areas (or British Transport Police),
a region or a national total.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pcp_tui.config import Config
from pcp_tui.importers.areas import ForceArea, config_force_id, force_by_name, region_code
from pcp_tui.importers.mapping import strip_footnotes
from pcp_tui.importers.ons_pfa import workbooks
from pcp_tui.importers.ons_pfa_tables import MISSING
from pcp_tui.periods import MONTH_NAMES
from pcp_tui.workbooks import Grid

__all__ = [
    "ForceIds",
    "area_force",
    "is_national",
    "is_region",
    "parse_count",
    "parse_day",
    "title",
    "workbooks",
]

_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]*)?$")
_LONG_DAY = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+((?:19|20)\d{2})")
_SHORT_MONTH = re.compile(r"^([A-Za-z]{3,9})[-\s']+(\d{2}|\d{4})$")
# rows that are neither a force nor a region: totals and national lines
_NATIONAL = ("total", "england and wales", "england", "central service secondments")
# regions the workforce tables spell their own way
_REGION_NAMES = {"eastern", "east of england", "yorkshire and the humber"}


def title(grid: Grid) -> str:
    """The sheet's title: the first non-blank text in its first rows, spaces collapsed."""
    for row in grid.rows[:4]:
        text = " ".join(cell for cell in row if cell.strip())
        if text.strip():
            return " ".join(text.split())
    return ""


def parse_count(raw: str) -> tuple[float | None, str, bool]:
    """(number, note, ok) for a cell of counts or FTE: a missing marker is (None, note, True);
    text that is neither a number nor a marker, or a negative figure, is (None, "", False)."""
    text = raw.strip()
    if text.casefold() in MISSING:
        marker = f"'{text}'" if text else "a blank cell"
        return None, f"not available in the source ({marker})", True
    plain = text.replace("\u00a0", "").replace(" ", "")
    if _NUMBER.match(plain) and any(ch.isdigit() for ch in plain):
        value = float(plain.replace(",", ""))
        if value < 0:
            return None, "", False
        return value, "", True
    return None, "", False


def parse_day(raw: str) -> date | None:
    """A header date: `2019-09-30T00:00:00` (a date cell as text), `30 September 2019`
    (footnote digits after the year are ignored), `Sep-19` / `March 2019` (the month's last
    day), or a spreadsheet day number."""
    text = " ".join(str(raw).split())
    if not text:
        return None
    if match := _ISO_DAY.match(text):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if match := _LONG_DAY.search(text):
        month = MONTH_NAMES.get(match.group(2).casefold())
        if month:
            try:
                return date(int(match.group(3)), month, int(match.group(1)))
            except ValueError:
                return None
    if match := _SHORT_MONTH.match(text):
        month = MONTH_NAMES.get(match.group(1).casefold())
        digits = match.group(2)
        if month:
            year = int(digits) if len(digits) == 4 else 2000 + int(digits)
            following = date(year + month // 12, month % 12 + 1, 1)
            return following - timedelta(days=1)
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        serial = int(float(text))
        if 20000 <= serial <= 80000:  # 1954 to 2119
            return date(1899, 12, 30) + timedelta(days=serial)
    return None


def clean_name(raw: str) -> str:
    """An area's name without footnote marks, a leading `*` or surrounding spaces."""
    return strip_footnotes(str(raw).strip().lstrip("*").strip())


def is_national(name: str) -> bool:
    key = " ".join(name.casefold().split())
    return key.startswith(_NATIONAL)


def is_region(name: str) -> bool:
    key = " ".join(name.casefold().split())
    return key in _REGION_NAMES or region_code(name) is not None


def area_force(name: str) -> ForceArea | None:
    return force_by_name(name)


class ForceIds:
    """The config's force id for an area, or None when the config does not hold it; each
    area is looked up once (a table names every force on many rows)."""

    def __init__(self, config: Config) -> None:
        self._settings = config.settings
        self._ids: dict[str, str | None] = {}

    def __call__(self, area: ForceArea) -> str | None:
        if area.slug not in self._ids:
            self._ids[area.slug] = config_force_id(self._settings, area)
        return self._ids[area.slug]
