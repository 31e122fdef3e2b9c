"""Quarterly returns in `data/` → one canonical Polars frame and a list of Problems.

A bad row never stops the load: it becomes a Problem naming the file, the row (as a
spreadsheet shows it: the header is row 1 of a CSV, a workbook's is the row it is on), the
column as the header writes it, what was found and what was expected, and every good row still
loads.

Canonical frame, one row per KPI × force × quarter:

| column | type | meaning |
|---|---|---|
| kpi | str | KPI id from the config |
| force | str | force id from the config |
| period | date | first day of the financial-year quarter |
| value | f64 | count in the quarter, level at quarter end, or the rate |
| value_12m | f64 | a published 12-month figure ending with the quarter (e.g. ONS rolling tables) |
| numerator, denominator | f64 | for rates; the value is numerator / denominator × scale |
| lower, upper | f64 | confidence interval of a survey estimate |
| status | str | a commitment's status |
| file | str | the return the row comes from |
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pcp_tui import wide
from pcp_tui.config import Config
from pcp_tui.config_reader import MAX_FIGURE
from pcp_tui.framework import COMMITMENT_STATUSES
from pcp_tui.periods import PeriodError, Quarter, names_a_month, parse_period
from pcp_tui.reading import (  # noqa: F401  (re-exported: the loader's public names)
    BATCH_ROWS,
    COLUMN_ALIASES,
    DATA_SUFFIXES,
    QUOTE_CHARS,
    Heading,
    Problem,
    UnreadableFile,
    data_files,
    quote,
    read_batches,
    shorten,
)

MISSING_TOKENS = ("", "..", "-", "–", "—", "+", ".", "na", "n/a", "null", "none", ":", "x", "*")
NUMERIC_COLUMNS = ("value", "value_12m", "numerator", "denominator", "lower", "upper")
# columns a return may carry to describe its KPI (a template writes them); never read as data
DESCRIPTIVE_COLUMNS = ("title", "unit", "measure", "needs")
KNOWN_COLUMNS = ("kpi", "force", "period", *NUMERIC_COLUMNS, "status", "note",
                 *DESCRIPTIVE_COLUMNS)
CANONICAL_SCHEMA: dict[str, pl.DataType] = {
    "kpi": pl.Utf8(),
    "force": pl.Utf8(),
    "period": pl.Date(),
    "value": pl.Float64(),
    "value_12m": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "status": pl.Utf8(),
    "file": pl.Utf8(),
}



@dataclass(frozen=True, slots=True)
class Revision:
    """A later return restated a figure an earlier one gave."""

    kpi: str
    force: str
    quarter: Quarter
    old_value: float | str | None
    new_value: float | str | None
    old_file: str
    new_file: str
    field: str = "value"  # value, value_12m (a 12-month figure) or status


@dataclass(frozen=True)
class Observations:
    frame: pl.DataFrame
    problems: tuple[Problem, ...]
    revisions: tuple[Revision, ...]
    files: tuple[str, ...]

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        """Every quarter that has data, oldest first."""
        if self.frame.is_empty():
            return ()
        days = self.frame.get_column("period").unique().sort().to_list()
        return tuple(Quarter.from_date(day) for day in days)


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=CANONICAL_SCHEMA)



# Cleaning ---------------------------------------------------------------------------------


def _is_missing(column: str) -> pl.Expr:
    return pl.col(column).is_null() | pl.col(column).str.strip_chars().str.to_lowercase().is_in(
        list(MISSING_TOKENS)
    )


def _number(column: str) -> pl.Expr:
    """A cell as a number: `28,675`, `3.9%`, `£1,200`, ` 12 ` all parse; text does not."""
    cleaned = (
        pl.col(column).str.strip_chars().str.replace_all(r"[,£%\s\u00a0]", "")
    )
    # A comma must group thousands (`28,675`): `3,5` (a decimal comma, as semicolon-separated
    # files from continental Excel write it) is not a number here, never silently 35.
    symbols = pl.col(column).str.strip_chars().str.replace_all(r"[£%\s\u00a0]", "")
    bad_comma = symbols.str.contains(",") & ~symbols.str.contains(
        r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$"
    )
    return pl.when(_is_missing(column) | bad_comma.fill_null(False)).then(None).otherwise(
        cleaned.cast(pl.Float64, strict=False)
    )


# A figure beyond this is no police statistic: it is a problem at load time, so that sums, rates,
# differences and charts of the figures that load stay finite (`1.7e308` is finite, its double
# is not).
FIGURE_WORDS = "a figure of at most 1,000,000,000,000,000 in size (no KPI holds more)"


def _column_problems(
    frame: pl.DataFrame, column: str, bad: pl.Expr, found: pl.Expr, expected: str,
) -> list[Problem]:
    rows = frame.filter(bad).select("_file", "_row", found.alias("_found"), "_sheet", "_cell")
    return [Problem(file, row, _cell_column(column, cell), found, expected, sheet)
            for file, row, found, sheet, cell in rows.iter_rows()]


def _cell_column(column: str, cell: str | None) -> str:
    """The column a problem names: in a wide tracker a figure's (or a commitment's status's)
    and a period's own column is the one headed by its period (`2021/22 Q2`)."""
    return cell if cell and column in ("value", "period", "status") else column



