"""Checked rows into the canonical frame: a row repeating an earlier one of its file is
dropped, and monthly rows become quarters by the KPI's measure (flows summed, stocks the
quarter's last month, rates summed numerators over summed denominators).
"""

from __future__ import annotations

import polars as pl

from pcp_tui.dataset_checks import column_problems, no_rows, short
from pcp_tui.dataset_schema import empty_frame
from pcp_tui.periods import Quarter
from pcp_tui.reading import Problem

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
    problems = column_problems(
        marked, "period", dup,
        pl.format("a second row for {}, {}, {}", pl.col("kpi"), pl.col("force"),
                  short(pl.col("period"))),
        "one row per KPI, force and period; the first is kept",
    )
    kept = marked.filter(~dup).drop("_seen")
    return kept, pl.concat([seen, kept.select(ROW_KEYS)]), problems


def finish_returns(batches: list[pl.DataFrame]) -> tuple[pl.DataFrame, list[Problem]]:
    """Every file's checked rows, repeats already dropped (`drop_repeats`): the roll-up."""
    table = pl.concat(batches, how="vertical_relaxed") if batches else no_rows()
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
