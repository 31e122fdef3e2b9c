"""The vectorised SPC labels every point exactly as the plain function does."""

from __future__ import annotations

import math
import random

import polars as pl
import pytest
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


# --- Thousands of generated series through one frame, compared with analyse to the last bit ----

# values whose mean is not exact in floating point, or that sit far from zero
AWKWARD = (0.3, 33.3, 1 / 3, 2 / 3, 0.1, 0.7, 1e-7, 12.345, 1e9 / 3, 1e12 + 0.3, -0.3, 0.0, 7.0)
OFFSETS = (1e9, 1e10, 1e11, 1e12, 123_456_789.123, -1e12)
STEPS = (1.0, 0.1, 0.3, 1 / 3, 2.5, 1e-3)


def generated_series(rng: random.Random, run_length: int, trend_length: int) -> list[float]:
    """One series of a randomly chosen kind; lengths cluster around the run and trend lengths."""
    kind = rng.randrange(11)
    n = rng.choice([1, 2, 3, run_length - 1, run_length, run_length + 1, trend_length,
                    trend_length + 1, 12, 13, 14, rng.randint(1, 40)])
    n = max(n, 1)
    offset = rng.choice((0.0, 0.0, *OFFSETS))
    step = rng.choice(STEPS)
    if kind == 0:  # a constant of any kind
        return [rng.choice(AWKWARD)] * n
    if kind == 1:  # a constant with one outlier
        c = rng.choice(AWKWARD)
        values = [c] * n
        values[rng.randrange(n)] = c + rng.choice((1, -1)) * rng.choice((1e-9, 0.1, 5, 1e6))
        return values
    if kind == 2:  # ties: a few repeated levels
        levels = [offset + step * rng.randint(-3, 3) for _ in range(3)]
        return [rng.choice(levels) for _ in range(n)]
    if kind == 3:  # a trend of a chosen length, possibly broken by a tie, inside noise
        length = rng.choice([trend_length - 1, trend_length, trend_length + 1])
        head = [offset + step * rng.randint(-2, 2) for _ in range(rng.randint(0, 4))]
        sign = rng.choice((1, -1))
        trend = [offset + sign * step * i for i in range(length)]
        if rng.random() < 0.3 and length > 2:
            trend[length // 2] = trend[length // 2 - 1]
        return head + trend + [offset + step * rng.randint(-2, 2) for _ in range(rng.randint(0, 4))]
    if kind == 4:  # a step change: a run of a chosen length on one side
        length = rng.choice([run_length - 1, run_length, run_length + 1])
        before = [offset + step * rng.choice((-1, 0, 1)) for _ in range(rng.randint(2, 10))]
        shifted = [offset + step * rng.choice((2, 3)) for _ in range(length)]
        return before + shifted + [offset + step * rng.choice((-1, 0, 1))
                                   for _ in range(rng.randint(0, 3))]
    if kind == 5:  # points exactly on the mean: a symmetric pattern
        a, b = offset + step * rng.randint(1, 4), offset - step * rng.randint(1, 4)
        pattern = [rng.choice((a, b, offset)) for _ in range(n // 2)]
        middle = [offset] * rng.randint(1, run_length + 1)
        return pattern + middle + [2 * offset - v for v in pattern]
    if kind == 6:  # noise with an outlier
        values = [offset + round(rng.gauss(50, 10), rng.choice((0, 1, 3))) for _ in range(n)]
        values[rng.randrange(n)] += rng.choice((1, -1)) * rng.choice((40, 200, 1e6))
        return values
    if kind == 7:  # two or three near the limit after a quiet stretch
        quiet = [offset + step * rng.choice((-1, 0, 1)) for _ in range(rng.randint(6, 15))]
        near = [offset + step * rng.choice((1.9, 2.0, 2.2, 2.5, 3, -1, 0))
                for _ in range(rng.randint(2, 4))]
        return quiet + near + [offset + step * rng.choice((-1, 0, 1))
                               for _ in range(rng.randint(0, 3))]
    if kind == 8:  # decimals of a rate, rounded as published
        return [offset + round(rng.uniform(0, 100), rng.choice((1, 2))) for _ in range(n)]
    if kind == 9:  # magnitudes too far apart for 128 bits, and the very small
        pool = (1e-200, 1e200, 1.0, 5e-324, 1e-310, -1e-305, 0.0)
        return [rng.choice(pool) for _ in range(n)]
    return [offset + step * sum(rng.randint(-3, 3) for _ in range(i + 1)) for i in range(n)]


def expected_limits(result, n: int) -> tuple[list[float], list[float], list[float]]:
    """Per point: the mean and limits of the group the point belongs to."""
    means, lpls, upls = [], [], []
    for group in result.groups:
        means += [group.mean] * group.n_points
        lpls += [group.lpl] * group.n_points
        upls += [group.upl] * group.n_points
    assert len(means) == n
    return means, lpls, upls


def same_floats(got: list[float | None], want: list[float]) -> bool:
    """Equal as floats; a null from the frame stands for the plain function's NaN."""
    return all((g is None and math.isnan(w)) or g == w for g, w in zip(got, want, strict=True))


@pytest.mark.parametrize(
    ("screen", "fix", "run_length", "trend_length"),
    [(True, None, 7, 7), (False, None, 7, 7), (True, 6, 7, 7), (False, 13, 7, 7),
     (True, None, 3, 5), (False, 2, 8, 3), (True, 9, 5, 8), (True, None, 2, 2)],
)
def test_generated_series_match_plain_to_the_bit(screen, fix, run_length, trend_length):
    rng = random.Random(f"{screen}-{fix}-{run_length}-{trend_length}")
    many = []
    for _ in range(1500):
        values = generated_series(rng, run_length, trend_length)
        k = min(len(values), rng.choice((0, 0, 1, 2)))
        rebases = sorted(rng.sample(range(len(values)), k=k))
        direction = rng.choice((1, -1, 0))
        target = rng.choice((None, values[-1], values[0] * 1.5 + 1, max(values) + 1, -1e12))
        many.append((values, rebases, direction, target))
    rows = [
        (s, i, v, d, i in rebases, t)
        for s, (values, rebases, d, t) in enumerate(many) for i, v in enumerate(values)
    ]
    frame = pl.DataFrame(rows, orient="row", schema={
        "s": pl.Int64, "_i": pl.Int64, "y": pl.Float64, "dir_sign": pl.Int64,
        "rebase": pl.Boolean, "target": pl.Float64,
    })
    out = spc_points(
        frame.sample(fraction=1.0, shuffle=True, seed=1), ["s"], screen_outliers=screen,
        run_length=run_length, trend_length=trend_length, fix_after_n_points=fix,
        rebase="rebase", target="target",
    ).collect().sort(["s", "_i"])
    columns = out.partition_by("s", maintain_order=True, as_dict=True)
    for s, (values, rebases, d, t) in enumerate(many):
        got = columns[(s,)]
        plain = analyse(values, improvement_direction=DIRECTIONS[d], target=t,
                        screen_outliers=screen, fix_after_n_points=fix, rebase_at_index=rebases,
                        run_length=run_length, trend_length=trend_length)
        context = f"series {s}: {values!r}, rebases {rebases}, direction {d}, target {t}"
        assert got["special_cause_type"].to_list() == list(plain.special_cause_type), context
        assert got["point_type"].to_list() == list(plain.point_type), context
        means, lpls, upls = expected_limits(plain, len(values))
        assert same_floats(got["mean"].to_list(), means), context
        assert same_floats(got["lpl"].to_list(), lpls), context
        assert same_floats(got["upl"].to_list(), upls), context
        assert got["n"].to_list() == [g.n_points for g in plain.groups for _ in range(g.n_points)]
        assert got["assurance"][-1] == plain.assurance_type, context
