"""Checking a return's header and rows, each row on its own: cells cleaned into numbers,
periods, KPIs and forces, and a Problem (file, row, column, what was found and expected,
with a "did you mean") for every row that cannot be used, in one vectorised pass.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl

from pcp_tui.config import Config
from pcp_tui.config_reader import MAX_FIGURE
from pcp_tui.dataset_schema import KNOWN_COLUMNS, MISSING_TOKENS, NUMERIC_COLUMNS
from pcp_tui.framework import COMMITMENT_STATUSES
from pcp_tui.periods import PeriodError, Quarter, names_a_month, parse_period
from pcp_tui.reading import QUOTE_CHARS, Heading, Problem, quote, shorten


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


def column_problems(
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


def short(expr: pl.Expr) -> pl.Expr:
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
    if "period" not in columns and quarter_from_name(file) is None:
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
    quarter = quarter_from_name(file)
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
        return no_rows(), problems
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
    table = table.with_columns(_number(name).alias(f"_{name}") for name in NUMERIC_COLUMNS)
    checks: dict[str, pl.Expr] = {}
    for name in NUMERIC_COLUMNS:
        parsed = pl.col(f"_{name}")
        checks[f"bad {name}"] = ~_is_missing(name) & (
            parsed.is_null() | parsed.is_nan() | parsed.is_infinite())
        checks[f"huge {name}"] = (parsed.abs() > MAX_FIGURE).fill_null(False)
    finds = _finds(table, checks)
    for name in NUMERIC_COLUMNS:
        if finds[f"bad {name}"]:
            bad = checks[f"bad {name}"]
            problems += column_problems(table, name, bad, _quote(name),
                                         "a finite number such as 28,675 or 3.9%")
            table = table.filter(~bad)
        if finds[f"huge {name}"]:
            huge = checks[f"huge {name}"]
            problems += column_problems(table, name, huge, _quote(name), FIGURE_WORDS)
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
    checks = {
        "negative": pl.any_horizontal(
            pl.col(f"_{n}") < 0 for n in ("value", "value_12m", "numerator", "denominator")
        ).fill_null(False) & pl.col("_unit").is_in(["count", "percent", "per-1000", "days",
                                                     "hours", "minutes", "seconds"]),
        "zero denominator": (pl.col("_denominator") == 0).fill_null(False),
        "half a rate": pl.col("_numerator").is_null() != pl.col("_denominator").is_null(),
        "inverted": (pl.col("_lower") > pl.col("_upper")).fill_null(False),
    }
    finds = _finds(table, checks)
    if finds["negative"]:
        # named by the first negative figure of the row, as written
        negative = checks["negative"]
        signed = ("value", "value_12m", "numerator", "denominator")
        column = pl.coalesce(pl.when(pl.col(f"_{n}") < 0).then(pl.lit(n)) for n in signed)
        written = pl.coalesce(pl.when(pl.col(f"_{n}") < 0).then(_quote(n)) for n in signed)
        problems += [
            Problem(file, row, _cell_column(name, cell), found,
                    "a number of 0 or more (this KPI cannot be negative)", sheet)
            for file, row, name, found, sheet, cell in table.filter(negative).select(
                "_file", "_row", column, pl.format("{} for {}", written, pl.col("kpi")),
                "_sheet", "_cell").iter_rows()]
        table = table.filter(~negative)
    if finds["zero denominator"]:
        zero_den = checks["zero denominator"]
        problems += column_problems(table, "denominator", zero_den, pl.lit("0"),
                                     "a denominator above 0")
        table = table.filter(~zero_den)
    if finds["half a rate"]:
        half_rate = checks["half a rate"]
        problems += column_problems(
            table, "denominator", half_rate, pl.lit("only one of numerator and denominator"),
            "both, or neither",
        )
        table = table.filter(~half_rate)
    if finds["inverted"]:
        inverted = checks["inverted"]
        problems += column_problems(table, "lower", inverted,
                                     pl.format("lower {} above upper {}", short(pl.col("lower")),
                                               short(pl.col("upper"))),
                                     "the lower bound at or below the upper bound")
        table = table.filter(~inverted)

    # value from numerator/denominator where given (never an average of percentages)
    table = table.with_columns(
        pl.when(pl.col("_numerator").is_not_null())
        .then(pl.col("_numerator") / pl.col("_denominator") * pl.col("_scale"))
        .otherwise(pl.col("_value")).alias("_value")
    )
    huge_rate = (pl.col("_value").abs() > MAX_FIGURE).fill_null(False)
    if _finds(table, {"huge rate": huge_rate})["huge rate"]:
        problems += column_problems(
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
    problems += column_problems(
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


def _finds(table: pl.DataFrame, checks: dict[str, pl.Expr]) -> dict[str, bool]:
    """Which checks could take a row out (true or null for it: a filter drops a row either
    way), in one pass over the rows. A check that takes out no row of the whole table takes
    none out of what is left after the checks before it, so its pass can be skipped."""
    return table.select((check.is_null() | check).any().alias(name)
                        for name, check in checks.items()).row(0, named=True)


def no_rows() -> pl.DataFrame:
    types = {"_row": pl.UInt32, "_quarter": pl.Date, "_month": pl.Date,  # the rest text
             "_named_month": pl.Boolean, "_scale": pl.Float64}
    floats = ("_value", "_value_12m", "_numerator", "_denominator", "_lower", "_upper")
    return pl.DataFrame(schema={
        name: types.get(name, pl.Float64 if name in floats else pl.Utf8)
        for name in CHECKED_COLUMNS
    })


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


def quarter_from_name(file: str) -> Quarter | None:
    return Quarter.in_name(Path(file).stem)
