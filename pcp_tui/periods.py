"""UK financial-year quarters and the windows the plan measures against.

A financial year runs April to March: `2021/22 Q1` is April–June 2021 and `2021/22 Q4` is
January–March 2022. Quarters are identified by the first day of the quarter in data frames.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTH_NAMES["sept"] = 9


class PeriodError(ValueError):
    """A period could not be understood; the message says what was expected."""


# "2021/22 Q2", "2021-22_Q2", "2021-22 Q2", "2021/2022 Q2", "FY2021/22 Q2"
_QUARTER_RE = re.compile(
    r"^\s*(?:FY\s*)?(\d{4})\s*[/\-_]\s*(\d{2}|\d{4})\s*[\s_\-]*\s*Q\s*([1-4])\s*$", re.IGNORECASE
)
# "Q2 2021/22", "Q2 2021-22", "Q2 FY2021/22": the quarter written first, as many trackers do
_QUARTER_FIRST_RE = re.compile(
    r"^\s*Q\s*([1-4])[\s_\-]*(?:FY\s*)?(\d{4})\s*[/\-_]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE
)
# a quarter anywhere in a file name: "2021-22_Q3_workforce", "Q3 2021-22", "return 2021-22 Q3"
_NAME_QUARTER_RE = re.compile(
    r"(?<![\d])(\d{4})[/\-_ ](\d{2}|\d{4})[\s_\-]*Q([1-4])(?![\d])"
    r"|(?<![A-Za-z\d])Q([1-4])[\s_\-]*(?:FY\s*)?(\d{4})[/\-_ ](\d{2}|\d{4})(?![\d])",
    re.IGNORECASE,
)
_FY_RE = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/\-_]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)
_ENDING_RE = re.compile(
    r"^\s*(?:(?:the\s+)?12\s+months|year)\s+(?:ending|ended|to)\s+([a-z]+)\.?\s+(\d{4})\s*$",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(r"^(.+?)\s*(?:\.\.|–|—| to )\s*(.+)$")


def _fy_start(first: str, second: str, text: str) -> int:
    start = int(first)
    end = int(second)
    expected = (start + 1) % 100 if len(second) == 2 else start + 1
    if end != expected:
        raise PeriodError(
            f"{text!r}: a financial year runs from one year to the next, "
            f"e.g. {start}/{(start + 1) % 100:02d}"
        )
    return start


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """One financial-year quarter: `fy` is the year the financial year starts in."""

    fy: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise PeriodError(f"quarter number must be 1 to 4, not {self.q}")
        if not 1900 <= self.fy <= 2999:
            raise PeriodError(f"financial year {self.fy} is out of range")

    # construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse `2021/22 Q2`, `2021-22_Q2`, `2021-22 Q2`, `2021/2022 Q2` or `Q2 2021/22`."""
        match = _QUARTER_RE.match(str(text))
        if match:
            fy = _fy_start(match.group(1), match.group(2), str(text))
            return cls(fy, int(match.group(3)))
        match = _QUARTER_FIRST_RE.match(str(text))
        if match:
            fy = _fy_start(match.group(2), match.group(3), str(text))
            return cls(fy, int(match.group(1)))
        raise PeriodError(
            f"{text!r} is not a financial-year quarter; "
            "expected e.g. '2021/22 Q2', '2021-22_Q2' or 'Q2 2021/22'"
        )

    @classmethod
    def in_name(cls, name: str) -> Quarter | None:
        """The quarter a file name carries anywhere in it (`2021-22_Q3_workforce.xlsx`,
        `Q3 2021-22.csv`, `2021-22_Q3.csv`), or None when it names none, or more than one
        (`ons_2018-19_Q1_to_2019-20_Q4.csv` is a span, not a quarter's return)."""
        found: set[Quarter] = set()
        for match in _NAME_QUARTER_RE.finditer(str(name)):
            if match.group(1):
                first, second, q = match.group(1), match.group(2), match.group(3)
            else:
                q, first, second = match.group(4), match.group(5), match.group(6)
            try:
                found.add(cls(_fy_start(first, second, str(name)), int(q)))
            except PeriodError:
                continue  # `2021-23 Q3` is not a financial year
        return found.pop() if len(found) == 1 else None

    @classmethod
    def from_date(cls, day: date) -> Quarter:
        """The quarter a calendar date falls in."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Quarter:
        return cls(ordinal // 4, ordinal % 4 + 1)

    # views --------------------------------------------------------------------------------

    @property
    def ordinal(self) -> int:
        """A running number: consecutive quarters differ by one."""
        return self.fy * 4 + self.q - 1

    @property
    def start(self) -> date:
        """The first day of the quarter (the `period` value in data frames)."""
        month = 4 + 3 * (self.q - 1)
        return date(self.fy + 1, month - 12, 1) if month > 12 else date(self.fy, month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        last_month = self.start.month + 2
        year = self.start.year
        return date(year, last_month, calendar.monthrange(year, last_month)[1])

    @property
    def fy_label(self) -> str:
        return f"{self.fy}/{(self.fy + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.fy_label} Q{self.q}"

    @property
    def file_stem(self) -> str:
        """The conventional file name of a quarterly return, without extension."""
        return f"{self.fy}-{(self.fy + 1) % 100:02d}_Q{self.q}"

    @property
    def months_label(self) -> str:
        """`Jul–Sep 2021`."""
        first = calendar.month_abbr[self.start.month]
        last = calendar.month_abbr[self.end.month]
        return f"{first}–{last} {self.end.year}"

    def __str__(self) -> str:
        return self.label

    # arithmetic -----------------------------------------------------------------------------

    def __add__(self, quarters: int) -> Quarter:
        if not isinstance(quarters, int):
            return NotImplemented
        return Quarter.from_ordinal(self.ordinal + quarters)

    def __sub__(self, other: int | Quarter) -> Quarter | int:  # type: ignore[override]
        if isinstance(other, Quarter):
            return self.ordinal - other.ordinal
        if isinstance(other, int):
            return Quarter.from_ordinal(self.ordinal - other)
        return NotImplemented

    def minus(self, quarters: int) -> Quarter:
        """`self - quarters`, typed as a Quarter."""
        return Quarter.from_ordinal(self.ordinal - quarters)

    def quarters_since(self, other: Quarter) -> int:
        return self.ordinal - other.ordinal


@dataclass(frozen=True, slots=True)
class Window:
    """A run of consecutive quarters, both ends included."""

    first: Quarter
    last: Quarter
    label: str = ""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"a window cannot end ({self.last}) before it starts ({self.first})")
        if not self.label:
            object.__setattr__(self, "label", f"{self.first.label} to {self.last.label}")

    def __len__(self) -> int:
        return self.last.ordinal - self.first.ordinal + 1

    def __iter__(self) -> Iterator[Quarter]:
        for ordinal in range(self.first.ordinal, self.last.ordinal + 1):
            yield Quarter.from_ordinal(ordinal)

    def __contains__(self, quarter: object) -> bool:
        return isinstance(quarter, Quarter) and self.first <= quarter <= self.last

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(self)

    @property
    def start(self) -> date:
        return self.first.start

    @property
    def end(self) -> date:
        return self.last.end

    def __str__(self) -> str:
        return self.label


def financial_year(fy: int) -> Window:
    """The financial year starting in April of `fy`: `financial_year(2019)` is 2019/20."""
    return Window(Quarter(fy, 1), Quarter(fy, 4), f"{fy}/{(fy + 1) % 100:02d}")


def rolling_12_months(ending: Quarter) -> Window:
    """The four quarters ending with `ending`, labelled as the published statistics do."""
    month = calendar.month_name[ending.end.month]
    return Window(ending.minus(3), ending, f"12 months ending {month} {ending.end.year}")


def months_ending(month: int, year: int) -> Window:
    """"12 months ending June 2019": the month must end a quarter (March, June, Sept, Dec)."""
    if month not in (3, 6, 9, 12):
        raise PeriodError(
            f"12 months ending in month {month} does not line up with quarters; "
            "expected March, June, September or December"
        )
    try:
        day = date(year, month, 1)
    except ValueError:  # year 0: a PeriodError like every other bad period, not a bare ValueError
        raise PeriodError(f"12 months ending in {year}: the year is out of range") from None
    return rolling_12_months(Quarter.from_date(day))


def parse_window(text: str) -> Window:
    """Parse a window as analysts write it.

    `2019/20` (a financial year), `12 months ending June 2019`, `year ending March 2021`,
    `2021/22 Q2` (one quarter) or `2018/19 Q2 to 2019/20 Q1` (a range).
    """
    raw = str(text).strip()
    if match := _FY_RE.match(raw):
        return financial_year(_fy_start(match.group(1), match.group(2), raw))
    if match := _ENDING_RE.match(raw):
        name = match.group(1).lower()
        if name not in MONTH_NAMES:
            raise PeriodError(f"{text!r}: {match.group(1)!r} is not a month name")
        return months_ending(MONTH_NAMES[name], int(match.group(2)))
    if match := _RANGE_RE.match(raw):
        return Window(Quarter.parse(match.group(1)), Quarter.parse(match.group(2)))
    try:
        quarter = Quarter.parse(raw)
    except PeriodError:
        raise PeriodError(
            f"{text!r} is not a period; expected a financial year ('2019/20'), "
            "'12 months ending June 2019', a quarter ('2021/22 Q2') "
            "or a range ('2018/19 Q2 to 2019/20 Q1')"
        ) from None
    return Window(quarter, quarter, quarter.label)


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$"), "ymd"),  # 2021-07-01
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "ym"),  # 2021-07 (police.uk months)
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),  # 01/07/2021 (UK order)
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),  # 2021/07/01
    (re.compile(r"^([A-Za-z]+)[\s\-]+(\d{4})$"), "month-name"),  # Jul 2021, July-2021
    (re.compile(r"^([A-Za-z]+)[\s\-]+(\d{2})$"), "month-name-yy"),  # Jul-21 (Excel's mmm-yy)
    (re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)[\s\-]+(\d{4})$"), "d-month-name"),  # 1 Jul 2021
)


_MONTH_ONLY = re.compile(r"^\s*(?:\d{4}-\d{1,2}|[A-Za-z]+[\s\-]+(?:\d{4}|\d{2}))\s*$")


def names_a_month(text: str) -> bool:
    """`2021-10` or `Oct 2021`: a month, never a quarter, even when it is a quarter's first."""
    return bool(_MONTH_ONLY.match(str(text)))


