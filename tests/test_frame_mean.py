"""Correctly rounded group means in Polars: the exact sum divided once, as spc.analyse takes it."""

from __future__ import annotations

import math
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcp_tui.rules.frame_mean import group_means, running_means, screened_running_means

ULP_1 = 2.0**-52  # the gap between 1 and the next float up


def means(*groups: list[float | None]) -> list[float | None]:
    rows = [(g, v) for g, values in enumerate(groups, start=1) for v in values]
    frame = pl.DataFrame(rows, orient="row", schema={"g": pl.Int64, "y": pl.Float64})
    return group_means(frame, "g", pl.col("y")).to_list()


def exact(values: list[float]) -> float:
    return float(sum(map(Fraction, values)) / len(values))


def test_a_constant_is_its_own_mean():
    # summed in floating point, ten 0.3s make 2.9999999999999996, and a tenth of it is not 0.3
    assert sum([0.3] * 10) / 10 != 0.3
    assert means([0.3] * 10, [33.3] * 7, [1 / 3] * 12) == [0.3, 33.3, 1 / 3]


def test_the_mean_is_the_exact_sum_rounded_once():
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 in floating point; the exact sum over 3 is 0.2
    assert (0.1 + 0.2 + 0.3) / 3 != 0.2
    assert means([0.1, 0.2, 0.3]) == [exact([0.1, 0.2, 0.3])] == [0.2]


def test_far_from_zero():
    values = [1e12 + 0.1, 1e12 + 0.2, 1e12 + 0.3, 1e12, 1e12 + 1 / 3]
    assert means(values) == [exact(values)]


def test_an_exact_half_rounds_to_even():
    # 1 + ulp/2 lies halfway between 1 (even) and 1 + ulp (odd): it goes down to 1
    assert means([1.0, 1.0 + ULP_1]) == [1.0]
    # 1 + 3ulp/2 lies halfway between 1 + ulp (odd) and 1 + 2ulp (even): it goes up
    assert means([1.0 + ULP_1, 1.0 + 2 * ULP_1]) == [1.0 + 2 * ULP_1]
    # and a hair past the half goes up whatever the parity
    assert means([1.0, 1.0 + ULP_1, 1.0 + ULP_1, 1.0 + ULP_1]) == [
        exact([1.0, 1.0 + ULP_1, 1.0 + ULP_1, 1.0 + ULP_1])]


def test_signs_zeros_and_missing_values():
    assert means([-0.3, -0.3, -0.3], [2.0, -2.0], [None, 4.0, None, 5.0], [None]) == [
        -0.3, 0.0, 4.5, None]


@pytest.mark.parametrize("values", [
    [1e-200, 1e200, 1.0],  # too many binary orders apart for 128 bits
    [5e-324, 1e-310, -1e-320],  # subnormal
    [1.7976931348623157e308, 1e308],  # the largest floats
    [0.296875, 0.1015625, 9.517906605832009e-124],  # a tiny value widens the others
])
def test_groups_out_of_128_bit_reach_are_still_exact(values):
    got = means([0.3, 0.3], values, [1.0, 2.0])
    assert got == [0.3, exact(values), 1.5]
    assert not math.isnan(got[1])


# running means: every prefix of a group -------------------------------------------------------


def prefix_means(groups: list[list[float | None]], caps: list[list[float | None]] | None = None
                 ) -> list[float | None]:
    rows = [(g, v, None if caps is None else caps[g][i])
            for g, values in enumerate(groups) for i, v in enumerate(values)]
    frame = pl.DataFrame(rows, orient="row",
                         schema={"g": pl.Int64, "y": pl.Float64, "cap": pl.Float64})
    below = None if caps is None else pl.col("cap")
    return running_means(frame, "g", pl.col("y"), below=below).to_list()


def expected_prefix_means(groups, caps=None):
    out = []
    for g, values in enumerate(groups):
        for i in range(len(values)):
            cap = None if caps is None else caps[g][i]
            kept = [v for v in values[: i + 1]
                    if v is not None and (cap is None or v < cap)]
            out.append(exact(kept) if kept else None)
    return out


def test_each_row_has_the_mean_of_its_group_so_far():
    groups = [[0.1, 0.2, 0.3], [None, 4.0, 5.0, None], [0.3] * 10]
    assert prefix_means(groups) == [
        0.1, exact([0.1, 0.2]), 0.2, None, 4.0, 4.5, 4.5, *[0.3] * 10]


def test_a_threshold_leaves_out_the_values_at_or_above_it_row_by_row():
    # the 40 is kept while the cap is above it, and left out once the cap falls to it or below
    groups = [[1.0, 40.0, 2.0, 3.0, 1.0]]
    caps = [[None, 50.0, 41.0, 40.0, 10.0]]
    assert prefix_means(groups, caps) == [1.0, 20.5, exact([1.0, 40.0, 2.0]), 2.0, 1.75]
    assert prefix_means(groups, caps) == expected_prefix_means(groups, caps)


def test_running_means_out_of_128_bit_reach_are_still_exact():
    groups = [[0.3, 0.3], [1.0, 1e-200, 1e200, 2.0], [1.0, 2.0],
              [0.296875, 0.1015625, 9.517906605832009e-124]]
    caps = [[None, None], [None, 1e300, 1e300, 1e100], [None, None], [None, None, 0.2]]
    assert prefix_means(groups) == expected_prefix_means(groups)
    assert prefix_means(groups, caps) == expected_prefix_means(groups, caps)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(
    st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0.1, 0.3, 1e12])),
    st.one_of(st.none(), st.floats(0, 2e6, allow_nan=False))), min_size=1, max_size=12),
    min_size=1, max_size=5))
def test_running_means_agree_with_exact_fractions(groups):
    values = [[v for v, _ in g] for g in groups]
    caps = [[c for _, c in g] for g in groups]
    assert prefix_means(values) == expected_prefix_means(values)
    assert prefix_means(values, caps) == expected_prefix_means(values, caps)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(-10**6, 10**6).map(float),
                                   st.sampled_from([0.5, 0.25, 2.0**40])),
                         min_size=1, max_size=12), min_size=1, max_size=5))
def test_running_means_of_counts_agree_with_exact_fractions(groups):
    # sums that fit in a double's 53 bits take the double division
    assert prefix_means(groups) == expected_prefix_means(groups)


def test_screening_leaves_out_values_at_or_above_a_multiple_of_the_mean_so_far():
    values = [[1.0, 2.0, 30.0, 1.0, 2.0, 1.5], [None, 0.0, 0.0], [0.1, 0.2, 0.3, 9.0]]
    rows = [(g, v) for g, vs in enumerate(values) for v in vs]
    frame = pl.DataFrame(rows, orient="row", schema={"g": pl.Int64, "y": pl.Float64})
    plain, screened = screened_running_means(frame, "g", pl.col("y"), 2.0)
    assert plain.to_list() == expected_prefix_means(values)
    caps = [[None if m is None else 2.0 * m for m in expected_prefix_means([vs])]
            for vs in values]
    assert screened.to_list() == expected_prefix_means(values, caps)
    # the 30 is above twice the mean of 1, 2, 30 (22) and is left out there: (1 + 2) / 2
    assert screened.to_list()[2] == 1.5
