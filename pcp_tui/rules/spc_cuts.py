"""SPC for every as-of quarter from one pass over each series' points.

A series cut at an as-of quarter is a prefix of the series, and what an assessment needs of
the cut's SPC is its limits and the labels of its last point. Both are worked out here for
every point of a series taken as the last point of a cut, so the work grows with the points,
not with points × as-of quarters:

- the cut's centre line and mean moving range are running means of the series so far
  (correctly rounded, `frame_mean.running_means`), and the screening of big moving ranges
  leaves out, row by row, the ranges at or above 3.267 × that row's MR̄;
- the last point's label needs only the last few points of the cut set against the cut's
  limits: a trend is the run of rises (or falls) ending at it, a shift the last `run_length`
  points on one side of the mean, two-in-three the last three points.

The labels of every point of one cut (a chart) come from `spc_frame.spc_points` over that cut
alone (`cut_points`). Tests check both against `spc.analyse`, value by value.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.cuts import latest_before, series_grid
from pcp_tui.rules.frame_mean import running_means, screened_running_means
from pcp_tui.rules.spc_frame import point_type_expr, spc_points


def spc_options(config: Config, sids: pl.DataFrame) -> pl.DataFrame:
    """Per series, the SPC options its KPI sets: `spc_fix` (a baseline fixed on the first n
    points) and `_r0`, `_r1`, … (the ordinals of the quarters the limits start afresh from)."""
    kpis = [k for k in config.framework.kpis if k.spc_rebase or k.spc_fixed_after]
    width = max((len(k.spc_rebase) for k in kpis), default=0)
    schema = {"kpi": pl.Utf8, "spc_fix": pl.Int32, **{f"_r{i}": pl.Int32 for i in range(width)}}
    rows = [{"kpi": k.id, "spc_fix": k.spc_fixed_after,
             **{f"_r{i}": q.ordinal for i, q in enumerate(k.spc_rebase)}} for k in kpis]
    options = pl.DataFrame(rows, schema=schema)
    return sids.select("sid", "kpi").join(options, on="kpi", how="inner").drop("kpi")


def _rebase_starts(options: pl.DataFrame, keys: list[str]) -> pl.Expr:
    """True on a point that starts a group afresh: the first point on or after a rebase
    quarter (a rebase on a quarter without a figure starts the group at the next figure)."""
    previous = pl.col("_ord").shift(1).over(keys)
    starts = pl.lit(False)
    for column in (c for c in options.columns if c.startswith("_r")):
        starts = starts | (previous.is_not_null() & (previous < pl.col(column))
                           & (pl.col(column) <= pl.col("_ord"))).fill_null(False)
    return starts


def cut_points(charted: pl.DataFrame, options: pl.DataFrame, spc: Any, as_of: int
               ) -> pl.DataFrame:
    """Every charted point up to `as_of` with its SPC labels against the limits of that cut
    (columns of `spc_frame.spc_points`, plus `as_of`)."""
    cut = charted.filter(pl.col("_ord") <= as_of).with_columns(
        pl.lit(as_of, dtype=pl.Int32).alias("as_of")).sort(["sid", "_ord"])
    label = functools.partial(
        spc_points, keys=["as_of", "sid"], order="_ord", screen_outliers=spc.screen_outliers,
        run_length=spc.run_length, trend_length=spc.trend_length, presorted=True)
    if options.is_empty():
        return label(cut).collect()
    rebases = [c for c in options.columns if c.startswith("_r")]
    framed = cut.join(options, on="sid", how="left", maintain_order="left")
    framed = framed.with_columns(_rebase_starts(options, ["as_of", "sid"]).alias("_rebase"))
    framed = framed.drop(rebases)
    parts = []
    # one pass per distinct fixed baseline, of which a config has a handful
    for fix in framed.get_column("spc_fix").unique().to_list():
        part = framed.filter(pl.col("spc_fix").is_null() if fix is None
                             else pl.col("spc_fix") == fix).drop("spc_fix")
        parts.append(label(part, fix_after_n_points=fix,
                           rebase="_rebase" if rebases else None).collect())
    return pl.concat(parts, how="diagonal_relaxed").drop("_rebase").sort(["sid", "_ord"])


def series_points(charted: pl.DataFrame, options: pl.DataFrame, spc: Any, as_of: int
                  ) -> pl.DataFrame:
    """`cut_points` for a few series, by `spc.analyse` one series at a time: the same labels
    and limits (the tests hold the two paths to each other), without the fixed cost of the
    frame path's many steps, which a chart of one series would otherwise pay."""
    cut = charted.filter(pl.col("_ord") <= as_of).sort(["sid", "_ord"])
    fixes: dict[int, Any] = {}
    rebases: dict[int, list[int]] = {}
    if not options.is_empty():
        starts = [c for c in options.columns if c.startswith("_r")]
        for row in options.iter_rows(named=True):
            fixes[row["sid"]] = row["spc_fix"]
            rebases[row["sid"]] = sorted(row[c] for c in starts if row[c] is not None)
    rows = []
    for (sid,), part in cut.partition_by("sid", as_dict=True, maintain_order=True).items():
        ords, ys = part.get_column("_ord").to_list(), part.get_column("y").to_list()
        direction = {1: spc_plain.INCREASE, -1: spc_plain.DECREASE}.get(
            part.get_column("dir_sign")[0], spc_plain.NEUTRAL)
        # a rebase starts its group at the first point on or after it, if one came before
        at = sorted({i for i in (bisect_left(ords, r) for r in rebases.get(sid, ()))
                     if 0 < i < len(ords)})
        result = spc_plain.analyse(
            ys, improvement_direction=direction, screen_outliers=spc.screen_outliers,
            run_length=spc.run_length, trend_length=spc.trend_length,
            fix_after_n_points=fixes.get(sid), rebase_at_index=at)
        for group in result.groups:
            limits = [None if math.isnan(v) else v for v in (group.lpl, group.upl)]
            for i in range(group.start_index, group.end_index + 1):
                rows.append((sid, ords[i], ys[i], group.mean, *limits,
                             result.special_cause_type[i], result.point_type[i]))
    return pl.DataFrame(rows, orient="row", schema={
        "sid": pl.Int32, "_ord": pl.Int32, "y": pl.Float64, "mean": pl.Float64,
        "lpl": pl.Float64, "upl": pl.Float64, "special_cause_type": pl.Utf8,
        "point_type": pl.Utf8})


