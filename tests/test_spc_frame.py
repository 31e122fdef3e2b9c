"""The vectorised SPC labels every point exactly as the plain function does."""

from __future__ import annotations

import math

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pcp_tui.rules.spc import analyse
from pcp_tui.rules.spc_frame import spc_points

DIRECTIONS = {1: "increase", -1: "decrease", 0: "neutral"}

# values on a coarse grid make ties, runs on the mean and repeated values likely
values = st.lists(
    st.one_of(st.integers(-20, 20).map(float), st.floats(-1e4, 1e4, allow_nan=False)),
    min_size=1, max_size=30,
)
shaped = st.lists(st.integers(-3, 3), min_size=1, max_size=30).map(
    lambda steps: [float(sum(steps[: i + 1])) for i in range(len(steps))]
)
series = st.tuples(st.one_of(values, shaped), st.sampled_from([1, -1, 0]))


@settings(max_examples=150, deadline=None)
@given(st.lists(series, min_size=1, max_size=8), st.booleans(),
       st.integers(3, 8), st.integers(3, 8))
def test_vectorised_matches_plain(many, screen, run_length, trend_length):
    rows = [(s, i, v, d) for s, (vals, d) in enumerate(many) for i, v in enumerate(vals)]
    frame = pl.DataFrame(rows, schema={"s": pl.Int64, "_i": pl.Int64, "y": pl.Float64,
                                       "dir_sign": pl.Int64}, orient="row")
    out = spc_points(frame, ["s"], screen_outliers=screen, run_length=run_length,
                     trend_length=trend_length).collect().sort(["s", "_i"])
    for s, (vals, d) in enumerate(many):
        got = out.filter(pl.col("s") == s)
        plain = analyse(vals, improvement_direction=DIRECTIONS[d], screen_outliers=screen,
                        run_length=run_length, trend_length=trend_length)
        assert got["special_cause_type"].to_list() == list(plain.special_cause_type)
        assert got["point_type"].to_list() == list(plain.point_type)
        if len(vals) > 1:
            assert math.isclose(got["upl"][0], plain.upl, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(got["lpl"][0], plain.lpl, rel_tol=1e-9, abs_tol=1e-9)


def test_series_keep_to_themselves():
    # the last four points of one series and the first three of the next are all high: seven in
    # a row in the frame, but no series has a run of seven
    first = [5.0, 3.0, 6.0, 4.0, 5.0, 9.0, 8.0, 9.5, 8.5]
    second = [9.0, 8.0, 9.5, 4.0, 5.0, 3.0, 6.0, 4.0, 5.0]
    frame = pl.DataFrame({
        "s": [1] * 9 + [2] * 9, "_i": list(range(9)) * 2, "y": first + second,
        "dir_sign": [1] * 18,
    })
    out = spc_points(frame, ["s"]).collect().sort(["s", "_i"])
    for s, vals in ((1, first), (2, second)):
        got = out.filter(pl.col("s") == s)["special_cause_type"].to_list()
        assert got == list(analyse(vals).special_cause_type)
        assert "7 Points Above CL" not in got
