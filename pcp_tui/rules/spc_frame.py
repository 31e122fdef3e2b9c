"""XmR process limits and special-cause rules over many series at once, in Polars.

The same method as `spc.analyse` (NHS England "Making Data Count", as NHSRplotthedots implements
it) written as window expressions, so that every KPI × force × as-of quarter is evaluated in one
pass instead of a Python loop per series. Tests check that both agree point for point.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pcp_tui.rules.frame_mean import group_means
from pcp_tui.rules.spc import (
    ABOVE_UCL,
    ASSURANCE_FAIL,
    ASSURANCE_INCONSISTENT,
    ASSURANCE_PASS,
    BELOW_LCL,
    LIMIT_MULTIPLIER,
    MR_SCREEN_MULTIPLIER,
    SHIFT_ABOVE,
    SHIFT_BELOW,
    TREND_DECREASING,
    TREND_INCREASING,
    TWO_IN_THREE_ABOVE,
    TWO_IN_THREE_BELOW,
)
from pcp_tui.rules.spc import COMMON_CAUSE as POINT_COMMON
from pcp_tui.rules.spc import COMMON_CAUSE_TYPE as COMMON_CAUSE
from pcp_tui.rules.spc import SPECIAL_CAUSE_CONCERN as POINT_CONCERN
from pcp_tui.rules.spc import SPECIAL_CAUSE_IMPROVEMENT as POINT_IMPROVEMENT
from pcp_tui.rules.spc import SPECIAL_CAUSE_NEUTRAL_HIGH as POINT_NEUTRAL_HIGH
from pcp_tui.rules.spc import SPECIAL_CAUSE_NEUTRAL_LOW as POINT_NEUTRAL_LOW
from pcp_tui.rules.spc import TWO_SIGMA_MULTIPLIER as NEAR_LIMIT_MULTIPLIER


def point_type_expr(cause: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """A special-cause label as improvement / concern / neutral high-low / common cause, given
    the direction (+1 higher is better, −1 lower, 0 neither): `spc.point_type_for`."""
    high = cause.is_in([ABOVE_UCL, TREND_INCREASING, TWO_IN_THREE_ABOVE, SHIFT_ABOVE])
    signed = pl.when(high).then(1).otherwise(-1) * direction
    return (
        pl.when(cause == COMMON_CAUSE).then(pl.lit(POINT_COMMON))
        .when(direction == 0).then(
            pl.when(high).then(pl.lit(POINT_NEUTRAL_HIGH)).otherwise(pl.lit(POINT_NEUTRAL_LOW))
        )
        .when(signed > 0).then(pl.lit(POINT_IMPROVEMENT))
        .otherwise(pl.lit(POINT_CONCERN))
    )


def spc_points(
    frame: pl.LazyFrame | pl.DataFrame,
    keys: Sequence[str],
    *,
    value: str = "y",
    order: str = "_i",
    direction: str = "dir_sign",
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    presorted: bool = False,
    fix_after_n_points: int | None = None,
    rebase: str | None = None,
    target: str | None = None,
) -> pl.LazyFrame:
    """Label every point of every series.

    `keys` identify a series; `order` sorts its points; `direction` is +1 where higher is
    better, −1 where lower is better, 0 for neither. Missing values must be dropped beforehand.
    Adds `mean`, `mr_bar`, `lpl`, `upl`, `special_cause_type`, `point_type` and `n` (the number
    of points in the point's group: the series, or the stretch since its last rebase).
    `presorted` says the frame is already ordered by the keys and `order`.
    `fix_after_n_points` takes each group's mean and moving ranges from its first n points only;
    `rebase` names a boolean column that is true on the first point of a new group (a rebase
    that falls on a missing value belongs on the next present point). `target` names a column
    holding each series' target (null for none); it adds `assurance`, the verdict against the
    point's group limits, which on a series' last point is `spc.analyse`'s `assurance_type`.

    Means are correctly rounded (`frame_mean`), as `spc.analyse` takes them, so the mean, the
    limits and every comparison with them are the plain function's to the last bit: "on the
    mean" and "beyond the limit" are decided exactly, with no tolerance.

    The frame is sorted once by series and order; after that every "previous point" is a plain
    shift masked at series boundaries, and every per-series or per-run figure is a window over
    one integer key. Windows over several string keys, repeated for each rule, cost ten times
    as much on a national dataset.
    """
    keys = list(keys)
    y = pl.col(value)
    lf = frame.lazy() if presorted else frame.lazy().sort([*keys, order])
    given = set(lf.collect_schema().names())

    if fix_after_n_points is not None and fix_after_n_points < 2:
        raise ValueError(
            f"fix_after_n_points must be None or at least 2; got {fix_after_n_points}"
        )
    starts = pl.any_horizontal(pl.col(k) != pl.col(k).shift(1) for k in keys).fill_null(True)
    if rebase is not None:
        starts = starts | pl.col(rebase).fill_null(False)
    lf = lf.with_columns(starts.alias("_start"))
    lf = lf.with_columns(
        # groups are numbered 1, 2, 3, … in frame order
        pl.col("_start").cum_sum().cast(pl.Int64).set_sorted().alias("_g"),
        # does the previous / next row belong to the same series?
        (~pl.col("_start")).alias("_has_prev"),
        (~pl.col("_start").shift(-1)).fill_null(False).alias("_has_next"),
    )
    prev = pl.col("_has_prev")
    nxt = pl.col("_has_next")

    def before(expr: pl.Expr, k: int = 1) -> pl.Expr:
        """The value k points earlier in the same series (null across a boundary)."""
        same = prev if k == 1 else prev & prev.shift(1).fill_null(False)
        return pl.when(same).then(expr.shift(k))

    def after(expr: pl.Expr, k: int = 1) -> pl.Expr:
        same = nxt if k == 1 else nxt & nxt.shift(-1).fill_null(False)
        return pl.when(same).then(expr.shift(-k))

    g = "_g"
    if fix_after_n_points is not None:
        lf = lf.with_columns(pl.int_range(pl.len()).over(g).alias("_pos"))
    frame = lf.with_columns(
        (y - before(y)).alias("_step"),
        pl.len().over(g).alias("n"),
    ).with_columns(pl.col("_step").abs().alias("_mr")).collect()
    mr = pl.col("_mr")
    if fix_after_n_points is None:
        base_y, base_mr = y, mr
    else:
        # the baseline: the first n points, and the moving ranges between them
        in_base = pl.col("_pos") < fix_after_n_points
        base_y, base_mr = pl.when(in_base).then(y), pl.when(in_base).then(mr)
    row_group = frame.get_column(g) - 1
    frame = frame.with_columns(
        group_means(frame, g, base_y).gather(row_group).alias("mean"),
        group_means(frame, g, base_mr).gather(row_group).alias("_mr_bar0"),
    )
    mr_bar0 = pl.col("_mr_bar0")
    if screen_outliers:
        # Screening drops moving ranges at or above 3.267 × MR̄ and recomputes MR̄ once;
        # a constant series (MR̄ = 0) is left alone.
        kept = pl.when(base_mr < MR_SCREEN_MULTIPLIER * mr_bar0).then(base_mr)
        frame = frame.with_columns(
            group_means(frame, g, kept).gather(row_group).alias("_mr_bar1")
        ).with_columns(
            pl.when(mr_bar0 > 0).then(pl.col("_mr_bar1")).otherwise(mr_bar0).alias("mr_bar")
        )
    else:
        frame = frame.with_columns(mr_bar0.alias("mr_bar"))
    lf = frame.lazy()

    mean, mr_bar = pl.col("mean"), pl.col("mr_bar")
    lf = lf.with_columns(
        (mean + LIMIT_MULTIPLIER * mr_bar).alias("upl"),
        (mean - LIMIT_MULTIPLIER * mr_bar).alias("lpl"),
        (mean + NEAR_LIMIT_MULTIPLIER * mr_bar).alias("_u2"),
        (mean - NEAR_LIMIT_MULTIPLIER * mr_bar).alias("_l2"),
    )
    lf = lf.with_columns(
        (pl.col("_step") > 0).fill_null(False).alias("_rising"),
        (pl.col("_step") < 0).fill_null(False).alias("_falling"),
        (y > mean).alias("_above"),
        (y < mean).alias("_below"),
        ((y > pl.col("_u2")) & (y <= pl.col("upl"))).fill_null(False).alias("_near_hi"),
        ((y < pl.col("_l2")) & (y >= pl.col("lpl"))).fill_null(False).alias("_near_lo"),
    )

    def long_runs(flag: str, length: int) -> pl.Expr:
        """True where `flag` holds within a run of at least `length` consecutive points."""
        f = pl.col(flag)
        breaks = pl.col("_start") | (f != f.shift(1)).fill_null(True)
        return f & (pl.len().over(breaks.cum_sum()) >= length)

    # a trend of N points is N − 1 consecutive rises; the first point of it is labelled too
    lf = lf.with_columns(
        long_runs("_rising", trend_length - 1).alias("_rise_run"),
        long_runs("_falling", trend_length - 1).alias("_fall_run"),
        long_runs("_above", run_length).alias("_shift_hi"),
        long_runs("_below", run_length).alias("_shift_lo"),
    )

    def window_ending(side: str, near: str) -> pl.Expr:
        # the three points ending here are all on one side and two of them are near the limit
        s, n = pl.col(side), pl.col(near).cast(pl.Int8)
        all_side = s & before(s) & before(s, 2)
        count = n + before(n) + before(n, 2)
        return (all_side & (count >= 2)).fill_null(False)

    lf = lf.with_columns(
        window_ending("_above", "_near_hi").alias("_w_hi"),
        window_ending("_below", "_near_lo").alias("_w_lo"),
        # the step out of a point belongs to the later trend, which wins at a shared peak
        after(pl.col("_rise_run")).fill_null(False).alias("_out_rise"),
        after(pl.col("_fall_run")).fill_null(False).alias("_out_fall"),
    )

    def in_window(name: str) -> pl.Expr:
        w = pl.col(name)
        return w | after(w).fill_null(False) | after(w, 2).fill_null(False)

    lf = lf.with_columns(
        (pl.col("_near_hi") & in_window("_w_hi")).alias("_two_hi"),
        (pl.col("_near_lo") & in_window("_w_lo")).alias("_two_lo"),
    )
    out_rise, out_fall = pl.col("_out_rise"), pl.col("_out_fall")
    rise_run, fall_run = pl.col("_rise_run"), pl.col("_fall_run")
    two_high, two_low = pl.col("_two_hi"), pl.col("_two_lo")
    shift_above, shift_below = pl.col("_shift_hi"), pl.col("_shift_lo")

    label = (
        pl.when(y > pl.col("upl")).then(pl.lit(ABOVE_UCL))
        .when(y < pl.col("lpl")).then(pl.lit(BELOW_LCL))
        .when(out_rise).then(pl.lit(TREND_INCREASING))
        .when(out_fall).then(pl.lit(TREND_DECREASING))
        .when(rise_run).then(pl.lit(TREND_INCREASING))
        .when(fall_run).then(pl.lit(TREND_DECREASING))
        .when(two_high).then(pl.lit(TWO_IN_THREE_ABOVE))
        .when(two_low).then(pl.lit(TWO_IN_THREE_BELOW))
        .when(shift_above).then(pl.lit(SHIFT_ABOVE))
        .when(shift_below).then(pl.lit(SHIFT_BELOW))
        .otherwise(pl.lit(COMMON_CAUSE))
    )
    lf = lf.with_columns(label.alias("special_cause_type"))
    point_type = point_type_expr(pl.col("special_cause_type"), pl.col(direction))
    scratch = [name for name in lf.collect_schema().names()
               if name.startswith("_") and name not in given]
    lf = lf.with_columns(point_type.alias("point_type"))
    if target is not None:
        goal, higher_better = pl.col(target), pl.col(direction) > 0
        assurance = (
            pl.when(goal.is_null() | goal.is_nan() | (pl.col(direction) == 0)
                    | pl.col("mr_bar").is_null()).then(None)
            # strict on both sides: a target exactly on a limit is still hit and miss
            .when(goal > pl.col("upl")).then(
                pl.when(higher_better).then(pl.lit(ASSURANCE_FAIL))
                .otherwise(pl.lit(ASSURANCE_PASS)))
            .when(goal < pl.col("lpl")).then(
                pl.when(higher_better).then(pl.lit(ASSURANCE_PASS))
                .otherwise(pl.lit(ASSURANCE_FAIL)))
            .otherwise(pl.lit(ASSURANCE_INCONSISTENT))
        )
        lf = lf.with_columns(assurance.alias("assurance"))
    return lf.drop(scratch)
