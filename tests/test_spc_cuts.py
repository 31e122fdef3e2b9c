"""The SPC of every cut from one pass over each series equals `spc.analyse` on the cut."""

from __future__ import annotations

import math
from types import SimpleNamespace

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.spc_cuts import cut_points, cut_summaries, series_points

DIRECTIONS = {1: "increase", -1: "decrease", 0: "neutral"}


def charted(series: list[tuple[int, list[float | None]]]) -> pl.DataFrame:
    """Series as the timeline charts them: (direction, values by quarter, None for a gap)."""
    rows = [(sid, 100 + i, v, direction)
            for sid, (direction, values) in enumerate(series, start=1)
            for i, v in enumerate(values) if v is not None]
    return pl.DataFrame(rows, orient="row", schema={
        "sid": pl.Int32, "_ord": pl.Int32, "y": pl.Float64, "dir_sign": pl.Int32})


def options(fix: int | None, rebase: int | None, sids: int) -> pl.DataFrame:
    if fix is None and rebase is None:
        return pl.DataFrame()
    return pl.DataFrame(
        {"sid": list(range(1, sids + 1)), "spc_fix": [fix] * sids, "_r0": [rebase] * sids},
        schema={"sid": pl.Int32, "spc_fix": pl.Int32, "_r0": pl.Int32})


def plain(values: list[float | None], direction: int, spc, fix, rebase):
    """`analyse` on a cut, given as the values by quarter from ordinal 100."""
    inside = rebase is not None and 0 <= rebase - 100 < len(values)
    rebase_at = [rebase - 100] if inside else []
    return spc_plain.analyse(values, improvement_direction=DIRECTIONS[direction],
                             screen_outliers=spc.screen_outliers, run_length=spc.run_length,
                             trend_length=spc.trend_length, fix_after_n_points=fix,
                             rebase_at_index=rebase_at)


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None or (a is not None and math.isnan(a)) or (
            b is not None and math.isnan(b))
    return a == b or (math.isnan(a) and math.isnan(b))


def check(series, spc, fix=None, rebase=None):
    frame = charted(series)
    opts = options(fix, rebase, len(series))
    longest = max(len(values) for _, values in series)
    as_of = pl.DataFrame({"as_of": list(range(100, 100 + longest))}, schema={"as_of": pl.Int32})
    summaries = {(r["sid"], r["as_of"]): r
                 for r in cut_summaries(frame, opts, spc, as_of).iter_rows(named=True)}
    for sid, (direction, values) in enumerate(series, start=1):
        for cut_end in range(len(values)):
            cut = values[: cut_end + 1]
            row = summaries.get((sid, 100 + cut_end))
            if all(v is None for v in cut):
                assert row is None
                continue
            result = plain(cut, direction, spc, fix, rebase)
            group = result.groups[-1]
            assert row["spc_mean"] == group.mean
            assert same(row["spc_upl"], group.upl) and same(row["spc_lpl"], group.lpl)
            assert row["spc_n"] == group.end_index - group.start_index + 1
            assert row["spc_last_type"] == result.special_cause_type[-1], (cut, row)
            assert row["spc_point_type"] == result.point_type[-1]
            last = max(i for i, v in enumerate(cut) if v is not None)
            assert (row["spc_last_ord"], row["spc_last_y"]) == (100 + last, cut[last])
            # and every point of the cut, as a chart shows it
            points = cut_points(frame.filter(pl.col("sid") == sid), opts, spc, 100 + cut_end)
            assert points.get_column("special_cause_type").to_list() == list(
                result.special_cause_type)
            # one series by the plain function gives the frame path's points, value for value
            alone = series_points(frame.filter(pl.col("sid") == sid), opts, spc, 100 + cut_end)
            assert_frame_equal(alone, points.select(alone.columns), check_dtypes=False,
                               check_exact=True)


SPC = SimpleNamespace(screen_outliers=True, run_length=7, trend_length=7)
MDC_EXCEL = SimpleNamespace(screen_outliers=False, run_length=7, trend_length=7)
SHORT = SimpleNamespace(screen_outliers=True, run_length=3, trend_length=4)


def test_shifts_trends_and_outliers_in_every_cut():
    series = [
        (1, [10, 11, 9, 10, 12, 13, 14, 15, 16, 17, 18, 40, 12, 12, 12, 12, 12, 12, 12, 12]),
        (-1, [5, 5, 5, 5, 5, 5, 5, 5]),  # constant: no moving range to screen
        (0, [1, None, 3, 2, None, None, 8, 9, 10, 11, 12, 13, 14, 2, 1]),
        (1, [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]),
        (-1, [100, 100, 1e6, 100, 100, 101, 99, 100]),  # one astronomical point
    ]
    for spc in (SPC, MDC_EXCEL, SHORT):
        check(series, spc)


def test_rebased_and_fixed_limits_in_every_cut():
    series = [(-1, [100.0, 104, 98, 101, 99, 103, 97, 102, 60, 63, 58, 61, 59, 62, 60, 61]),
              (1, [1, 2, 3, 4, 5, 6, 7, None, 9, 10, 11, 12])]
    for fix, rebase in ((None, 108), (6, None), (4, 108), (3, 107)):
        check(series, SPC, fix, rebase)


values = st.lists(st.one_of(st.none(), st.integers(0, 12).map(float),
                            st.sampled_from([0.1, 0.3, 50.0, 1e9])), min_size=1, max_size=16)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, -1, 0]), values), min_size=1, max_size=4),
       st.sampled_from([SPC, MDC_EXCEL, SHORT]),
       st.sampled_from([(None, None), (None, 105), (5, None), (3, 106)]))
def test_random_series_agree_with_the_plain_function_in_every_cut(series, spc, option):
    check(series, spc, *option)
