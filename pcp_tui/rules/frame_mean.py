"""Correctly rounded means of many groups at once, in Polars.

`spc.analyse` takes the mean of a group as the exact sum of its values divided by the count,
rounded once to the nearest float. Summing in floating point instead, in whatever order a
vectorised engine chooses, can land the mean one unit in the last place away; a constant 0.3
then sits a hair off its own centre line, and a point exactly on the mean of a series near 10¹²
counts as above it. Every later decision (which side of the mean, beyond the limits or not)
inherits the error, so the frame path takes its means here, bit for bit as the plain one does.

How: a finite float is an integer times a power of two. Within a group every value is written
over the smallest power of two any of them needs, the integers are summed exactly in 128 bits,
and the quotient by the count is rounded to 53 bits (half to even) with integer arithmetic. A
group whose values span too many binary orders for 128 bits (say 1e-300 beside 1e300), or whose
mean would be subnormal, is rare enough to be worked out with Python fractions instead.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

_SIGN_OFF = 0x7FFF_FFFF_FFFF_FFFF
_MANTISSA_BITS = 52
_IMPLICIT_BIT = 1 << _MANTISSA_BITS
# Room in an Int128 sum: every scaled value stays below 2**(_BUDGET - bit length of the count).
_BUDGET = 125
# The smallest and largest scale at which W × 2**k (W a 53-bit integer) is a normal float that
# needs no further rounding.
_MIN_SCALE = -1022
_MAX_SCALE = 1023 - _MANTISSA_BITS - 1
# Int128 has no negation in Polars; subtract from zero instead.
_ZERO = pl.lit(0, dtype=pl.Int128)


def _pow2_float(k: pl.Expr) -> pl.Expr:
    """2**k as a Float64, exactly, for integer k in -1022..1023 (built from its bits)."""
    return ((k.cast(pl.Int64) + 1023) * _IMPLICIT_BIT).reinterpret(dtype=pl.Float64)


def _pow2_int(k: pl.Expr) -> pl.Expr:
    """2**k as an Int128, exactly, for integer k in 0..126."""
    return _pow2_float(k).cast(pl.Int128)


def _bit_length(x: pl.Expr, width: int) -> pl.Expr:
    """Number of binary digits of a non-negative integer column `width` bits wide."""
    return width - x.bitwise_leading_zeros().cast(pl.Int64)


def _parts(frame: pl.DataFrame, group: str, value: pl.Expr) -> pl.DataFrame:
    """Each value as a signed integer over its group's smallest power of two: `_s` (an Int128,
    0 for a missing value), `_q` (the group's power of two), `_wide` (a value too many binary
    orders above the group's smallest for the 128-bit sums) and `_one` (1 for a value)."""
    bits = pl.col("_v").reinterpret(dtype=pl.Int64)
    parts = frame.select(pl.col(group), value.alias("_v")).with_columns(
        (bits & _SIGN_OFF).alias("_abs"),
        (bits < 0).alias("_neg"),
    ).with_columns(
        (pl.col("_abs") // _IMPLICIT_BIT).alias("_e"),
        (pl.col("_abs") & (_IMPLICIT_BIT - 1)).alias("_f"),
    ).with_columns(
        # |v| = m × 2**x, with the implicit leading bit restored for normal numbers
        pl.when(pl.col("_e") > 0).then(pl.col("_f") + _IMPLICIT_BIT)
        .otherwise(pl.col("_f")).alias("_m"),
        (pl.max_horizontal(pl.col("_e"), 1) - 1075).alias("_x"),
    ).with_columns(
        # strip trailing zeros so that the group's common scale is as coarse as it can be
        pl.when(pl.col("_m") > 0).then(pl.col("_m").bitwise_trailing_zeros().cast(pl.Int64))
        .alias("_tz"),
    ).with_columns(
        (pl.col("_m") // _pow2_float(pl.col("_tz")).cast(pl.Int64)).alias("_m"),
        (pl.col("_x") + pl.col("_tz")).alias("_x"),
    ).with_columns(
        pl.col("_x").min().over(group).alias("_q"),
    ).with_columns(
        (pl.col("_x") - pl.col("_q")).alias("_sh"),
    )
    # Every scaled value below 2**budget keeps even a running total over the whole frame inside
    # an Int128, so a group's sum is the difference of two running totals: one pass over the
    # rows, which Polars does faster than a grouped sum of 128-bit integers.
    budget = _BUDGET - max(frame.height, 1).bit_length()
    signed = pl.when(pl.col("_neg")).then(-pl.col("_m")).otherwise(pl.col("_m"))
    wide = (_bit_length(pl.col("_m"), 64) + pl.col("_sh") > budget).fill_null(False)
    return parts.select(
        pl.col(group), "_v", "_q",
        # a wide value would overflow the Int128: it counts as 0 here and its group's mean is
        # taken by fractions
        pl.when(~wide).then(signed.cast(pl.Int128) * _pow2_int(pl.col("_sh").clip(0, budget)))
        .fill_null(0).alias("_s"),
        wide.alias("_wide"),
        pl.col("_v").is_not_null().cast(pl.Int64).alias("_one"),
    )


# An exact sum whose integer fits in a double's 53 bits is itself a double, and one IEEE division
# by the count rounds the quotient correctly: no 128-bit division is needed. Scales well inside
# the normal range keep the quotient normal too.
_FITS = 2**53
_FAST_SCALES = (-900, 900)


def _rounded(sums: pl.DataFrame) -> pl.DataFrame:
    """`_mean`, the exact sum `_t` × 2**`_q` over `_n` values rounded to 53 bits (half to even),
    and `_slow`, where that cannot be trusted (`_ok` false, or a subnormal or huge result).

    When every sum fits in 53 bits (counts, say) they are divided as doubles (exact, see
    `_FITS`); otherwise all of them by 128-bit integers."""
    t = pl.col("_t")
    fast = (pl.col("_ok") & (t < _FITS) & (t > -_FITS)
            & pl.col("_q").is_between(*_FAST_SCALES)).fill_null(False)
    if not sums.select(fast.all()).item():
        return _rounded_wide(sums).select(*sums.columns, "_mean", "_slow")
    return sums.with_columns(
        pl.when(pl.col("_n") == 0).then(None)
        .otherwise(t.cast(pl.Float64) * _pow2_float(pl.col("_q")) / pl.col("_n"))
        .alias("_mean"),
        pl.lit(False).alias("_slow"),
    )


def _rounded_wide(sums: pl.DataFrame) -> pl.DataFrame:
    """`_rounded` by 128-bit integer division."""
    a = pl.when(pl.col("_t") < 0).then(_ZERO - pl.col("_t")).otherwise(pl.col("_t"))
    n = pl.col("_n").cast(pl.Int128)
    return sums.with_columns(
        # widen |t| to 126 bits so that the quotient keeps more than 53 of them
        (126 - _bit_length(a, 128)).alias("_up"),
    ).with_columns(
        (a * _pow2_int(pl.col("_up").clip(0, 126))).alias("_widened"),
    ).with_columns(
        (pl.col("_widened") // n).alias("_quot"),
        (pl.col("_widened") % n).alias("_rem"),
    ).with_columns(
        (_bit_length(pl.col("_quot"), 128) - (_MANTISSA_BITS + 1)).alias("_d"),
    ).with_columns(
        _pow2_int(pl.col("_d").clip(1, 126)).alias("_unit"),
    ).with_columns(
        (pl.col("_quot") // pl.col("_unit")).alias("_w"),
        (pl.col("_quot") % pl.col("_unit")).alias("_r"),
        (pl.col("_unit") // 2).alias("_half"),
        (pl.col("_d") + pl.col("_q") - pl.col("_up")).alias("_k"),
    ).with_columns(
        (
            (pl.col("_r") > pl.col("_half"))
            | (
                (pl.col("_r") == pl.col("_half"))
                & ((pl.col("_rem") > 0) | (pl.col("_w") % 2 == 1))
            )
        ).alias("_round_up"),
    ).with_columns(
        pl.when(pl.col("_n") == 0).then(None)
        .when(pl.col("_t") == 0).then(0.0)
        .otherwise(
            (pl.col("_w") + pl.col("_round_up").cast(pl.Int128)).cast(pl.Float64)
            * _pow2_float(pl.col("_k").clip(_MIN_SCALE, _MAX_SCALE))
            * pl.when(pl.col("_t") < 0).then(-1.0).otherwise(1.0)
        ).alias("_mean"),
        (
            (pl.col("_n") > 0)
            & (~pl.col("_ok")
               | ((pl.col("_t") != 0) & ~pl.col("_k").is_between(_MIN_SCALE, _MAX_SCALE)))
        ).alias("_slow"),
    )


def group_means(frame: pl.DataFrame, group: str, value: pl.Expr) -> pl.Series:
    """The correctly rounded mean of `value` in each group, as a Float64 Series.

    `frame` must be sorted by `group`, an integer key numbering the groups 1, 2, 3, … in order;
    item i of the result belongs to group i + 1. `value` is a Float64 expression over `frame`
    whose nulls are left out (a row that does not belong to the mean is a null); a group with no
    value at all has a null mean. Values must be finite.
    """
    parts = _parts(frame, group, value)
    last = (pl.col(group) != pl.col(group).shift(-1)).fill_null(True)
    per_group = parts.with_columns(
        pl.col("_s").cum_sum().alias("_t"),
        pl.col("_one").cum_sum().alias("_n"),
        pl.col("_wide").cum_sum().cast(pl.Int64).alias("_wide_values"),
    ).filter(last).select(
        pl.col(group),
        pl.col("_q"),
        *(
            (pl.col(c) - pl.col(c).shift(1).fill_null(0)).alias(c)
            for c in ("_t", "_n", "_wide_values")
        ),
    ).with_columns((pl.col("_wide_values") == 0).alias("_ok"))
    rounded = _rounded(per_group).select(group, "_mean", "_slow")
    slow = rounded.filter(pl.col("_slow")).get_column(group)
    if len(slow):
        rounded = _fraction_means(rounded, parts, group, slow)
    return rounded.get_column("_mean")


def running_means(
    frame: pl.DataFrame, group: str, value: pl.Expr, *, below: pl.Expr | None = None
) -> pl.Series:
    """Row by row, the correctly rounded mean of `value` over its group's rows up to and
    including that row (what `group_means` gives each prefix of a group), as a Float64 Series.

    `frame` must be sorted by `group` (an integer key, equal rows together) and, within a group,
    in the order the rows accumulate. Nulls are left out; a row with no value yet has a null
    mean. With `below`, a Float64 threshold per row, the mean at a row takes only the values
    (up to it) strictly below that row's threshold; a null threshold leaves nothing out.

    Every row's sum is a difference of running totals, so the whole frame is one pass; the
    values a threshold leaves out are found from the smallest threshold still to come in the
    group, so only values that some later row leaves out are ever paired with rows.
    """
    sums = _running_sums(frame, group, value)
    if below is None:
        return _running_result(sums, group)
    caps = frame.with_columns(below.alias("_cap")).get_column("_cap")
    return _running_result(_leave_out(sums, group, caps), group)


def screened_running_means(
    frame: pl.DataFrame, group: str, value: pl.Expr, multiplier: float
) -> tuple[pl.Series, pl.Series]:
    """`running_means` of `value`, and again leaving out, row by row, the values at or above
    `multiplier` × that row's mean (the screening of moving ranges), from one decomposition."""
    sums = _running_sums(frame, group, value)
    plain = _running_result(sums, group)
    return plain, _running_result(_leave_out(sums, group, multiplier * plain), group)


def _running_sums(frame: pl.DataFrame, group: str, value: pl.Expr) -> pl.DataFrame:
    """`_parts` with each row's exact running sum `_t` and count `_n` within its group."""
    parts = _parts(frame, group, value).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"))
    first = (pl.col(group) != pl.col(group).shift(1)).fill_null(True)
    before = {c: pl.when(first).then(pl.col(c).cum_sum() - pl.col(c)).forward_fill()
              for c in ("_s", "_one")}
    return parts.with_columns(
        (pl.col("_s").cum_sum() - before["_s"]).alias("_t"),
        (pl.col("_one").cum_sum() - before["_one"]).alias("_n"),
        (pl.col("_wide").cast(pl.Int64).cum_sum().over(group) == 0).alias("_ok"),
    )


def _leave_out(sums: pl.DataFrame, group: str, caps: pl.Series) -> pl.DataFrame:
    """The running sums less, at each row, the values up to it at or above its cap (`_cap`;
    a null cap leaves nothing out)."""
    sums = sums.with_columns(caps.alias("_cap").fill_null(float("inf")))
    # a value some row at or after it leaves out: at least the smallest cap to come
    soonest = pl.col("_cap").cum_min(reverse=True).over(group)
    candidates = sums.filter(pl.col("_v").is_not_null() & (pl.col("_v") >= soonest)).select(
        group, pl.col("_row").alias("_from"), pl.col("_v").alias("_out"),
        pl.col("_s").alias("_s_out"))
    left_out = (
        candidates.join(sums.select(group, "_row", "_cap"), on=group, how="inner")
        .filter((pl.col("_row") >= pl.col("_from")) & (pl.col("_out") >= pl.col("_cap")))
        .group_by("_row").agg(pl.col("_s_out").sum().alias("_ts"),
                              pl.len().cast(pl.Int64).alias("_ns"))
    )
    return sums.join(left_out, on="_row", how="left", maintain_order="left").with_columns(
        (pl.col("_t") - pl.col("_ts").fill_null(0)).alias("_t"),
        (pl.col("_n") - pl.col("_ns").fill_null(0)).alias("_n"),
    ).drop("_ts", "_ns")


def _running_result(sums: pl.DataFrame, group: str) -> pl.Series:
    rounded = _rounded(sums)
    means = rounded.get_column("_mean")
    slow = rounded.filter(pl.col("_slow")).get_column("_row").to_list()
    if slow:
        means = _fraction_running_means(rounded, group, slow, means, "_cap" in sums.columns)
    return means


def _fraction_running_means(
    rounded: pl.DataFrame, group: str, slow: list[int], means: pl.Series, capped: bool
) -> pl.Series:
    """`running_means` by exact fractions for the rows 128-bit integers cannot hold."""
    keys = rounded.get_column(group).to_list()
    values = rounded.get_column("_v").to_list()
    caps = rounded.get_column("_cap").to_list() if capped else None
    out = means.to_list()
    for row in slow:
        start = row
        while start > 0 and keys[start - 1] == keys[row]:
            start -= 1
        kept = [Fraction(v) for v in values[start:row + 1] if v is not None
                and (caps is None or v < caps[row])]
        out[row] = float(sum(kept) / len(kept)) if kept else None
    return pl.Series(means.name, out, dtype=pl.Float64)


def _fraction_means(
    rounded: pl.DataFrame, parts: pl.DataFrame, group: str, slow: pl.Series
) -> pl.DataFrame:
    """The same means by exact fractions, for the few groups 128-bit integers cannot hold."""
    values = parts.filter(pl.col(group).is_in(slow.implode()) & pl.col("_v").is_not_null())
    totals: dict[object, list[Fraction]] = {}
    for key, v in values.select(group, "_v").iter_rows():
        totals.setdefault(key, []).append(Fraction(v))
    fixed = pl.DataFrame(
        {group: list(totals), "_exact": [float(sum(fs) / len(fs)) for fs in totals.values()]},
        schema={group: rounded.schema[group], "_exact": pl.Float64},
    )
    return rounded.join(fixed, on=group, how="left", maintain_order="left").with_columns(
        pl.when(pl.col("_slow")).then(pl.col("_exact")).otherwise(pl.col("_mean"))
        .alias("_mean")
    ).drop("_exact")
