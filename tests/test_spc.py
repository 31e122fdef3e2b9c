"""Tests for the plain-Python MDC XmR reference (pcp_tui.rules.spc).

Three layers: the shared acceptance vectors (outputs of NHSRplotthedots), hand-worked examples
small enough to check on paper, and Hypothesis properties that must hold for any series.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcp_tui.rules import spc
from pcp_tui.rules.spc import SpcGroup, SpcResult, analyse

# CI clones the repository with shared/ beside it, so find the vectors from this file, not cwd.
VECTORS_PATH = Path(__file__).resolve().parents[2] / "shared" / "spc" / "vectors.json"
LIMIT_TOLERANCE = 1e-9
TRENDS = (spc.TREND_INCREASING, spc.TREND_DECREASING)


def _load_vectors() -> list[dict[str, Any]]:
    if not VECTORS_PATH.is_file():
        return []
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["vectors"]


_VECTORS = _load_vectors()
_VECTOR_PARAMS = [pytest.param(v, id=v["name"]) for v in _VECTORS] or [
    pytest.param(None, id="vectors-absent", marks=pytest.mark.skip(f"{VECTORS_PATH} not found"))
]


def _run_vector(vector: dict[str, Any]) -> SpcResult:
    options = vector["options"]
    return analyse(
        vector["values"],
        improvement_direction=vector["improvement_direction"],
        target=vector["target"],
        screen_outliers=options["screen_outliers"],
        fix_after_n_points=options["fix_after_n_points"],
        rebase_at_index=options["rebase_at_index"],
    )


# --- Acceptance vectors ------------------------------------------------------------------------


@pytest.mark.parametrize("vector", _VECTOR_PARAMS)
def test_vector(vector: dict[str, Any]) -> None:
    expected = vector["expected"]
    result = _run_vector(vector)

    assert [(g.start_index, g.end_index) for g in result.groups] == [
        (g["start_index"], g["end_index"]) for g in expected["groups"]
    ]
    for group, want in zip(result.groups, expected["groups"]):
        for key in ("mean", "lpl", "upl"):
            assert getattr(group, key) == pytest.approx(want[key], abs=LIMIT_TOLERANCE), key
    for key in ("mean", "lpl", "upl"):
        assert getattr(result, key) == pytest.approx(expected[key], abs=LIMIT_TOLERANCE), key

    assert list(result.special_cause_type) == expected["special_cause_type"]
    assert list(result.point_type) == expected["point_type"]
    assert result.variation_icon == expected["variation_icon"]
    assert result.assurance_type == expected["assurance_type"]
    assert result.short_group_warning is expected["short_group_warning"]


def test_vocabulary_matches_vectors_file() -> None:
    if not VECTORS_PATH.is_file():
        pytest.skip(f"{VECTORS_PATH} not found")
    conventions = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["conventions"]
    assert set(conventions["special_cause_type_vocabulary"]) == set(spc.SPECIAL_CAUSE_TYPES)
    assert set(conventions["point_type_vocabulary"]) == set(spc.POINT_TYPES)
    for icon in spc.VARIATION_ICONS:
        assert icon in conventions["variation_icon"]
    for assurance in spc.ASSURANCE_TYPES:
        assert assurance in conventions["assurance_type"]
    constants = conventions["constants"]
    assert constants["limit_multiplier"] == spc.LIMIT_MULTIPLIER
    assert constants["mr_screen_multiplier"] == spc.MR_SCREEN_MULTIPLIER


# --- Hand-worked examples ----------------------------------------------------------------------


def test_five_points_by_hand() -> None:
    # mean = 15 / 5 = 3; moving ranges 2, 1, 3, 1 -> MR-bar 7 / 4 = 1.75, none >= 3.267 * 1.75.
    result = analyse([1, 3, 2, 5, 4])
    (group,) = result.groups
    assert (group.start_index, group.end_index) == (0, 4)
    assert group.mean == 3
    assert group.mr_bar == 1.75
    assert group.upl == pytest.approx(3 + 4.655, abs=1e-12)  # 2.66 * 1.75 = 4.655
    assert group.lpl == pytest.approx(3 - 4.655, abs=1e-12)
    assert group.upper_two_sigma == pytest.approx(3 + 2 * 4.655 / 3, abs=1e-12)
    assert group.lower_two_sigma == pytest.approx(3 - 2 * 4.655 / 3, abs=1e-12)
    assert result.special_cause_type == (spc.COMMON_CAUSE_TYPE,) * 5
    assert result.point_type == (spc.COMMON_CAUSE,) * 5
    assert result.variation_icon == spc.ICON_COMMON_CAUSE
    assert result.assurance_type is None
    assert result.short_group_warning is True
    assert (result.mean, result.lpl, result.upl) == (group.mean, group.lpl, group.upl)


def test_screening_drops_the_outlier_moving_range() -> None:
    # Eight ranges of 1 and one of 21: MR-bar 29 / 9 = 3.22; 21 >= 3.267 * 3.22 = 10.5 so it is
    # screened out and MR-bar becomes 1. Mean = 25 / 10 = 2.5.
    values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 21]
    screened = analyse(values).groups[0]
    assert screened.mr_bar == 1
    assert screened.upl == pytest.approx(2.5 + 2.66, abs=1e-12)
    unscreened = analyse(values, screen_outliers=False).groups[0]
    assert unscreened.mr_bar == pytest.approx(29 / 9, abs=1e-12)
    assert unscreened.upl == pytest.approx(2.5 + 2.66 * 29 / 9, abs=1e-12)
    assert analyse(values).special_cause_type[-1] == spc.ABOVE_UCL
    assert analyse(values, screen_outliers=False).special_cause_type[-1] == spc.ABOVE_UCL


def test_constant_series_is_not_screened_to_nothing() -> None:
    result = analyse([5.0] * 20)
    (group,) = result.groups
    assert group.mr_bar == 0
    assert group.lpl == group.upl == group.mean == 5
    assert set(result.special_cause_type) == {spc.COMMON_CAUSE_TYPE}


def test_exactly_seven_points_above_the_mean_is_a_shift() -> None:
    # Sum 86 over 17 points: mean 5.06. Indices 7..13 (the 6s) are the only seven-long stretch on
    # one side. Moving ranges sum to 56 over 16 -> MR-bar 3.5, limits 5.06 +- 9.31, two-sigma
    # lines 5.06 +- 6.21: nothing is near or beyond a limit, and the 6s tie so no trend.
    values = [2, 8, 2, 8, 2, 8, 2, 6, 6, 6, 6, 6, 6, 6, 2, 8, 2]
    result = analyse(values, improvement_direction="decrease")
    assert result.groups[0].mr_bar == 3.5
    expected = [spc.COMMON_CAUSE_TYPE] * 17
    expected[7:14] = [spc.SHIFT_ABOVE] * 7
    assert list(result.special_cause_type) == expected
    assert result.point_type[7:14] == (spc.SPECIAL_CAUSE_CONCERN,) * 7


def test_six_points_above_the_mean_is_not_a_shift() -> None:
    values = [2, 8, 2, 8, 2, 8, 2, 6, 6, 6, 6, 6, 6, 2, 8, 2]
    assert set(analyse(values).special_cause_type) == {spc.COMMON_CAUSE_TYPE}


def test_seven_rising_points_are_a_trend() -> None:
    # Mean 82 / 15 = 5.47; MR-bar 82 / 14 = 5.86 -> limits about -10.1 .. 21.0, two-sigma lines
    # about -4.9 .. 15.9. 3..9 rises strictly for seven points and crosses the mean.
    values = [0, 10, 0, 10, 0, 10, 3, 4, 5, 6, 7, 8, 9, 0, 10]
    result = analyse(values)
    expected = [spc.COMMON_CAUSE_TYPE] * 15
    expected[6:13] = [spc.TREND_INCREASING] * 7
    assert list(result.special_cause_type) == expected
    assert result.point_type[6:13] == (spc.SPECIAL_CAUSE_IMPROVEMENT,) * 7
    flipped = analyse(values, improvement_direction="decrease")
    assert flipped.point_type[6:13] == (spc.SPECIAL_CAUSE_CONCERN,) * 7
    neutral = analyse(values, improvement_direction="neutral")
    assert neutral.point_type[6:13] == (spc.SPECIAL_CAUSE_NEUTRAL_HIGH,) * 7


def test_a_tie_breaks_a_trend() -> None:
    values = [0, 10, 0, 10, 0, 10, 3, 4, 5, 5, 6, 7, 8, 9, 0, 10]
    assert set(analyse(values).special_cause_type) == {spc.COMMON_CAUSE_TYPE}


def test_two_in_three_labels_only_the_near_limit_points() -> None:
    # Limits frozen on the 20-point baseline 0, 2, 0, 2, ...: mean 1, MR-bar 2, so the limits are
    # 1 +- 5.32 = -4.32 .. 6.32 and the two-sigma lines 1 +- 3.547 = -2.547 .. 4.547.
    # 5 and 6 lie between the upper two-sigma line and the UPL, 2 is above the mean but not near.
    baseline = [0, 2] * 10
    result = analyse([*baseline, 5, 2, 6, 2, 0], fix_after_n_points=20)
    (group,) = result.groups
    assert (group.mean, group.mr_bar) == (1, 2)
    expected = [spc.COMMON_CAUSE_TYPE] * 25
    expected[20] = expected[22] = spc.TWO_IN_THREE_ABOVE
    assert list(result.special_cause_type) == expected
    # The middle point on the other side of the mean stops the rule.
    other_side = analyse([*baseline, 5, 0, 6, 2, 0], fix_after_n_points=20)
    assert set(other_side.special_cause_type) == {spc.COMMON_CAUSE_TYPE}
    # A partner beyond the limit does not count (NHSRplotthedots v0.2.2): 7 > 6.32.
    beyond = analyse([*baseline, 5, 2, 7, 2, 0], fix_after_n_points=20)
    assert beyond.special_cause_type[20:23] == (
        spc.COMMON_CAUSE_TYPE,
        spc.COMMON_CAUSE_TYPE,
        spc.ABOVE_UCL,
    )


@pytest.mark.parametrize(
    ("direction", "nudge", "expected"),
    [
        ("increase", 0.0, spc.ASSURANCE_INCONSISTENT),
        ("increase", math.inf, spc.ASSURANCE_FAIL),
        ("decrease", math.inf, spc.ASSURANCE_PASS),
        ("increase", -math.inf, spc.ASSURANCE_INCONSISTENT),
    ],
)
def test_target_on_the_upper_limit_is_inconsistent(
    direction: str, nudge: float, expected: str
) -> None:
    values = [10, 11, 10, 9] * 4
    upl = analyse(values).groups[0].upl
    target = upl if nudge == 0 else math.nextafter(upl, nudge)
    result = analyse(values, improvement_direction=direction, target=target)
    assert result.assurance_type == expected


def test_target_on_the_lower_limit_is_inconsistent() -> None:
    values = [10, 11, 10, 9] * 4
    lpl = analyse(values).groups[0].lpl
    assert analyse(values, target=lpl).assurance_type == spc.ASSURANCE_INCONSISTENT
    below = math.nextafter(lpl, -math.inf)
    assert analyse(values, target=below).assurance_type == spc.ASSURANCE_PASS
    assert analyse(values, target=below, improvement_direction="neutral").assurance_type is None


@pytest.mark.parametrize(("n", "short"), [(1, True), (6, True), (12, True), (13, False)])
def test_short_group_warning(n: int, short: bool) -> None:
    assert analyse([float(i % 3) for i in range(n)]).short_group_warning is short


def test_short_group_warning_when_any_rebase_group_is_short() -> None:
    values = [float(i % 3) for i in range(30)]
    assert analyse(values, rebase_at_index=[15]).short_group_warning is False
    result = analyse(values, rebase_at_index=[20])
    assert [g.short_group_warning for g in result.groups] == [False, True]
    assert result.short_group_warning is True


def test_missing_values_are_dropped_not_zeroed() -> None:
    result = analyse([1, None, 3, math.nan, 2, 5, 4])
    plain = analyse([1, 3, 2, 5, 4])
    assert result.groups == plain.groups
    assert result.special_cause_type == plain.special_cause_type
    assert result.values == (1, 3, 2, 5, 4)
    assert result.source_index == (0, 2, 4, 5, 6)


def test_empty_and_all_missing_input() -> None:
    for values in ([], [None, math.nan]):
        result = analyse(values, target=3.0)
        assert result.groups == ()
        assert result.special_cause_type == result.point_type == ()
        assert result.variation_icon is None
        assert result.assurance_type is None
        assert result.short_group_warning is False
        assert result.mean is result.lpl is result.upl is None


def test_single_point_has_no_limits_and_no_signal() -> None:
    result = analyse([4.0], target=3.0)
    (group,) = result.groups
    assert group.mean == 4
    assert math.isnan(group.mr_bar) and math.isnan(group.upl) and math.isnan(group.lpl)
    assert result.special_cause_type == (spc.COMMON_CAUSE_TYPE,)
    assert result.variation_icon == spc.ICON_COMMON_CAUSE
    assert result.assurance_type is None


def test_rebase_groups_are_independent() -> None:
    # Four points above the first group's mean then three above the second's: seven in a row
    # above "a" mean, but rules never cross a rebase, so no shift.
    first = [0, 10, 0, 10, 0, 10, 0, 6, 6, 6, 6]
    second = [106, 106, 106, 100, 110, 100, 110, 100, 110, 100]
    result = analyse(first + second, rebase_at_index=[len(first)])
    alone_first, alone_second = analyse(first), analyse(second)
    assert [(g.start_index, g.end_index) for g in result.groups] == [(0, 10), (11, 20)]
    assert result.groups[0] == alone_first.groups[0]
    assert result.groups[1].mean == alone_second.groups[0].mean
    assert result.groups[1].upl == alone_second.groups[0].upl
    assert result.special_cause_type == (
        alone_first.special_cause_type + alone_second.special_cause_type
    )
    assert (result.mean, result.upl) == (alone_second.mean, alone_second.upl)
    assert spc.SHIFT_ABOVE not in result.special_cause_type


def test_rebase_index_refers_to_the_input_and_skips_missing_values() -> None:
    result = analyse([1, 2, 3, None, 5, 6, 7], rebase_at_index=[3])
    assert [(g.start_index, g.end_index) for g in result.groups] == [(0, 2), (3, 5)]
    # 0 and duplicates change nothing; a rebase with nothing present after it is ignored.
    assert len(analyse([1, 2, 3], rebase_at_index=[0, 0]).groups) == 1
    assert len(analyse([1, 2, None], rebase_at_index=[2]).groups) == 1


def test_fix_after_n_points_freezes_the_limits() -> None:
    result = analyse([1, 3, 2, 5, 4, 100, 100], fix_after_n_points=5)
    (group,) = result.groups
    assert (group.mean, group.mr_bar) == (3, 1.75)
    assert result.special_cause_type[-2:] == (spc.ABOVE_UCL, spc.ABOVE_UCL)
    assert result.variation_icon == spc.ICON_IMPROVEMENT_HIGH


def test_trend_direction_comes_from_the_trend_not_the_next_step() -> None:
    # Deliberate difference from NHSRplotthedots: R labels the 17 (end of the first rising trend,
    # index 14) "Decreasing" because the very next step falls; it only belongs to a rising trend.
    # The 0/40 noise makes the limits wide (-32.9 .. 65.9) so only the trend rule is in play.
    rising_twice = [11, 12, 13, 14, 15, 16, 17, 10, 11, 12, 13, 14, 15, 16]
    labels = analyse([0, 40] * 4 + rising_twice + [0, 40] * 2).special_cause_type
    assert labels[8:22] == (spc.TREND_INCREASING,) * 14
    assert labels[:8] == (spc.COMMON_CAUSE_TYPE,) * 8


def test_peak_shared_by_two_trends_takes_the_later_direction() -> None:
    peak = [11, 12, 13, 14, 15, 16, 17, 16, 15, 14, 13, 12, 11]
    labels = analyse([0, 40] * 4 + peak + [40, 0] * 2).special_cause_type
    # The 17 (index 14) ends the rise and starts the fall: the later trend names it.
    assert labels[8:14] == (spc.TREND_INCREASING,) * 6
    assert labels[14:21] == (spc.TREND_DECREASING,) * 7
    assert labels[21:] == (spc.COMMON_CAUSE_TYPE,) * 4


def test_icons_follow_the_last_point() -> None:
    base = [10, 11, 10, 9] * 4
    assert analyse([*base, 20], improvement_direction="decrease").variation_icon == (
        spc.ICON_CONCERN_HIGH
    )
    assert analyse([*base, 0], improvement_direction="decrease").variation_icon == (
        spc.ICON_IMPROVEMENT_LOW
    )
    assert analyse([*base, 0], improvement_direction="increase").variation_icon == (
        spc.ICON_CONCERN_LOW
    )
    assert analyse([*base, 20], improvement_direction="neutral").variation_icon == (
        spc.ICON_NEUTRAL_HIGH
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"improvement_direction": "up"},
        {"run_length": 1},
        {"trend_length": 1},
        {"rebase_at_index": [-1]},
        {"rebase_at_index": [5]},
        {"fix_after_n_points": 1},
    ],
)
def test_invalid_arguments_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        analyse([1, 2, 3, 4, 5], **kwargs)


def test_infinite_value_raises() -> None:
    with pytest.raises(ValueError, match="infinite"):
        analyse([1, math.inf, 3])


def test_results_are_frozen() -> None:
    result = analyse([1, 2, 3])
    with pytest.raises(AttributeError):
        result.variation_icon = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.groups[0].mean = 0.0  # type: ignore[misc]


# --- Properties --------------------------------------------------------------------------------

# Bounded, no NaN, no subnormals: scaling by 2**-4 must stay exact.
_value = st.one_of(
    st.integers(-(10**6), 10**6).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False).filter(
        lambda x: x == 0 or abs(x) >= 1e-6
    ),
)


@st.composite
def _segment(draw: st.DrawFn) -> list[float]:
    """A stretch shaped to provoke signals: noise, a strict rise or fall, or a level shift."""
    kind = draw(st.sampled_from(["noise", "rise", "fall", "level"]))
    length = draw(st.integers(1, 10))
    start = draw(st.integers(-1000, 1000))
    if kind == "noise":
        return [float(v) for v in draw(st.lists(st.integers(-50, 50), min_size=length))]
    if kind == "level":
        noise = draw(st.lists(st.integers(-3, 3), min_size=length, max_size=length))
        return [float(start + v) for v in noise]
    steps = draw(st.lists(st.integers(1, 30), min_size=length, max_size=length))
    sign = 1 if kind == "rise" else -1
    out, y = [], start
    for step in steps:
        y += sign * step
        out.append(float(y))
    return out


_structured = st.lists(_segment(), max_size=8).map(lambda parts: sum(parts, [])[:40])
series = st.one_of(st.lists(_value, max_size=40), _structured)
directions = st.sampled_from(spc.IMPROVEMENT_DIRECTIONS)

_SWAP_POINT = {
    spc.SPECIAL_CAUSE_IMPROVEMENT: spc.SPECIAL_CAUSE_CONCERN,
    spc.SPECIAL_CAUSE_CONCERN: spc.SPECIAL_CAUSE_IMPROVEMENT,
}
_SWAP_ICON = {
    spc.ICON_IMPROVEMENT_HIGH: spc.ICON_CONCERN_HIGH,
    spc.ICON_IMPROVEMENT_LOW: spc.ICON_CONCERN_LOW,
    spc.ICON_CONCERN_HIGH: spc.ICON_IMPROVEMENT_HIGH,
    spc.ICON_CONCERN_LOW: spc.ICON_IMPROVEMENT_LOW,
}
_SWAP_ASSURANCE = {spc.ASSURANCE_PASS: spc.ASSURANCE_FAIL, spc.ASSURANCE_FAIL: spc.ASSURANCE_PASS}
_FLIP_TREND = {
    spc.TREND_INCREASING: spc.TREND_DECREASING,
    spc.TREND_DECREASING: spc.TREND_INCREASING,
}


def _same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _same_limits(a: SpcGroup, b: SpcGroup, scale: float = 1.0) -> bool:
    fields = ("mean", "lpl", "upl", "mr_bar", "upper_two_sigma", "lower_two_sigma")
    return all(_same_float(getattr(a, f) * scale, getattr(b, f)) for f in fields)


@settings(max_examples=200, deadline=None)
@given(
    level=_value,
    n=st.integers(0, 40),
    direction=directions,
    screen=st.booleans(),
)
def test_constant_series_has_no_special_cause(
    level: float, n: int, direction: str, screen: bool
) -> None:
    result = analyse([level] * n, improvement_direction=direction, screen_outliers=screen)
    assert result.special_cause_type == (spc.COMMON_CAUSE_TYPE,) * n
    assert result.point_type == (spc.COMMON_CAUSE,) * n
    assert result.variation_icon == (spc.ICON_COMMON_CAUSE if n else None)


@settings(max_examples=200, deadline=None)
@given(
    values=series,
    k=st.integers(-4, 4),
    direction=directions,
    screen=st.booleans(),
    target=st.none() | _value,
)
def test_power_of_two_scaling_changes_no_label(
    values: list[float], k: int, direction: str, screen: bool, target: float | None
) -> None:
    scale = 2.0**k
    original = analyse(
        values, improvement_direction=direction, screen_outliers=screen, target=target
    )
    scaled = analyse(
        [v * scale for v in values],
        improvement_direction=direction,
        screen_outliers=screen,
        target=None if target is None else target * scale,
    )
    assert scaled.special_cause_type == original.special_cause_type
    assert scaled.point_type == original.point_type
    assert scaled.variation_icon == original.variation_icon
    assert scaled.assurance_type == original.assurance_type
    # Scaling by a power of two is exact, so the limits scale exactly too.
    assert all(_same_limits(a, b, scale) for a, b in zip(original.groups, scaled.groups))


@settings(max_examples=200, deadline=None)
@given(values=series, screen=st.booleans(), target=st.none() | _value)
def test_flipping_direction_swaps_improvement_and_concern(
    values: list[float], screen: bool, target: float | None
) -> None:
    up = analyse(values, improvement_direction="increase", screen_outliers=screen, target=target)
    down = analyse(values, improvement_direction="decrease", screen_outliers=screen, target=target)
    assert down.special_cause_type == up.special_cause_type
    assert down.point_type == tuple(_SWAP_POINT.get(p, p) for p in up.point_type)
    assert down.variation_icon == _SWAP_ICON.get(up.variation_icon, up.variation_icon)
    assert down.assurance_type == _SWAP_ASSURANCE.get(up.assurance_type, up.assurance_type)


def _strict_run(values: list[float], i: int, step: int, sign: int) -> int:
    """Points in the strictly monotone (sign) stretch from i walking by step (-1 back, +1 on)."""
    length, j = 1, i
    while 0 <= j + step < len(values) and (values[j + step] - values[j]) * step * sign > 0:
        length, j = length + 1, j + step
    return length


def _turning_point_of_two_trends(values: list[float], i: int, trend_length: int = 7) -> bool:
    """True when i ends a trend one way and starts a trend the other way (peak or trough)."""
    return any(
        _strict_run(values, i, -1, sign) >= trend_length
        and _strict_run(values, i, +1, -sign) >= trend_length
        for sign in (1, -1)
    )


@settings(max_examples=200, deadline=None)
@given(values=series, screen=st.booleans(), direction=directions)
def test_reversal_keeps_limits_and_flips_trends(
    values: list[float], screen: bool, direction: str
) -> None:
    """Reversing a (single-group) series keeps the mean and the multiset of moving ranges, so
    the limits are identical and outside-limit, two-in-three and shift labels map over point for
    point. Trend membership maps over too, with the direction flipped - except at a peak or trough
    shared by a rising and a falling trend, where the later trend wins in both orders and so the
    label stays the same."""
    forward = analyse(values, screen_outliers=screen, improvement_direction=direction)
    backward = analyse(values[::-1], screen_outliers=screen, improvement_direction=direction)
    assert all(_same_limits(a, b) for a, b in zip(forward.groups, backward.groups))
    n = len(values)
    for i, label in enumerate(forward.special_cause_type):
        mirrored = backward.special_cause_type[n - 1 - i]
        if label in TRENDS and not _turning_point_of_two_trends(values, i):
            assert mirrored == _FLIP_TREND[label], i
        else:
            assert mirrored == label, i


@settings(max_examples=200, deadline=None)
@given(
    values=series.filter(lambda v: len(v) >= 4),
    screen=st.booleans(),
    high=st.booleans(),
)
def test_appending_a_far_value_signals_outside_the_limits(
    values: list[float], screen: bool, high: bool
) -> None:
    """A point 100 data-ranges beyond the data is outside the limits it helps to set, for any
    series of four or more points. (With fewer, its own moving range can widen the unscreened
    limits past it: for 2 points mean and MR-bar are both dominated by the new point.) Bound:
    n >= 4 points then the jump gives far - mean >= 80 (R + 1), while 2.66 x MR-bar <= 70 (R + 1)
    unscreened, and screening only lowers MR-bar."""
    spread = max(values) - min(values) + 1
    far = max(values) + 100 * spread if high else min(values) - 100 * spread
    result = analyse([*values, far], screen_outliers=screen, improvement_direction="increase")
    assert result.special_cause_type[-1] == (spc.ABOVE_UCL if high else spc.BELOW_LCL)
    assert result.variation_icon == (spc.ICON_IMPROVEMENT_HIGH if high else spc.ICON_CONCERN_LOW)


@settings(max_examples=200, deadline=None)
@given(first=series.filter(bool), second=series.filter(bool), screen=st.booleans())
def test_rebase_is_the_same_as_analysing_each_part(
    first: list[float], second: list[float], screen: bool
) -> None:
    whole = analyse(first + second, rebase_at_index=[len(first)], screen_outliers=screen)
    parts = [analyse(first, screen_outliers=screen), analyse(second, screen_outliers=screen)]
    assert whole.special_cause_type == parts[0].special_cause_type + parts[1].special_cause_type
    assert _same_limits(whole.groups[0], parts[0].groups[0])
    assert _same_limits(whole.groups[1], parts[1].groups[0])
    assert whole.groups[1].start_index == len(first)
