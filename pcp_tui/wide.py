"""KPI trackers laid out wide: one row per KPI, one column per quarter or month.

Analysts keep their own trackers this way (`KPI | Title | 2021/22 Q1 | 2021/22 Q2 | …`, or
`Jul-21 | Aug-21 | …`). The loader reshapes such a table into the long rows every return has
(one row per KPI × force × period), and each figure keeps the column it came from, so a
problem names the cell: row 7, column '2021/22 Q2'.

A table is wide when its header has no period and no figure column (value, numerator,
status…) but has columns whose headings are quarters (`2021/22 Q2`, `Q2 2021/22`,
`2021-22 Q2`) or months (`Jul-21`, `2021-07`, `July 2021`). Other headings are read as usual.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from pcp_tui.periods import PeriodError, parse_period
from pcp_tui.reading import Heading, Problem, quote, shorten

# the columns that hold figures in a long return: a table with any of them is long
LONG_COLUMNS = ("period", "value", "value_12m", "numerator", "denominator", "lower", "upper",
                "status")


def period_headers(columns: Iterable[str], heading: Heading) -> dict[str, str]:
    """The columns whose headings (as written) name a quarter or a month: cleaned name →
    the heading as written. Empty when the table is long (it has a period or figure column)."""
    columns = [c for c in columns if not c.startswith("_")]
    if any(c in LONG_COLUMNS for c in columns):
        return {}
    found: dict[str, str] = {}
    for name in columns:
        written = heading.name(name)
        try:
            parse_period(written)
        except PeriodError:
            continue
        found[name] = written
    return found


# the columns a wide tracker may have beside its period columns
INDEX_COLUMNS = ("kpi", "force", "title", "unit", "measure", "needs", "note")


def declared_periods(
    columns: Iterable[str], file: str, heading: Heading,
) -> tuple[dict[str, str], list[Problem]]:
    """The period columns of one file or sheet, as `period_headers` finds them, or as the
    layout the config declares for it (`heading.layout`) says: a declared long return has
    none; a declared wide tracker must have one at least, and every other column must be one
    a tracker has beside them (the KPI, the force, a title, unit, measure or note), else a
    problem naming the header's cell, and nothing of it loads."""
    layout = heading.layout
    if layout is None or layout.layout is None:
        return period_headers(columns, heading), []
    if layout.layout == "long":
        return {}, []
    columns = [c for c in columns if not c.startswith("_")]
    found: dict[str, str] = {}
    others: list[str] = []
    for name in columns:
        written = heading.name(name)
        try:
            parse_period(written)
            found[name] = written
        except PeriodError:
            if name not in INDEX_COLUMNS:
                others.append(name)
    cells = sorted(others, key=lambda c: list(heading.written).index(c)
                   if c in heading.written else len(heading.written))
    problems = [Problem(
        file, heading.row, shorten(heading.name(name)),
        f"a column {quote(heading.name(name))} that is not a quarter or a month",
        f"a column headed by a quarter ('2021/22 Q2') or a month ('Jul-21'), or the KPI, "
        f"force, title, unit, measure or note, as {layout.source} says the return is wide "
        "(`ignore_columns` passes a column over); nothing in it is loaded", heading.sheet,
    ) for name in cells]
    if not found and not problems:
        problems.append(Problem(
            file, heading.row, None, "no column headed by a quarter or a month",
            f"columns such as '2021/22 Q2' or 'Jul-21', as {layout.source} says the return "
            "is wide; nothing in it is loaded", heading.sheet))
    return found, problems


def to_long(table: pl.DataFrame, periods: dict[str, str]) -> pl.DataFrame:
    """One row per filled cell of the period columns: `period` the column's heading as written,
    `value` the cell, `_cell` the heading again (the column a problem names), rows in the
    spreadsheet's order and, within a row, the columns' order."""
    index = [c for c in table.columns if c not in periods]
    if not periods:
        return table.with_columns(pl.lit(None, dtype=pl.Utf8).alias("_cell"))
    order = {name: i for i, name in enumerate(periods)}
    long = table.unpivot(on=list(periods), index=index, variable_name="_name",
                         value_name="value")
    return (
        long.with_columns(
            pl.col("_name").replace_strict(periods, return_dtype=pl.Utf8).alias("period"),
            pl.col("_name").replace_strict(order, return_dtype=pl.Int64).alias("_position"),
        )
        .with_columns(pl.col("period").alias("_cell"))
        .sort("_row", "_position")
        # a blank cell is a figure not given (a tracker's future quarters are blank), but a row
        # of blanks keeps one cell, so that an unknown KPI or force on it is still reported
        .filter(~_blank() | (_blank().all().over("_row") & (pl.col("_position") == pl.col(
            "_position").min().over("_row"))))
        .drop("_name", "_position")
    )


def _blank() -> pl.Expr:
    return pl.col("value").is_null() | (pl.col("value").str.strip_chars() == "")
