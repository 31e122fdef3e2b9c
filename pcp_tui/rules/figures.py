"""A KPI × force's series of figures as the views chart and table it."""

from __future__ import annotations

import polars as pl


def figure_series(frame: pl.DataFrame) -> pl.DataFrame:
    """Each KPI × force's series as the views chart and table it, oldest first.

    A series is its quarterly values; one that has none but published 12-month figures (the
    ONS tables imported alone) is the series of those, each for the 12 months ending with its
    quarter, and `twelve_month` says so. Columns: kpi, force, period, value, file,
    twelve_month, lower, upper (a survey estimate's confidence interval, else null).
    """
    has_quarters = pl.col("value").is_not_null().any().over(["kpi", "force"])
    value = pl.when(has_quarters).then(pl.col("value")).otherwise(pl.col("value_12m"))
    bounds = [pl.col(c) if c in frame.columns else pl.lit(None, pl.Float64).alias(c)
              for c in ("lower", "upper")]
    return (
        frame.with_columns(value.alias("_v"), (~has_quarters).alias("twelve_month"))
        .filter(pl.col("_v").is_not_null() & pl.col("_v").is_finite())
        .select("kpi", "force", "period", pl.col("_v").alias("value"), "file", "twelve_month",
                *bounds)
        .sort(["kpi", "force", "period"])
    )
