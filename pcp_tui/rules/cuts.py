"""Each series cut at every as-of quarter, without crossing every point with every quarter.

What a cut's comparison window holds depends only on the quarter the window ends with, so the
windows are summed once per point and each cut looks its own up, as it does the running sums
of the counts so far (their dispersion); the SPC of each cut is `spc_cuts`'s.
"""

from __future__ import annotations

import polars as pl


def series_grid(as_of: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Every series (`sid`) of `points` at every as-of quarter from its first point (`_ord`)
    on, sorted by the as-of quarter: the rows an as-of lookup (`latest_before`) fills."""
    first = points.group_by("sid").agg(pl.col("_ord").min().alias("_first"))
    return (as_of.join(first, how="cross").filter(pl.col("_first") <= pl.col("as_of"))
            .drop("_first").sort("as_of"))


def latest_before(grid: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Each row of `grid` with the columns of its series' latest point up to the as-of
    quarter (nulls where there is none)."""
    return grid.join_asof(points.with_columns(pl.col("_ord").alias("_on")).sort("_on"),
                          left_on="as_of", right_on="_on", by="sid", strategy="backward",
                          check_sortedness=False).drop("_on")


def cut_figures(numeric: pl.DataFrame, as_of: pl.DataFrame) -> pl.DataFrame:
    """Per series and as-of quarter: the latest figures and the comparison window's.

    A window ends with the series' own latest quarter, so a figure that lags the as-of
    quarter (within `stale_after_quarters`) is still judged, on the quarters it covers. What a
    window holds depends only on the quarter it ends with (its anchor), not on the as-of
    quarter, so the windows are summed once per point of a series, and each as-of quarter
    takes the window of its anchor: the series' latest quarter with a value (with a rate, for
    rates; with a published figure, for those) up to the as-of quarter. Only series × as-of
    quarters (not series × points × as-of quarters) are ever in one frame.
    """
    has_value = pl.col("value").is_not_null()
    has_rate = pl.col("denominator").is_not_null()
    # each point as an anchor: the points of the window ending with it (at most `wlen`)
    members = (
        numeric.select("sid", pl.col("_ord").alias("_a"), "wlen")
        .with_columns(pl.int_ranges(0, pl.col("wlen"), dtype=pl.Int32).alias("_k"))
        .explode("_k")
        .with_columns((pl.col("_a") - pl.col("_k")).alias("_ord"))
        .join(numeric.select("sid", "_ord", "value", "numerator", "denominator"),
              on=["sid", "_ord"], how="inner")
        .sort(["sid", "_a", "_ord"])
    )
    windows = members.group_by(["sid", "_a"], maintain_order=True).agg(
        has_value.sum().alias("_nf"),
        pl.col("value").sum().alias("_sf"),
        has_rate.sum().alias("_nr"),
        pl.col("numerator").filter(has_rate).sum().alias("_sn"),
        pl.col("denominator").filter(has_rate).sum().alias("_sd"),
    )
    # every series at every as-of quarter from its first point on, with its anchors
    grid = series_grid(as_of, numeric)

    def anchor(rows: pl.DataFrame, name: str) -> pl.DataFrame:
        return grid.join_asof(rows.select("sid", pl.col("_ord").alias(name),
                                          pl.col("_ord").alias("_on")).sort("_on"),
                              left_on="as_of", right_on="_on", by="sid",
                              strategy="backward", check_sortedness=False).drop("_on")

    grid = anchor(numeric, "latest_ord")
    grid = anchor(numeric.filter(has_value), "_va").select("as_of", "sid", "latest_ord", "_va")
    cut = (
        grid.join(anchor(numeric.filter(has_rate), "_ra").select("as_of", "sid", "_ra"),
                  on=["as_of", "sid"], how="left")
        .join(anchor(numeric.filter(pl.col("value_12m").is_not_null()), "_pa")
              .select("as_of", "sid", "_pa"), on=["as_of", "sid"], how="left")
    )
    attrs = numeric.group_by("sid").agg(
        pl.col("measure_code").first(), pl.col("wlen").first(), pl.col("scale").first())
    at = numeric.select("sid", "_ord", "value", "lower", "upper", "value_12m", "_y12")
    measure, length = pl.col("measure_code"), pl.col("wlen")
    cut = (
        cut.join(attrs, on="sid", how="left")
        .join(at.rename({"_ord": "_va", "value": "latest_value", "lower": "latest_lower",
                         "upper": "latest_upper", "_y12": "_y12v"}).drop("value_12m"),
              on=["sid", "_va"], how="left")
        .join(at.select("sid", pl.col("_ord").alias("_ra"), pl.col("_y12").alias("_y12r")),
              on=["sid", "_ra"], how="left")
        .join(at.select("sid", pl.col("_ord").alias("_pa"), pl.col("value_12m").alias("_pub")),
              on=["sid", "_pa"], how="left")
        .join(at.select("sid", (pl.col("_ord") + 4).alias("_va"),
                        pl.col("value").alias("year_ago_value"),
                        pl.col("lower").alias("year_ago_lower"),
                        pl.col("upper").alias("year_ago_upper")),
              on=["sid", "_va"], how="left")
        .join(windows.select("sid", pl.col("_a").alias("_va"), "_nf", "_sf"),
              on=["sid", "_va"], how="left")
        .join(windows.select("sid", pl.col("_a").alias("_ra"), "_nr", "_sn", "_sd"),
              on=["sid", "_ra"], how="left")
    )
    # both sources' figures for the window ending with each source's latest figure; which one
    # is compared is settled once the baselines are known (`_choose_source`)
    from_quarters = (
        pl.when(measure == 1).then(pl.col("latest_value"))
        .when(measure == 0).then(pl.when(pl.col("_nf") == length).then(pl.col("_sf")))
        .otherwise(pl.when(pl.col("_nr") == length).then(
            pl.col("_sn") / pl.col("_sd") * pl.col("scale")))
    )
    published = pl.when((measure == 0) & (length == 4)).then(pl.col("_pub"))
    # overdispersion of the quarterly counts so far (successive differences), as running
    # sums to each point of a series, taken at the cut's latest point; summed one after
    # another, as `significance.overdispersion` sums them
    value = pl.col("value")
    count = value.is_not_null().cast(pl.UInt32).cum_sum().over("sid")
    dispersion = numeric.select(
        "sid", pl.col("_ord").alias("latest_ord"),
        (value - value.shift(1).over("sid")).pow(2).fill_null(0.0).cum_sum().over("sid")
        .alias("phi_squares"),
        count.alias("phi_n"),
        pl.when(count > 0).then(value.fill_null(0.0).cum_sum().over("sid") / count)
        .alias("phi_mean"),
    )
    cut = cut.join(dispersion, on=["sid", "latest_ord"], how="left")
    return cut.sort(["as_of", "sid"]).select(
        "as_of", "sid", "latest_ord",
        pl.col("_va").alias("value_ord"),
        "latest_value", "latest_lower", "latest_upper",
        from_quarters.alias("cmp_q"),
        pl.when(measure == 2).then(pl.col("_ra")).otherwise(pl.col("_va")).alias("cmp_q_ord"),
        published.alias("cmp_p"),
        pl.when(published.is_not_null()).then(pl.col("_pa")).alias("cmp_p_ord"),
        "year_ago_value", "year_ago_lower", "year_ago_upper",
        pl.when(measure == 2).then(pl.col("_y12r")).otherwise(pl.col("_y12v"))
        .alias("year_figure"),
        # the comparison window's numerators and denominators, for a test of a rate's change
        pl.col("_sn").fill_null(0.0).alias("cmp_num"),
        pl.col("_sd").fill_null(0.0).alias("cmp_den"),
        "phi_squares", "phi_n", "phi_mean",
    )