def parse_period(text: str) -> tuple[Quarter, date | None]:
    """Parse a `period` cell: a quarter label or a date.

    Returns the quarter and, for a date, the first day of its month, so that the loader can
    tell monthly rows (to be rolled up by the KPI's measure) from quarterly ones.
    """
    raw = str(text).strip()
    if not raw:
        raise PeriodError("the period is empty; expected a quarter such as '2021/22 Q2' or a date")
    if _QUARTER_RE.match(raw) or _QUARTER_FIRST_RE.match(raw):
        return Quarter.parse(raw), None
    for pattern, kind in _DATE_PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        try:
            if kind == "ymd":
                day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            elif kind == "ym":
                day = date(int(match.group(1)), int(match.group(2)), 1)
            elif kind == "dmy":
                day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            elif kind == "month-name":
                day = date(int(match.group(2)), MONTH_NAMES[match.group(1).lower()], 1)
            elif kind == "month-name-yy":
                day = date(2000 + int(match.group(2)), MONTH_NAMES[match.group(1).lower()], 1)
            else:
                month = MONTH_NAMES[match.group(2).lower()]
                day = date(int(match.group(3)), month, int(match.group(1)))
        except (ValueError, KeyError):
            break
        return Quarter.from_date(day), day.replace(day=1)
    raise PeriodError(
        f"{text!r} is not a period; expected a quarter ('2021/22 Q2') or a date "
        "('2021-07-01', '2021-07', '01/07/2021', 'Jul 2021', 'Jul-21')"
    )
