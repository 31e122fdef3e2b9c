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
    # what each point gives a cut whose latest figure it is: its own figures, its window's
    # sums, the figure a year before it and the overdispersion of the quarterly counts so far
    # (successive differences, as running sums added one after another, as
    # `significance.overdispersion` adds them)
    value = pl.col("value")
    count = value.is_not_null().cast(pl.UInt32).cum_sum().over("sid")
    points = (
        numeric.select(
            "sid", "_ord", "value", "denominator", "lower", "upper", "value_12m", "_y12",
            "measure_code", "wlen", "scale",
            (value - value.shift(1).over("sid")).pow(2).fill_null(0.0).cum_sum().over("sid")
            .alias("phi_squares"),
            count.alias("phi_n"),
            pl.when(count > 0).then(value.fill_null(0.0).cum_sum().over("sid") / count)
            .alias("phi_mean"))
        .join(windows.rename({"_a": "_ord"}), on=["sid", "_ord"], how="left",
              maintain_order="left")
        .join(numeric.select("sid", (pl.col("_ord") + 4).alias("_ord"),
                             pl.col("value").alias("year_ago_value"),
                             pl.col("lower").alias("year_ago_lower"),
                             pl.col("upper").alias("year_ago_upper")),
              on=["sid", "_ord"], how="left", maintain_order="left")
    )
    # every series at every as-of quarter from its first point on, with the points it takes
    # its figures from (its anchors): the latest point, the latest with a value, with a rate
    # (for rates) and with a published 12-month figure. An as-of lookup keeps the grid's
    # order, so the four line up row by row.
    grid = series_grid(as_of, numeric)

    def anchor(rows: pl.DataFrame, name: str, columns: dict[str, str]) -> pl.DataFrame:
        carried = rows.select("sid", "_ord", pl.col("_ord").alias(name),
                              *(pl.col(c).alias(a) for c, a in columns.items()))
        return latest_before(grid, carried).drop("_ord")

    cut = pl.concat([
        anchor(points, "latest_ord", {c: c for c in (
            "measure_code", "wlen", "scale", "phi_squares", "phi_n", "phi_mean")}),
        anchor(points.filter(has_value), "_va", {
            "value": "latest_value", "lower": "latest_lower", "upper": "latest_upper",
            "_y12": "_y12v", "year_ago_value": "year_ago_value",
            "year_ago_lower": "year_ago_lower", "year_ago_upper": "year_ago_upper",
            "_nf": "_nf", "_sf": "_sf"}).drop("as_of", "sid"),
        anchor(points.filter(has_rate), "_ra", {
            "_y12": "_y12r", "_nr": "_nr", "_sn": "_sn", "_sd": "_sd"}).drop("as_of", "sid"),
        anchor(points.filter(pl.col("value_12m").is_not_null()), "_pa",
               {"value_12m": "_pub"}).drop("as_of", "sid"),
    ], how="horizontal")
    measure, length = pl.col("measure_code"), pl.col("wlen")
    # both sources' figures for the window ending with each source's latest figure; which one
    # is compared is settled once the baselines are known (`_choose_source`)
    from_quarters = (
        pl.when(measure == 1).then(pl.col("latest_value"))
        .when(measure == 0).then(pl.when(pl.col("_nf") == length).then(pl.col("_sf")))
        .otherwise(pl.when(pl.col("_nr") == length).then(
            pl.col("_sn") / pl.col("_sd") * pl.col("scale")))
    )
    published = pl.when((measure == 0) & (length == 4)).then(pl.col("_pub"))
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
