"""Reading one config file's tables: the `Reader` that collects every problem (a key missing,
of the wrong type, out of bounds, unknown with a "did you mean"), the bounds a configured
figure is held to, and how a found value is written into a message.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any

from pcp_tui.periods import PeriodError, Quarter, Window, parse_window

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")  # used with fullmatch: no trailing newline
ID_WORDS = "expected lowercase letters, digits and hyphens"

# The largest magnitude a configured figure may have (a target, a goal, a start value): the same
# bound the data loader holds returns to, far beyond any police statistic and small enough that
# sums, rates and differences of such figures stay finite.
MAX_FIGURE = 1e15
MAX_TOLERANCE_PCT = 1000.0  # a tolerance is a percentage of a baseline or goal
MAX_QUARTERS = 400  # a century of quarters: stale_after_quarters and the SPC lengths
MAX_POPULATION = 10**10


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    file: str
    where: str  # `settings`, `kpis[12] (rape-positive-outcome-rate)`, …
    key: str
    message: str

    def __str__(self) -> str:
        key = f", key '{self.key}'" if self.key else ""
        return f"{self.file}: {self.where}{key}: {self.message}"


def suggest(word: str, choices: Any) -> str:
    words = [str(c) for c in choices]
    # the same characters in another order first: `=>` means `>=`, not the closer-looking `>`
    close = [c for c in words if sorted(c) == sorted(str(word))] or difflib.get_close_matches(
        str(word), words, n=1, cutoff=0.6
    )
    return f"; did you mean '{shown(close[0])}'?" if close else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: object) -> str:
    """A name as it goes into a message: control characters as escapes (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], str(text))


def plain(number: float) -> str:
    """`1e+15` as `1,000,000,000,000,000`, `0.5` as `0.5`: a bound as people write it."""
    if float(number).is_integer() and abs(number) < 1e16:
        return f"{int(number):,}"
    return repr(number)


def type_name(value: Any) -> str:
    return {
        bool: "true/false", int: "a whole number", float: "a number", str: "text",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)


class Reader:
    """Collects problems while reading one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ConfigProblem] = []

    def problem(self, where: str, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self.file, where, key, message))

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(where, key, "unknown key" + suggest(key, allowed))

    def get(
        self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
        *, required: bool = True, default: Any = None,
    ) -> Any:
        if key not in table:
            if required:
                self.problem(where, key, "missing; it is required")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a number key must not accept true/false
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            wanted = " or ".join(type_name(k()) if k is not bool else "true/false" for k in kinds)
            self.problem(where, key, f"found {type_name(value)} {value!r}; expected {wanted}")
            return default
        return value

    def number(
        self, table: dict[str, Any], key: str, where: str, *, low: float, high: float,
        required: bool = True, default: Any = None, whole: bool = False,
        above: bool = False,
    ) -> Any:
        """A finite number from `low` (excluded when `above`) to `high`, else a problem."""
        value = self.get(table, key, int if whole else (int, float), where,
                         required=required, default=default)
        if key not in table or table[key] is not value:
            return value  # missing, or not a number: reported (when it matters) by get()
        if not math.isfinite(value):
            self.problem(where, key, f"found {value!r}; expected a finite number")
            return default
        if value > high or value < low or (above and value == low):
            if above and low == 0:
                low_words = "a positive number"
            else:
                low_words = f"above {plain(low)}" if above else f"{plain(low)} or more"
            self.problem(where, key, f"found {plain(value)}; expected {low_words} "
                         f"up to {plain(high)}")
            return default
        return value

    def identifier(self, value: str, where: str, key: str = "id") -> bool:
        if ID_RE.fullmatch(value):
            return True
        self.problem(where, key, f"found {value!r}; {ID_WORDS}")
        return False

    def texts(self, items: list[Any], where: str, key: str) -> list[str]:
        """The text items of a list; anything else (a number, a list, a table) is a problem."""
        for item in items:
            if not isinstance(item, str):
                self.problem(where, key, f"found {type_name(item)} {item!r} in the list; "
                             "expected text")
        return [item for item in items if isinstance(item, str)]

    def choice(
        self, table: dict[str, Any], key: str, choices: tuple[str, ...] | list[str], where: str,
        *, required: bool = True, default: str | None = None,
    ) -> str | None:
        value = self.get(table, key, str, where, required=required, default=default)
        if value is None or value in choices:
            return value
        self.problem(
            where, key, f"found {value!r}; expected one of {', '.join(choices)}"
            + suggest(value, choices),
        )
        return default

    def quarter(self, table: dict[str, Any], key: str, where: str) -> Quarter | None:
        text = self.get(table, key, str, where)
        if text is None:
            return None
        try:
            return Quarter.parse(text)
        except PeriodError as err:
            self.problem(where, key, str(err))
            return None

    def window(self, text: Any, where: str, key: str) -> Window | None:
        if not isinstance(text, str):
            self.problem(where, key, f"found {type_name(text)}; expected text such as '2019/20'")
            return None
        try:
            return parse_window(text)
        except PeriodError as err:
            self.problem(where, key, str(err))
            return None