def cut_summaries(charted: pl.DataFrame, options: pl.DataFrame, spc: Any,
                  as_of: pl.DataFrame) -> pl.DataFrame:
    """Per series and as-of quarter with a charted point so far: the cut's limits and the
    labels of its last point (`spc_mean`, `spc_lpl`, …, as the status frame names them)."""
    anchors = _last_point_labels(charted, options, spc)
    return latest_before(series_grid(as_of, anchors), anchors).filter(
        pl.col("_ord").is_not_null()
    ).select(
        "sid", "as_of",
        pl.col("mean").alias("spc_mean"), pl.col("lpl").alias("spc_lpl"),
        pl.col("upl").alias("spc_upl"), pl.col("n").alias("spc_n"),
        pl.col("special_cause_type").alias("spc_last_type"),
        pl.col("y").alias("spc_last_y"), pl.col("_ord").alias("spc_last_ord"),
        pl.col("point_type").alias("spc_point_type"),
    )


def _since(starts: pl.Expr) -> pl.Expr:
    """Each row's distance from the last row at or before it where `starts` holds (the first
    row must be one): a position within runs, without a window over them."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return row - pl.when(starts).then(row).forward_fill()


def _last_point_labels(charted: pl.DataFrame, options: pl.DataFrame, spc: Any) -> pl.DataFrame:
    """Each point's labels as the last point of the cut that ends with it."""
    frame = charted.sort(["sid", "_ord"])
    if options.is_empty():
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int32).alias("spc_fix"),
                                   pl.lit(False).alias("_rebase"))
    else:
        rebases = [c for c in options.columns if c.startswith("_r")]
        frame = frame.join(options, on="sid", how="left", maintain_order="left")
        frame = frame.with_columns(_rebase_starts(options, ["sid"]).alias("_rebase"))
        frame = frame.drop(rebases)
    y = pl.col("y")
    frame = frame.with_columns(
        ((pl.col("sid") != pl.col("sid").shift(1)).fill_null(True) | pl.col("_rebase"))
        .alias("_start"))
    frame = frame.with_columns(
        pl.col("_start").cum_sum().cast(pl.Int64).alias("_g"),
        _since(pl.col("_start")).alias("_pos"),
    )
    pos = pl.col("_pos")

    def before(expr: pl.Expr, k: int) -> pl.Expr:
        """The value k points earlier in the same group (null before the group starts)."""
        return pl.when(pos >= k).then(expr.shift(k)) if k else expr

    fix = pl.col("spc_fix")
    in_base = fix.is_null() | (pos < fix)
    frame = frame.with_columns(
        (pos + 1).cast(pl.UInt32).alias("n"),
        before(y, 1).alias("_prev"),
    ).with_columns(
        (y - pl.col("_prev")).alias("_step"),
    ).with_columns(
        pl.when(in_base).then(y).alias("_base_y"),
        pl.when(in_base).then(pl.col("_step").abs()).alias("_base_mr"),
    )
    if spc.screen_outliers:
        # as `group_limits`: moving ranges at or above 3.267 × MR̄ are dropped and MR̄ taken
        # again, once; a constant stretch (MR̄ = 0) is left alone
        mr_bar0, screened = screened_running_means(
            frame, "_g", pl.col("_base_mr"), spc_plain.MR_SCREEN_MULTIPLIER)
        mr_bar = pl.when(mr_bar0 > 0).then(screened).otherwise(mr_bar0)
    else:
        mr_bar = running_means(frame, "_g", pl.col("_base_mr"))
    frame = frame.with_columns(
        running_means(frame, "_g", pl.col("_base_y")).alias("mean"), mr_bar.alias("mr_bar"))
    mean, mr_bar = pl.col("mean"), pl.col("mr_bar")
    # the points before each one in its group, as columns (every rule below reads them)
    lasts = range(max(spc.run_length, 3))
    frame = frame.lazy().with_columns(before(y, k).alias(f"_y{k}") for k in lasts[1:])

    def at(k: int) -> pl.Expr:
        return pl.col(f"_y{k}") if k else y

    frame = frame.with_columns(
        (mean + spc_plain.LIMIT_MULTIPLIER * mr_bar).alias("upl"),
        (mean - spc_plain.LIMIT_MULTIPLIER * mr_bar).alias("lpl"),
        (mean + spc_plain.TWO_SIGMA_MULTIPLIER * mr_bar).alias("_u2"),
        (mean - spc_plain.TWO_SIGMA_MULTIPLIER * mr_bar).alias("_l2"),
        (pl.col("_step") > 0).fill_null(False).alias("_rising"),
        (pl.col("_step") < 0).fill_null(False).alias("_falling"),
    )
    upl, lpl, u2, l2 = pl.col("upl"), pl.col("lpl"), pl.col("_u2"), pl.col("_l2")

    def run_ending_here(flag: str) -> pl.Expr:
        """The number of consecutive points of the group, ending here, on which `flag` holds."""
        f = pl.col(flag)
        breaks = pl.col("_start") | (f != f.shift(1)).fill_null(True)
        return pl.when(f).then(_since(breaks) + 1).otherwise(0)

    # the last `run_length` points all on one side of this cut's mean (a shift), the last three
    # all on one side with two of them between the two-sigma line and the limit (two in three)
    run = range(spc.run_length)
    full_run = pos >= spc.run_length - 1
    above_all = full_run & (pl.min_horizontal(at(k) for k in run) > mean)
    below_all = full_run & (pl.max_horizontal(at(k) for k in run) < mean)

    def two_in_three(side: pl.Expr, near: pl.Expr) -> pl.Expr:
        one_side = (pos >= 2) & side(at(0)) & side(at(1)) & side(at(2))
        count = sum(near(at(k)).fill_null(False).cast(pl.Int8) for k in range(3))
        return (near(at(0)).fill_null(False) & one_side & (count >= 2)).fill_null(False)

    two_high = two_in_three(lambda v: v > mean, lambda v: (v > u2) & (v <= upl))
    two_low = two_in_three(lambda v: v < mean, lambda v: (v < l2) & (v >= lpl))
    trend = spc.trend_length - 1
    label = (
        pl.when(y > upl).then(pl.lit(spc_plain.ABOVE_UCL))
        .when(y < lpl).then(pl.lit(spc_plain.BELOW_LCL))
        .when(run_ending_here("_rising") >= trend).then(pl.lit(spc_plain.TREND_INCREASING))
        .when(run_ending_here("_falling") >= trend).then(pl.lit(spc_plain.TREND_DECREASING))
        .when(two_high).then(pl.lit(spc_plain.TWO_IN_THREE_ABOVE))
        .when(two_low).then(pl.lit(spc_plain.TWO_IN_THREE_BELOW))
        .when(above_all.fill_null(False)).then(pl.lit(spc_plain.SHIFT_ABOVE))
        .when(below_all.fill_null(False)).then(pl.lit(spc_plain.SHIFT_BELOW))
        .otherwise(pl.lit(spc_plain.COMMON_CAUSE_TYPE))
    )
    frame = frame.with_columns(label.alias("special_cause_type"))
    point_type = point_type_expr(pl.col("special_cause_type"), pl.col("dir_sign"))
    return frame.select("sid", "_ord", "y", "mean", "lpl", "upl", "n", "special_cause_type",
                        point_type.alias("point_type")).collect()
