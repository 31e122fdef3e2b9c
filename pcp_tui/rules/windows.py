"""Comparison and baseline windows: which source a figure comes from, and gaps inside them."""

from __future__ import annotations

import polars as pl


def window_value(first: str, last: str, suffix: str) -> list[pl.Expr]:
    """Aggregations of a series over the window [first, last] (columns of quarter ordinals).

    Two values, one per source: `{suffix}_q` from the force's quarterly figures (summed counts,
    summed numerators over summed denominators, a stock's level at the end) and `{suffix}_p`,
    the published 12-month figure ending with the window (flows over four quarters only).
    """
    inside = (pl.col("_ord") >= pl.col(first)) & (pl.col("_ord") <= pl.col(last))
    length = pl.col(last).first() - pl.col(first).first() + 1
    at_end = pl.col("_ord") == pl.col(last)
    measure = pl.col("measure").first()
    total = pl.col("value").filter(inside).sum()
    num = pl.col("numerator").filter(inside).sum()
    den = pl.col("denominator").filter(inside).sum()
    n = (inside & pl.col("value").is_not_null()).sum()
    n_rates = (inside & pl.col("denominator").is_not_null()).sum()
    stock = pl.col("value").filter(at_end).first()
    published = pl.col("value_12m").filter(at_end).first()
    quarters = (
        pl.when(measure == "stock").then(stock)
        .when(n < length).then(None)
        .when(measure == "flow").then(total)
        .when(n_rates == length).then(num / den * pl.col("scale").first())
        .otherwise(None)
    )
    return [
        quarters.alias(f"{suffix}_q"),
        pl.when((measure == "flow") & (length == 4)).then(published).alias(f"{suffix}_p"),
        pl.col("lower").filter(at_end).first().alias(f"{suffix}_lower"),
        pl.col("upper").filter(at_end).first().alias(f"{suffix}_upper"),
        n.alias(f"{suffix}_n"),
        num.alias(f"{suffix}_num"),
        den.alias(f"{suffix}_den"),
    ]


def choose_source(status: pl.DataFrame) -> pl.DataFrame:
    """One source per series and as-of quarter, for the comparison and its baselines alike.

    A KPI's figure comes either from the force's quarterly figures or from published 12-month
    figures (the ONS tables); the two differ (the force's own homicide count is 55 where the
    ONS table says 53), so a comparison value is never set against a baseline from the other
    source. The published figure is used when it is at least as recent as the quarterly ones,
    unless only the quarterly figures can give both the comparison and the baseline.
    """
    base_done = pl.col("b_last") <= pl.col("as_of")
    q_ok, p_ok = pl.col("cmp_q").is_not_null(), pl.col("cmp_p").is_not_null()
    q_full = q_ok & pl.col("base_q").is_not_null() & base_done
    p_full = p_ok & pl.col("base_p").is_not_null() & base_done
    recent = p_ok & (pl.col("value_ord").is_null()
                     | (pl.col("cmp_p_ord") >= pl.col("value_ord")))
    published = (recent & (p_full | ~q_full)).fill_null(False)
    pick = lambda p, q: pl.when(published).then(pl.col(p)).otherwise(pl.col(q))  # noqa: E731
    return status.with_columns(
        pick("cmp_p", "cmp_q").alias("comparison"),
        pick("cmp_p_ord", "cmp_q_ord").alias("comparison_ord"),
        pick("base_p", "base_q").alias("base_value"),
        pick("nat_p", "nat_q").alias("nat_value"),
        pl.when(published).then(pl.lit("published"))
        .when(pl.col("value_ord").is_not_null() | pl.col("cmp_q_ord").is_not_null())
        .then(pl.lit("quarters"))
        .when(p_ok).then(pl.lit("published"))
        .otherwise(None).alias("source"),
    )


def window_gaps(status: pl.DataFrame, obs: pl.DataFrame) -> pl.DataFrame:
    """The quarters missing inside a trajectory's comparison or baseline window.

    A window is only said to have a gap once the series has started by the window's first
    quarter: the quarters before a series starts are not missing, they were never collected.
    Only the few rows with a gap go through the (small) search for the missing quarters.
    """
    wlen = (pl.col("b_last") - pl.col("b_first") + 1).fill_null(4)
    is_rate = pl.col("measure") == "rate"
    first = pl.when(is_rate).then(pl.col("first_rate_ord")).otherwise(pl.col("first_value_ord"))
    usable = pl.col("freshness").is_in(["current", "lagging"])
    trajectory = pl.col("kind") == "trajectory"
    # a flow or rate compares the window ending with its own latest figure; a stock its level
    c_last = pl.col("comparison_ord")
    c_first = c_last - wlen + 1
    comparison_gap = (
        trajectory & usable & pl.col("comparison").is_null() & (pl.col("measure") != "stock")
        & c_last.is_not_null() & (c_first >= first)
    ).fill_null(False)
    b_first = pl.when(pl.col("measure") == "stock").then(pl.col("b_last")).otherwise(
        pl.col("b_first"))
    baseline_gap = (
        trajectory & usable & pl.col("base_value").is_null()
        & (pl.col("b_last") <= pl.col("as_of")) & (pl.col("b_first") >= first)
    ).fill_null(False)
    flagged = status.with_columns(
        comparison_gap.alias("_cg"), baseline_gap.alias("_bg"),
        c_first.alias("_cf"), b_first.alias("_bf"),
    ).filter(pl.col("_cg") | pl.col("_bg"))
    empty = pl.lit(None, dtype=pl.List(pl.Int32))
    if flagged.is_empty():
        return status.with_columns(empty.alias("missing_comparison"),
                                   empty.alias("missing_baseline"))
    present = obs.filter(
        pl.when(pl.col("measure") == "rate").then(pl.col("denominator").is_not_null())
        .otherwise(pl.col("value").is_not_null())
    ).select("kpi", "force", "_ord").unique()

    def missing(flag: str, lo: str, hi: str, name: str) -> pl.DataFrame:
        return (
            flagged.filter(pl.col(flag))
            .select("kpi", "force", "as_of",
                    pl.int_ranges(pl.col(lo), pl.col(hi) + 1, dtype=pl.Int32).alias("_ord"))
            .explode("_ord")
            .join(present, on=["kpi", "force", "_ord"], how="anti")
            .group_by(["kpi", "force", "as_of"])
            .agg(pl.col("_ord").sort().alias(name))
        )

    keys = ["kpi", "force", "as_of"]
    return (
        status
        .join(missing("_cg", "_cf", "comparison_ord", "missing_comparison"), on=keys, how="left")
        .join(missing("_bg", "_bf", "b_last", "missing_baseline"), on=keys, how="left")
    )