def _grouped(n: pl.Expr) -> pl.Expr:
    """A count with thousands separators, as f"{n:,}" writes it."""
    def part(e: pl.Expr) -> pl.Expr:
        return (e % 1000).cast(pl.Utf8).str.zfill(3)

    return (
        pl.when(n >= 1_000_000)
        .then(pl.format("{},{},{}", (n // 1_000_000).cast(pl.Utf8), part(n // 1000), part(n)))
        .when(n >= 1000).then(pl.format("{},{}", (n // 1000).cast(pl.Utf8), part(n)))
        .otherwise(n.cast(pl.Utf8))
    )


def _short(expr: pl.Expr) -> pl.Expr:
    """`shorten` as an expression."""
    n = expr.str.len_chars()
    return pl.when(n > QUOTE_CHARS).then(
        pl.format("{}… ({} characters)", expr.str.slice(0, QUOTE_CHARS), _grouped(n))
    ).otherwise(expr)


def _quote(column: str | pl.Expr) -> pl.Expr:
    """`quote` as an expression."""
    expr = pl.col(column) if isinstance(column, str) else column
    n = expr.str.len_chars()
    return pl.when(n > QUOTE_CHARS).then(
        pl.format("'{}…' ({} characters)", expr.str.slice(0, QUOTE_CHARS), _grouped(n))
    ).otherwise(pl.format("'{}'", expr))


CHECKED_COLUMNS = (
    "kpi", "force", "period", "_file", "_row", "_quarter", "_month", "_named_month", "_value",
    "_value_12m", "_numerator", "_denominator", "_lower", "_upper", "_status", "_measure",
    "_scale", "_kind", "_unit", "_sheet", "_cell",
)


def header_problems(
    columns: set[str], file: str, heading: Heading | None = None,
) -> tuple[list[Problem], bool]:
    """What a file's header lacks or has too much of; False when the file cannot be used.

    `heading` (from `read_batches`) gives the header's row and the columns as written."""
    heading = heading if heading is not None else Heading()
    problems: list[Problem] = []
    columns = {c for c in columns if not c.startswith("_")}
    for name in sorted(c for c in columns if c not in KNOWN_COLUMNS):
        problems.append(Problem(
            file, heading.row, shorten(heading.name(name)),
            f"an unknown column {quote(heading.name(name))}",
            f"only {', '.join(KNOWN_COLUMNS)}; the column is ignored"
            + _did_you_mean(name, KNOWN_COLUMNS), heading.sheet,
        ))
    missing = [] if columns & {"kpi", "title"} else ["kpi"]
    if not columns & {"value", "value_12m", "numerator", "status"}:
        missing.append("value")
    if "period" not in columns and _quarter_from_name(file) is None:
        missing.append("period")
    expected = {
        "kpi": "a 'kpi' column naming the KPI id (or a 'title' column, its exact title) "
               "of each row",
        "value": "a 'value' column (or numerator and denominator, or status), or one column "
                 "per quarter or month headed such as '2021/22 Q2' or 'Jul-21'",
        "period": "a 'period' column, or a file named after its quarter such as 2021-22_Q2.csv",
    }
    for name in missing:
        problems.append(Problem(file, heading.row, name, "no such column",
                                expected[name] + ("; the sheet is skipped" if heading.sheet
                                                  else "; the file is skipped"),
                                heading.sheet))
    return problems, not missing


def prepare_batch(table: pl.DataFrame, file: str) -> pl.DataFrame:
    """A batch of one file's rows in the shape every file shares: the known columns as text,
    the spreadsheet row and the file; a file named after its quarter fills blank periods."""
    present = set(table.columns)
    if "kpi" not in present and "title" in present:
        table = table.with_columns(pl.col("title").alias("kpi"))  # a KPI named by its title
        present.add("kpi")
    quarter = _quarter_from_name(file)
    table = table.select(
        *(pl.col(name) if name in present else pl.lit(None, dtype=pl.Utf8).alias(name)
          for name in KNOWN_COLUMNS),
        pl.col("_row").cast(pl.UInt32),
        pl.lit(file).alias("_file"),
        *(pl.col(name).cast(pl.Utf8) if name in present else pl.lit(None, dtype=pl.Utf8)
          .alias(name) for name in ("_sheet", "_cell")),
    )
    if quarter is not None:
        table = table.with_columns(
            pl.when(_is_missing("period")).then(pl.lit(quarter.label))
            .otherwise(pl.col("period")).alias("period")
        )
    return table


def check_rows(
    table: pl.DataFrame, config: Config, today: date,
) -> tuple[pl.DataFrame, list[Problem]]:
    """Check rows each on its own, for any number of files at once (`prepare_batch` shape).

    Returns the good rows with their parsed columns (`CHECKED_COLUMNS`) and the Problems found.
    One vectorised pass over every file: a handful of small returns would otherwise cost a
    Polars call per rule per file.
    """
    problems: list[Problem] = []
    framework, settings = config.framework, config.settings

    # KPI ids
    known_kpis = set(framework.kpi_ids)
    # a KPI may be named by its exact title (as trackers do), in any case
    titles = {" ".join(k.title.split()).lower(): k.id for k in framework.kpis}
    titles = {t: i for t, i in titles.items() if t not in known_kpis}
    # a blank cell in a spreadsheet or Parquet file is null: report it, never drop it silently
    table = table.with_columns(pl.col("kpi").fill_null("").alias("_kpi_written")).with_columns(
        pl.col("kpi").fill_null("").str.strip_chars().str.replace_all(r"\s+", " ")
        .str.to_lowercase().replace(titles)
    )
    unknown = table.filter(~pl.col("kpi").is_in(list(known_kpis)))
    hints = _hints(unknown.get_column("kpi"), "a KPI id from the config (or its exact title)",
                   known_kpis)
    problems += [Problem(file, row, "kpi", quote(written.strip()), hints[kpi], sheet)
                 for file, row, kpi, written, sheet in unknown.select(
                     "_file", "_row", "kpi", "_kpi_written", "_sheet").iter_rows()]
    table = table.filter(pl.col("kpi").is_in(list(known_kpis))).drop("_kpi_written")
    # in a wide tracker a commitment's cell holds its status
    commitments = [k.id for k in framework.kpis if k.target.kind == "commitment"]
    in_cell = pl.col("_cell").is_not_null() & pl.col("kpi").is_in(commitments)
    table = table.with_columns(
        pl.when(in_cell).then(pl.col("value")).otherwise(pl.col("status")).alias("status"),
        pl.when(in_cell).then(None).otherwise(pl.col("value")).alias("value"),
    )

    # forces: id, name or short name; blank means the home force
    force_names = table.get_column("force").unique().to_list()
    mapping = {}
    for name in force_names:
        if name is None or not str(name).strip():
            mapping[name] = settings.home_force
        else:
            mapping[name] = settings.force_id(name)
    bad_forces = [n for n, f in mapping.items() if f is None]
    if bad_forces:
        rows = table.filter(pl.col("force").is_in(bad_forces)).select("_file", "_row", "force",
                                                                      "_sheet")
        names = [f.name for f in settings.forces.values()]
        hints = _hints(pl.Series(bad_forces, dtype=pl.Utf8),
                       "a force from the config (" + ", ".join(settings.forces) + ")", names)
        problems += [Problem(file, row, "force", quote(name), hints[name], sheet)
                     for file, row, name, sheet in rows.iter_rows()]
    table = table.with_columns(
        pl.col("force").replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    ).filter(pl.col("force").is_not_null())

    # periods: parse each distinct spelling once
    quarter_of: dict[str, tuple[date, date | None] | None] = {}
    for text in table.get_column("period").unique().to_list():
        try:
            quarter, month = parse_period(text or "")
            quarter_of[text] = (quarter.start, month)
        except PeriodError:
            quarter_of[text] = None
    bad_periods = [t for t, q in quarter_of.items() if q is None]
    for file, row, text, sheet, cell in table.filter(
        pl.col("period").is_in(bad_periods) | pl.col("period").is_null()
    ).select("_file", "_row", "period", "_sheet", "_cell").iter_rows():
        problems.append(Problem(
            file, row, _cell_column("period", cell), quote(text),
            "a quarter such as '2021/22 Q2' or a date such as '2021-07-01'", sheet,
        ))
    good_periods = {t: q for t, q in quarter_of.items() if q is not None}
    table = table.filter(pl.col("period").is_in(list(good_periods)))
    if table.is_empty():
        # nothing left to check (a header-only file, or every row already reported); an empty
        # mapping would leave `_quarter` as text and the date comparisons below would raise
        return _no_rows(), problems
    month_spellings = [t for t in good_periods if names_a_month(t)]
    table = table.with_columns(
        pl.col("period").is_in(month_spellings).alias("_named_month"),
        pl.col("period").replace_strict({t: q[0] for t, q in good_periods.items()},
                                        return_dtype=pl.Date).alias("_quarter"),
        pl.col("period").replace_strict({t: q[1] for t, q in good_periods.items()},
                                        default=None, return_dtype=pl.Date).alias("_month"),
    )
    current = Quarter.from_date(today)
    future = table.filter(pl.col("_quarter") > current.start)
    for file, row, text, sheet, cell in future.select(
            "_file", "_row", "period", "_sheet", "_cell").iter_rows():
        problems.append(Problem(
            file, row, _cell_column("period", cell), f"{quote(text)}, a quarter in the future",
            f"a quarter up to {current.label}", sheet,
        ))
    table = table.filter(pl.col("_quarter") <= current.start)

    # numbers
    for name in NUMERIC_COLUMNS:
        table = table.with_columns(_number(name).alias(f"_{name}"))
        bad = ~_is_missing(name) & (
            pl.col(f"_{name}").is_null() | pl.col(f"_{name}").is_nan()
            | pl.col(f"_{name}").is_infinite()
        )
        problems += _column_problems(table, name, bad, _quote(name),
                                     "a finite number such as 28,675 or 3.9%")
        table = table.filter(~bad)
        huge = (pl.col(f"_{name}").abs() > MAX_FIGURE).fill_null(False)
        problems += _column_problems(table, name, huge, _quote(name), FIGURE_WORDS)
        table = table.filter(~huge)

    measure = {k.id: k.measure for k in framework.kpis}
    unit = {k.id: k.unit.id for k in framework.kpis}
    scale = {k.id: k.unit.scale for k in framework.kpis}
    kind = {k.id: k.target.kind for k in framework.kpis}
    table = table.with_columns(
        pl.col("kpi").replace_strict(measure, return_dtype=pl.Utf8).alias("_measure"),
        pl.col("kpi").replace_strict(unit, return_dtype=pl.Utf8).alias("_unit"),
        pl.col("kpi").replace_strict(scale, return_dtype=pl.Float64).alias("_scale"),
        pl.col("kpi").replace_strict(kind, return_dtype=pl.Utf8).alias("_kind"),
    )
    negative = pl.any_horizontal(
        pl.col(f"_{n}") < 0 for n in ("value", "value_12m", "numerator", "denominator")
    ).fill_null(False) & pl.col("_unit").is_in(["count", "percent", "per-1000", "days",
                                                 "hours", "minutes", "seconds"])
    problems += _column_problems(
        table, "value", negative,
        pl.format("{} for {}", pl.coalesce(pl.col("_value"), pl.col("_numerator"),
                                           pl.col("_denominator")).cast(pl.Utf8), pl.col("kpi")),
        "a number of 0 or more (this KPI cannot be negative)",
    )
    table = table.filter(~negative)
    zero_den = (pl.col("_denominator") == 0).fill_null(False)
    problems += _column_problems(table, "denominator", zero_den, pl.lit("0"),
                                 "a denominator above 0")
    table = table.filter(~zero_den)
    half_rate = (pl.col("_numerator").is_null() != pl.col("_denominator").is_null())
    problems += _column_problems(
        table, "denominator", half_rate, pl.lit("only one of numerator and denominator"),
        "both, or neither",
    )
    table = table.filter(~half_rate)
    inverted = (pl.col("_lower") > pl.col("_upper")).fill_null(False)
    problems += _column_problems(table, "lower", inverted,
                                 pl.format("lower {} above upper {}", _short(pl.col("lower")),
                                           _short(pl.col("upper"))),
                                 "the lower bound at or below the upper bound")
    table = table.filter(~inverted)

    # value from numerator/denominator where given (never an average of percentages)
    table = table.with_columns(
        pl.when(pl.col("_numerator").is_not_null())
        .then(pl.col("_numerator") / pl.col("_denominator") * pl.col("_scale"))
        .otherwise(pl.col("_value")).alias("_value")
    )
    huge_rate = (pl.col("_value").abs() > MAX_FIGURE).fill_null(False)
    problems += _column_problems(
        table, "denominator", huge_rate,
        pl.format("{} / {}", pl.col("numerator"), pl.col("denominator")), FIGURE_WORDS)
    table = table.filter(~huge_rate)

    # commitments carry a status; everything else a number
    status = (
        pl.col("status").str.strip_chars().str.to_lowercase()
        .str.replace_all(r"[\s_]+", "-")
    )
    table = table.with_columns(
        pl.when(_is_missing("status")).then(None).otherwise(status).alias("_status")
    )
    bad_status = (pl.col("_kind") == "commitment") & (
        pl.col("_status").is_null() | ~pl.col("_status").is_in(list(COMMITMENT_STATUSES))
    )
    problems += _column_problems(
        table, "status", bad_status, _quote(pl.col("status").fill_null("")),
        "a commitment status: " + ", ".join(COMMITMENT_STATUSES),
    )
    table = table.filter(~bad_status)
    no_value = (
        (pl.col("_kind") != "commitment") & pl.col("_value").is_null()
        & pl.col("_value_12m").is_null()
    )
    # A blank or suppressed (`..`) cell is missing data, not an error: the row carries nothing.
    table = table.filter(~no_value)

    return table.select(CHECKED_COLUMNS), problems


def _no_rows() -> pl.DataFrame:
    types = {"_row": pl.UInt32, "_quarter": pl.Date, "_month": pl.Date,  # the rest text
             "_named_month": pl.Boolean, "_scale": pl.Float64}
    floats = ("_value", "_value_12m", "_numerator", "_denominator", "_lower", "_upper")
    return pl.DataFrame(schema={
        name: types.get(name, pl.Float64 if name in floats else pl.Utf8)
        for name in CHECKED_COLUMNS
    })


ROW_KEYS = ["_file", "kpi", "force", "_quarter", "_month"]


def drop_repeats(
    table: pl.DataFrame, seen: pl.DataFrame | None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """Rows that repeat an earlier row of their file, in this batch or in one before it.

    `seen` holds the keys of the rows kept so far (None at the start). Returns the rows kept,
    the keys seen now and a Problem for each repeat. Only the keys of kept rows are held, so a
    file of one row repeated a million times costs no more memory than the row itself.
    """
    if seen is None:
        seen = table.select(ROW_KEYS).clear()
    marked = table.join(seen.with_columns(pl.lit(True).alias("_seen")), on=ROW_KEYS,
                        how="left", nulls_equal=True, maintain_order="left")
    dup = pl.col("_seen").fill_null(False) | ~pl.struct(ROW_KEYS).is_first_distinct()
    problems = _column_problems(
        marked, "period", dup,
        pl.format("a second row for {}, {}, {}", pl.col("kpi"), pl.col("force"),
                  _short(pl.col("period"))),
        "one row per KPI, force and period; the first is kept",
    )
    kept = marked.filter(~dup).drop("_seen")
    return kept, pl.concat([seen, kept.select(ROW_KEYS)]), problems


def finish_returns(batches: list[pl.DataFrame]) -> tuple[pl.DataFrame, list[Problem]]:
    """Every file's checked rows, repeats already dropped (`drop_repeats`): the roll-up."""
    table = pl.concat(batches, how="vertical_relaxed") if batches else _no_rows()
    if table.is_empty():
        return empty_frame(), []
    return _roll_up(table)


def _roll_up(table: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Quarterly rows pass through; monthly rows become quarters by the KPI's measure.

    A series counts as monthly when it names a month that does not start a quarter, or more than
    one month in a quarter. Flows are summed over the three months, stocks take the quarter's last
    month, rates are summed numerators over summed denominators. A quarter with missing months is
    not rolled up (a part-quarter would understate flows) and is reported.
    """
    problems: list[Problem] = []
    months = pl.col("_month")
    series = ["_file", "kpi", "force"]
    table = table.with_columns(
        (
            (
                (months.dt.month().is_in([4, 7, 10, 1]).not_() & months.is_not_null()).any()
                .over(series)
                | (months.n_unique().over([*series, "_quarter"]) > 1)
                | pl.col("_named_month").any().over(series)
            )
            # a row naming a quarter (no month) stays quarterly beside a monthly series
            & months.is_not_null()
        ).alias("_monthly")
    )
    out_columns = [
        pl.col("_file"), pl.col("kpi"), pl.col("force"), pl.col("_quarter").alias("period"),
        pl.col("_value").alias("value"), pl.col("_value_12m").alias("value_12m"),
        pl.col("_numerator").alias("numerator"),
        pl.col("_denominator").alias("denominator"), pl.col("_lower").alias("lower"),
        pl.col("_upper").alias("upper"), pl.col("_status").alias("status"),
    ]
    quarterly = table.filter(~pl.col("_monthly")).select(out_columns)
    monthly = table.filter(pl.col("_monthly")).sort("_month")
    if monthly.is_empty():
        return quarterly.rename({"_file": "file"}), problems
    grouped = monthly.group_by(series + ["_quarter"], maintain_order=True).agg(
        pl.col("_measure").first(),
        pl.col("_scale").first(),
        pl.col("_month").n_unique().alias("_months"),
        pl.col("_row").max().alias("_row"),
        pl.col("_sheet").last(),
        pl.col("_value").sum().alias("_sum"),
        pl.col("_value").last().alias("_last"),
        pl.col("_numerator").sum().alias("_num"),
        pl.col("_denominator").sum().alias("_den"),
        pl.col("_numerator").is_null().any().alias("_no_num"),
        pl.col("_lower").last(), pl.col("_upper").last(), pl.col("_status").last(),
        # 12 months ending with the quarter's last month end with the quarter
        pl.col("_value_12m").last(),
        (pl.col("_month").max().dt.month() == pl.col("_quarter").first().dt.offset_by("2mo")
         .dt.month()).alias("_has_last"),
    )
    incomplete = (pl.col("_measure") != "stock") & (pl.col("_months") < 3)
    incomplete = incomplete | ((pl.col("_measure") == "stock") & ~pl.col("_has_last"))
    for file, row, kpi, months_seen, start, sheet in grouped.filter(incomplete).select(
        "_file", "_row", "kpi", "_months", "_quarter", "_sheet"
    ).iter_rows():
        problems.append(Problem(
            file, row, "period",
            f"{months_seen} of 3 months of {Quarter.from_date(start).label} for {kpi}",
            "all three months of the quarter (or its last month for a level); "
            "the quarter is not rolled up", sheet,
        ))
    no_rate = (pl.col("_measure") == "rate") & pl.col("_no_num")
    for file, row, kpi in grouped.filter(~incomplete & no_rate).select(
            "_file", "_row", "kpi").iter_rows():
        problems.append(Problem(
            file, row, "numerator", f"monthly {kpi} rates without numerator and denominator",
            "numerator and denominator, so the quarter's rate is not an average of rates",
        ))
    rolled = grouped.filter(~incomplete & ~no_rate).select(
        pl.col("_file"), pl.col("kpi"), pl.col("force"), pl.col("_quarter").alias("period"),
        pl.when(pl.col("_measure") == "flow").then(pl.col("_sum"))
        .when(pl.col("_measure") == "stock").then(pl.col("_last"))
        .otherwise(pl.col("_num") / pl.col("_den") * pl.col("_scale")).alias("value"),
        pl.when(pl.col("_has_last")).then(pl.col("_value_12m")).alias("value_12m"),
        pl.when(pl.col("_measure") == "rate").then(pl.col("_num")).alias("numerator"),
        pl.when(pl.col("_measure") == "rate").then(pl.col("_den")).alias("denominator"),
        pl.col("_lower").alias("lower"), pl.col("_upper").alias("upper"),
        pl.col("_status").alias("status"), pl.col("_row"),
    )
    keys = ["_file", "kpi", "force", "period"]
    clash = rolled.join(quarterly.select(keys), on=keys, how="semi")
    for file, row, kpi, start in clash.select("_file", "_row", "kpi", "period").iter_rows():
        problems.append(Problem(
            file, row, "period",
            f"monthly rows for {kpi} in {Quarter.from_date(start).label}, "
            "which a quarterly row also gives",
            "a quarterly row or monthly rows, not both; the quarterly row is kept",
        ))
    rolled = rolled.join(quarterly.select(keys), on=keys, how="anti").drop("_row")
    frame = pl.concat([quarterly, rolled], how="vertical_relaxed")
    return frame.rename({"_file": "file"}), problems


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    return _closest(str(word), tuple(sorted(choices)))


@functools.lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# A "did you mean" costs a comparison with every choice: a file of a million distinct unknown
# ids would take minutes. The first ones in a batch get one; the rest are reported without.
SUGGESTIONS_PER_BATCH = 100


def _hints(words: pl.Series, expected: str, choices: Iterable[str]) -> dict[str | None, str]:
    """The expected text for each distinct word, with a suggestion for the first
    `SUGGESTIONS_PER_BATCH` of them in the order they appear."""
    ordered = tuple(sorted(choices))
    hints: dict[str | None, str] = {}
    for i, word in enumerate(words.unique(maintain_order=True).to_list()):
        hints[word] = expected + (_closest(word or "", ordered)
                                  if i < SUGGESTIONS_PER_BATCH else "")
    return hints


def _quarter_from_name(file: str) -> Quarter | None:
    return Quarter.in_name(Path(file).stem)


# Loading a folder ---------------------------------------------------------------------------



def _return_order(path: Path) -> tuple[int, str]:
    """Later returns win: files named after a quarter sort by it, others after them by name."""
    quarter = _quarter_from_name(str(path))
    return (quarter.ordinal if quarter else 1 << 30, path.name)


MAX_PROBLEMS_PER_FILE = 1000


class _Problems:
    """Problems by file, at most `MAX_PROBLEMS_PER_FILE` listed for each, the rest counted."""

    def __init__(self) -> None:
        self.by_file: dict[str, list[Problem]] = {}
        self.hidden: dict[str, int] = {}
        self.listed: set[Problem] = set()

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem in self.listed:
                continue  # a wide tracker's unknown KPI, once per period column: said once
            listed = self.by_file.setdefault(problem.file, [])
            if len(listed) < MAX_PROBLEMS_PER_FILE:
                listed.append(problem)
                self.listed.add(problem)
            else:
                self.hidden[problem.file] = self.hidden.get(problem.file, 0) + 1

    def in_order(self, files: Sequence[str]) -> list[Problem]:
        out: list[Problem] = []
        for file in [*files, *(f for f in self.by_file if f not in files)]:
            listed = sorted(self.by_file.get(file, []),
                            key=lambda p: (p.row or 0, p.column or ""))
            out += listed
            if self.hidden.get(file):
                out.append(Problem(
                    file, None, None,
                    f"{self.hidden[file]:,} more problems in this file, not listed one by one",
                    "a file with fewer problems; fix the ones listed first",
                ))
        return out


def _read_returns(
    files: Sequence[Path], config: Config, today: date, problems: _Problems,
    headings: dict[str, Heading],
) -> list[pl.DataFrame]:
    """Every file's rows, checked in batches of about `BATCH_ROWS` across files; `headings`
    gets each file's header."""
    checked: list[pl.DataFrame] = []
    pending: list[pl.DataFrame] = []
    seen: pl.DataFrame | None = None  # keys of the rows kept so far

    def flush() -> None:
        nonlocal seen
        if pending:
            good, found = check_rows(pl.concat(pending, how="vertical_relaxed"), config, today)
            problems.add(found)
            good, seen, repeats = drop_repeats(good, seen)
            problems.add(repeats)
            checked.append(good)
            pending.clear()

    for path in files:
        file = str(path)
        read: list[Problem] = []  # problems of reading (ragged rows, duplicate headers)
        heading = headings[file] = Heading()
        part: tuple[str | None] | None = None  # the sheet whose header was last checked
        usable, periods = True, {}
        try:
            for number, table in enumerate(read_batches(path, read, heading, config.layouts)):
                columns = set(table.columns) - {"_row", "_sheet"}
                if number == 0 and table.height == 0 and not columns:
                    problems.add([Problem(file, None, None, "an empty file",
                                          "a header row and data rows")])
                    break
                if part != (heading.sheet,):  # a file's first batch, or a workbook's next sheet
                    part = (heading.sheet,)
                    periods, found = wide.declared_periods(columns, file, heading)
                    usable = not found
                    if usable:  # the layout fits (or none is declared): check the header
                        shape = (columns - set(periods)) | (
                            {"period", "value"} if periods else set())
                        found, usable = header_problems(shape, file, heading)
                    problems.add(found)
                if not usable:
                    if heading.sheet is None:
                        break
                    continue  # the workbook's other sheets may still be returns
                if periods:
                    table = wide.to_long(table, periods)
                pending.append(prepare_batch(table, file))
                if sum(t.height for t in pending) >= BATCH_ROWS:
                    flush()
        except (UnreadableFile, OSError) as err:
            # what was read of a file that then failed is not used
            pending[:] = [t for t in pending if t.get_column("_file")[0] != file]
            reason = (f"a file that {err}" if isinstance(err, UnreadableFile)
                      else f"a file that cannot be read ({err.strerror or err})")
            read.append(Problem(file, None, None, reason,
                                "a CSV, Parquet or Excel/ODS return" if isinstance(
                                    err, UnreadableFile) else "a readable file"))
        problems.add(read)
    flush()
    return checked


def load_observations(
    paths: str | Path | Sequence[str | Path], config: Config, *, today: date | None = None,
) -> Observations:
    """Read every return; the later return wins where two give the same KPI × force × quarter."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    today = today or date.today()
    problems: list[Problem] = []
    files = sorted(data_files(paths, problems), key=_return_order)
    by_file = _Problems()
    headings: dict[str, Heading] = {}
    checked = _read_returns(files, config, today, by_file, headings)
    frame, finish_problems = finish_returns(checked)
    by_file.add(finish_problems)
    problems += [headings[p.file].as_written(p) if p.file in headings else p
                 for p in by_file.in_order([str(f) for f in files])]
    frames: list[pl.DataFrame] = []
    if not frame.is_empty():
        # the later return wins: keep the files' order for the merge below
        order = {str(f): i for i, f in enumerate(files)}
        frames.append(
            frame.with_columns(pl.col("file").replace_strict(order, return_dtype=pl.Int64)
                               .alias("_file_order"))
            .sort("_file_order", maintain_order=True).drop("_file_order")
            .select(list(CANONICAL_SCHEMA)).cast(CANONICAL_SCHEMA)
        )
    if not frames:
        return Observations(empty_frame(), tuple(problems), (), tuple(map(str, files)))
    stacked = pl.concat(frames).with_row_index("_order")
    revisions = _revisions(stacked)
    # The later return wins figure by figure: a return that gives only the 12-month value does
    # not wipe the quarter's own count that an earlier return gave, and the reverse.
    keys = ["kpi", "force", "period"]
    figures = [c for c in CANONICAL_SCHEMA if c not in (*keys, "file")]
    frame = (
        stacked.sort("_order")
        .group_by(keys, maintain_order=True)
        .agg(*(pl.col(c).drop_nulls().last() for c in figures), pl.col("file").last())
        .select(list(CANONICAL_SCHEMA))
        .sort(keys)
    )
    return Observations(frame, tuple(problems), revisions, tuple(map(str, files)))


def _revisions(stacked: pl.DataFrame) -> tuple[Revision, ...]:
    """Where a later return gives a different figure than an earlier one for the same cell."""
    keys = ["kpi", "force", "period"]
    repeated = stacked.filter(pl.len().over(keys) > 1).sort([*keys, "_order"])
    revisions: list[Revision] = []
    known: dict[str, tuple[object, str]] = {}  # field → (last figure given, the file giving it)
    cell = None
    for kpi, force, period, value, value_12m, status, file in repeated.select(
        *keys, "value", "value_12m", "status", "file"
    ).iter_rows():
        if (kpi, force, period) != cell:
            cell, known = (kpi, force, period), {}
        for field, figure in (("value", value), ("value_12m", value_12m), ("status", status)):
            if figure is None:
                continue
            if field in known:
                old, old_file = known[field]
                changed = old != figure if field == "status" else _differ(old, figure)
                if changed:
                    revisions.append(Revision(kpi, force, Quarter.from_date(period), old,
                                              figure, old_file, file, field))
            known[field] = (figure, file)
    return tuple(revisions)


def _differ(a: float | None, b: float | None) -> bool:
    """Both returns give the figure, and not the same one."""
    return a is not None and b is not None and not _same(a, b)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
