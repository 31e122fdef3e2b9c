"""XmR statistical process control as NHS England's "Making Data Count" (MDC) does it.

This is the plain, readable reference. It follows shared/spc/README.md (kept beside the
repository), which describes the R package NHSRplotthedots (v0.2.2, the reference implementation
behind the acceptance vectors in shared/spc/vectors.json). A vectorised Polars path is checked
against this module, so the code favours obviousness over speed.

The method in brief (per rebase group; no rule looks across a group boundary):

* centre line: the mean of the group (of its first ``fix_after_n_points`` only, when set);
* moving ranges MRᵢ = |yᵢ − yᵢ₋₁| and their mean MR̄; with screening (the R default) moving
  ranges of 3.267 × MR̄ or more are dropped and MR̄ recomputed once;
* process limits mean ± 2.66 × MR̄, and "two sigma" lines mean ± (2 × 2.66 / 3) × MR̄;
* each point takes the first special-cause rule that applies: outside the limits, trend,
  two in three, shift — else common cause.

Deliberate differences from the R code, all on inputs the acceptance vectors do not cover:

* a constant group (MR̄ = 0) is not screened (README rule); R would screen every moving range away
  and produce NaN limits;
* a point belonging to a trend is labelled with that trend's direction. R reads the direction
  from the neighbouring difference, which mislabels the last point of a trend that is directly
  followed by a separate trend starting one point later (e.g. 1..7 then 0..6 labels the 7 as
  "Decreasing"). Where one point is shared by a rising and a falling trend (a peak or trough),
  the later trend's direction wins, as in R;
* a group too small to have a moving range (one point) gets NaN limits, no signals, and no
  assurance verdict rather than R's NA-driven "inconsistent".
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "ABOVE_UCL",
    "ASSURANCE_FAIL",
    "ASSURANCE_INCONSISTENT",
    "ASSURANCE_PASS",
    "ASSURANCE_TYPES",
    "BELOW_LCL",
    "COMMON_CAUSE",
    "COMMON_CAUSE_TYPE",
    "DECREASE",
    "DEFAULT_RUN_LENGTH",
    "DEFAULT_TREND_LENGTH",
    "ICON_COMMON_CAUSE",
    "ICON_CONCERN_HIGH",
    "ICON_CONCERN_LOW",
    "ICON_IMPROVEMENT_HIGH",
    "ICON_IMPROVEMENT_LOW",
    "ICON_NEUTRAL_HIGH",
    "ICON_NEUTRAL_LOW",
    "IMPROVEMENT_DIRECTIONS",
    "INCREASE",
    "LIMIT_MULTIPLIER",
    "MR_SCREEN_MULTIPLIER",
    "NEUTRAL",
    "POINT_TYPES",
    "SHIFT_ABOVE",
    "SHIFT_BELOW",
    "SHORT_GROUP_THRESHOLD",
    "SPECIAL_CAUSE_CONCERN",
    "SPECIAL_CAUSE_IMPROVEMENT",
    "SPECIAL_CAUSE_NEUTRAL_HIGH",
    "SPECIAL_CAUSE_NEUTRAL_LOW",
    "SPECIAL_CAUSE_TYPES",
    "TREND_DECREASING",
    "TREND_INCREASING",
    "TWO_IN_THREE_ABOVE",
    "TWO_IN_THREE_BELOW",
    "TWO_SIGMA_MULTIPLIER",
    "VARIATION_ICONS",
    "SpcGroup",
    "SpcResult",
    "analyse",
    "group_limits",
    "point_type_for",
    "special_cause_types",
]

# --- Constants of the method -------------------------------------------------------------------

LIMIT_MULTIPLIER = 2.66
# Written exactly as R computes it (2 * (limit / 3)) so strict comparisons against the two-sigma
# line agree with the reference to the last bit.
TWO_SIGMA_MULTIPLIER = 2 * (LIMIT_MULTIPLIER / 3)
MR_SCREEN_MULTIPLIER = 3.267
# Groups with fewer points than this have trial limits only (NHSRplotthedots' default).
SHORT_GROUP_THRESHOLD = 13
DEFAULT_RUN_LENGTH = 7
DEFAULT_TREND_LENGTH = 7
# The two-in-three rule is defined on windows of exactly three points, two of them signalling.
_TWO_IN_THREE_WINDOW = 3
_TWO_IN_THREE_NEEDED = 2

# --- Vocabulary (exactly the strings of vectors.json) -----------------------------------------

INCREASE = "increase"
DECREASE = "decrease"
NEUTRAL = "neutral"
IMPROVEMENT_DIRECTIONS = (INCREASE, DECREASE, NEUTRAL)

# special_cause_type: the rule that flagged a point. The names are MDC's and are kept even when
# run_length/trend_length differ from 7: they name the rule, not the count.
ABOVE_UCL = "Above UCL"
BELOW_LCL = "Below LCL"
TREND_INCREASING = "7 Point Trend (Increasing)"
TREND_DECREASING = "7 Point Trend (Decreasing)"
TWO_IN_THREE_ABOVE = "2 in 3 Above CL"
TWO_IN_THREE_BELOW = "2 in 3 Below CL"
SHIFT_ABOVE = "7 Points Above CL"
SHIFT_BELOW = "7 Points Below CL"
COMMON_CAUSE_TYPE = "Common Cause"
SPECIAL_CAUSE_TYPES = (
    ABOVE_UCL,
    BELOW_LCL,
    TREND_INCREASING,
    TREND_DECREASING,
    TWO_IN_THREE_ABOVE,
    TWO_IN_THREE_BELOW,
    SHIFT_ABOVE,
    SHIFT_BELOW,
    COMMON_CAUSE_TYPE,
)

# point_type: what the signal means given the improvement direction.
COMMON_CAUSE = "common_cause"
SPECIAL_CAUSE_IMPROVEMENT = "special_cause_improvement"
SPECIAL_CAUSE_CONCERN = "special_cause_concern"
SPECIAL_CAUSE_NEUTRAL_HIGH = "special_cause_neutral_high"
SPECIAL_CAUSE_NEUTRAL_LOW = "special_cause_neutral_low"
POINT_TYPES = (
    COMMON_CAUSE,
    SPECIAL_CAUSE_IMPROVEMENT,
    SPECIAL_CAUSE_CONCERN,
    SPECIAL_CAUSE_NEUTRAL_HIGH,
    SPECIAL_CAUSE_NEUTRAL_LOW,
)

# variation_icon: read off the last point.
ICON_COMMON_CAUSE = "common_cause"
ICON_IMPROVEMENT_HIGH = "improvement_high"
ICON_IMPROVEMENT_LOW = "improvement_low"
ICON_CONCERN_HIGH = "concern_high"
ICON_CONCERN_LOW = "concern_low"
ICON_NEUTRAL_HIGH = "neutral_high"
ICON_NEUTRAL_LOW = "neutral_low"
VARIATION_ICONS = (
    ICON_COMMON_CAUSE,
    ICON_IMPROVEMENT_HIGH,
    ICON_IMPROVEMENT_LOW,
    ICON_CONCERN_HIGH,
    ICON_CONCERN_LOW,
    ICON_NEUTRAL_HIGH,
    ICON_NEUTRAL_LOW,
)

ASSURANCE_PASS = "consistent_pass"
ASSURANCE_FAIL = "consistent_fail"
ASSURANCE_INCONSISTENT = "inconsistent"
ASSURANCE_TYPES = (ASSURANCE_PASS, ASSURANCE_FAIL, ASSURANCE_INCONSISTENT)

# Which side of the centre line (or which way) each signal points: +1 high, -1 low.
_LABEL_SIDE: dict[str, int] = {
    ABOVE_UCL: 1,
    TREND_INCREASING: 1,
    TWO_IN_THREE_ABOVE: 1,
    SHIFT_ABOVE: 1,
    BELOW_LCL: -1,
    TREND_DECREASING: -1,
    TWO_IN_THREE_BELOW: -1,
    SHIFT_BELOW: -1,
    COMMON_CAUSE_TYPE: 0,
}
# +1 when higher is better, -1 when lower is better, 0 when neither.
_ORIENTATION: dict[str, int] = {INCREASE: 1, DECREASE: -1, NEUTRAL: 0}
_ICON_FOR: dict[tuple[str, int], str] = {
    (SPECIAL_CAUSE_IMPROVEMENT, 1): ICON_IMPROVEMENT_HIGH,
    (SPECIAL_CAUSE_IMPROVEMENT, -1): ICON_IMPROVEMENT_LOW,
    (SPECIAL_CAUSE_CONCERN, 1): ICON_CONCERN_HIGH,
    (SPECIAL_CAUSE_CONCERN, -1): ICON_CONCERN_LOW,
    (SPECIAL_CAUSE_NEUTRAL_HIGH, 1): ICON_NEUTRAL_HIGH,
    (SPECIAL_CAUSE_NEUTRAL_LOW, -1): ICON_NEUTRAL_LOW,
}


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpcGroup:
    """One rebase group: a run of points sharing a centre line and process limits.

    ``start_index`` and ``end_index`` are inclusive positions in ``SpcResult.values`` (the points
    left after missing values are dropped). ``mr_bar`` is the (screened) mean moving range the
    limits are built from; it and every limit are NaN when the group has no moving range at all
    (a single point).
    """

    start_index: int
    end_index: int
    mean: float
    lpl: float
    upl: float
    mr_bar: float
    upper_two_sigma: float
    lower_two_sigma: float

    @property
    def n_points(self) -> int:
        return self.end_index - self.start_index + 1

    @property
    def short_group_warning(self) -> bool:
        """True when the limits are trial limits: too few points to rely on."""
        return self.n_points < SHORT_GROUP_THRESHOLD


@dataclass(frozen=True)
class SpcResult:
    """The outcome of :func:`analyse`.

    Every per-point tuple (``special_cause_type``, ``point_type``, ``values``, ``source_index``)
    describes the points that remained after missing values were dropped, in order;
    ``source_index[i]`` is where point ``i`` sat in the sequence given to :func:`analyse`.
    """

    groups: tuple[SpcGroup, ...]
    special_cause_type: tuple[str, ...]
    point_type: tuple[str, ...]
    # None only when there is no point at all: "common cause" would claim a stable process
    # that nothing has been measured for.
    variation_icon: str | None
    assurance_type: str | None
    short_group_warning: bool
    values: tuple[float, ...] = ()
    source_index: tuple[int, ...] = ()

    @property
    def mean(self) -> float | None:
        """Centre line of the last group (what a chart's current limits show); None if empty."""
        return self.groups[-1].mean if self.groups else None

    @property
    def lpl(self) -> float | None:
        """Lower process limit of the last group; None if empty."""
        return self.groups[-1].lpl if self.groups else None

    @property
    def upl(self) -> float | None:
        """Upper process limit of the last group; None if empty."""
        return self.groups[-1].upl if self.groups else None


# --- The calculation ---------------------------------------------------------------------------


def _mean(xs: Sequence[float]) -> float:
    # Exact sum, one rounding: R's mean() is (to within its long-double accuracy) correctly
    # rounded, and a correctly rounded mean does not depend on the order of the points, so a point
    # that sits exactly on the centre line is recognised as on it however the data were summed.
    # (A vectorised path that sums in floating point may differ in the last bit: compare limits
    # with a tolerance.)
    return float(sum(map(Fraction, xs), Fraction(0)) / len(xs))


def group_limits(
    values: Sequence[float],
    *,
    start_index: int = 0,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
) -> SpcGroup:
    """Centre line, mean moving range and limits for one group of (non-missing) values.

    Exposed so that a vectorised implementation can reuse or cross-check the limit arithmetic.
    ``values`` must be non-empty and free of missing values; ``start_index`` only positions the
    returned group. With ``fix_after_n_points`` the mean and the moving ranges come from the first
    that many points only (the limits are "frozen" on a baseline period).
    """
    if not values:
        raise ValueError("group_limits needs at least one value")
    baseline = list(values if fix_after_n_points is None else values[:fix_after_n_points])
    mean = _mean(baseline)
    moving_ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:])]
    if moving_ranges:
        mr_bar = _mean(moving_ranges)
        # Screening drops the big jumps that an outlier makes on both sides of itself, so one
        # astronomical point does not widen the limits that are meant to catch it. A constant
        # group (MR̄ = 0) is left alone: every range would be screened away and MR̄ undefined.
        if screen_outliers and mr_bar > 0:
            kept = [mr for mr in moving_ranges if mr < MR_SCREEN_MULTIPLIER * mr_bar]
            mr_bar = _mean(kept)
    else:
        mr_bar = math.nan
    return SpcGroup(
        start_index=start_index,
        end_index=start_index + len(values) - 1,
        mean=mean,
        lpl=mean - LIMIT_MULTIPLIER * mr_bar,
        upl=mean + LIMIT_MULTIPLIER * mr_bar,
        mr_bar=mr_bar,
        upper_two_sigma=mean + TWO_SIGMA_MULTIPLIER * mr_bar,
        lower_two_sigma=mean - TWO_SIGMA_MULTIPLIER * mr_bar,
    )


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _maximal_runs(keys: Sequence[int], min_length: int) -> list[tuple[int, int, int]]:
    """(start, end inclusive, key) of each maximal run of equal non-zero keys of min_length+."""
    runs = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0 and i - start >= min_length:
                runs.append((start, i - 1, keys[start]))
            start = i
    return runs


def special_cause_types(
    values: Sequence[float],
    group: SpcGroup,
    *,
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int = DEFAULT_TREND_LENGTH,
) -> list[str]:
    """The special-cause label of each point of one group, given that group's limits.

    ``values`` are the group's own points (already free of missing values). Comparisons are
    strict throughout, and NaN limits (a one-point group) simply never compare true, so only
    rules that need no limits could fire.
    """
    n = len(values)
    side = [_sign(y - group.mean) for y in values]

    outside = [y > group.upl or y < group.lpl for y in values]

    # Trend: trend_length points each strictly beyond the one before. A point is in such a
    # window exactly when it lies in a maximal strictly monotone stretch that long. Runs are
    # laid down in order, so at a peak or trough shared by a rising and a falling trend the
    # later trend's direction is the one that stays (as in the reference).
    steps = [_sign(b - a) for a, b in zip(values, values[1:])]
    trend: list[str | None] = [None] * n
    for start, end, step in _maximal_runs(steps, trend_length - 1):
        label = TREND_INCREASING if step > 0 else TREND_DECREASING
        # steps[k] is the step from point k to point k + 1, so the points run to end + 1.
        for i in range(start, end + 2):
            trend[i] = label

    # Two in three: in three consecutive points all strictly on one side of the mean, two or more
    # lie beyond the two-sigma line yet inside the limits. Points beyond the limit do not count
    # (they are already signals in their own right, v0.2.2 behaviour); only the near-limit points
    # are labelled, not their partner.
    near = [
        not outside[i] and (y > group.upper_two_sigma or y < group.lower_two_sigma)
        for i, y in enumerate(values)
    ]
    two_in_three = [False] * n
    for w in range(n - _TWO_IN_THREE_WINDOW + 1):
        window = range(w, w + _TWO_IN_THREE_WINDOW)
        one_side = side[w] != 0 and all(side[i] == side[w] for i in window)
        if one_side and sum(near[i] for i in window) >= _TWO_IN_THREE_NEEDED:
            for i in window:
                two_in_three[i] = two_in_three[i] or near[i]

    # Shift: run_length points strictly on one side of the mean; a point on the mean breaks it.
    shift = [False] * n
    for start, end, _ in _maximal_runs(side, run_length):
        for i in range(start, end + 1):
            shift[i] = True

    labels = []
    for i in range(n):
        if outside[i]:
            labels.append(ABOVE_UCL if side[i] > 0 else BELOW_LCL)
        elif trend[i] is not None:
            labels.append(trend[i])
        elif two_in_three[i]:
            labels.append(TWO_IN_THREE_ABOVE if side[i] > 0 else TWO_IN_THREE_BELOW)
        elif shift[i]:
            labels.append(SHIFT_ABOVE if side[i] > 0 else SHIFT_BELOW)
        else:
            labels.append(COMMON_CAUSE_TYPE)
    return labels


def point_type_for(special_cause_type: str, improvement_direction: str) -> str:
    """Turn a special-cause label into improvement / concern / neutral high-low / common cause."""
    side = _LABEL_SIDE[special_cause_type]
    orientation = _ORIENTATION[improvement_direction]
    if side == 0:
        return COMMON_CAUSE
    if orientation == 0:
        return SPECIAL_CAUSE_NEUTRAL_HIGH if side > 0 else SPECIAL_CAUSE_NEUTRAL_LOW
    return SPECIAL_CAUSE_IMPROVEMENT if side * orientation > 0 else SPECIAL_CAUSE_CONCERN


def _assurance(group: SpcGroup, target: float | None, improvement_direction: str) -> str | None:
    if target is None or improvement_direction == NEUTRAL or math.isnan(group.mr_bar):
        return None
    higher_is_better = improvement_direction == INCREASE
    # Strict on both sides: a target exactly on a limit is still hit and miss.
    if target > group.upl:
        return ASSURANCE_FAIL if higher_is_better else ASSURANCE_PASS
    if target < group.lpl:
        return ASSURANCE_PASS if higher_is_better else ASSURANCE_FAIL
    return ASSURANCE_INCONSISTENT


def _drop_missing(values: Iterable[float | None]) -> tuple[list[float], list[int]]:
    kept: list[float] = []
    positions: list[int] = []
    for position, raw in enumerate(values):
        if raw is None:
            continue
        y = float(raw)
        if math.isnan(y):
            continue
        if math.isinf(y):
            raise ValueError(f"values[{position}] is infinite; SPC needs finite values")
        kept.append(y)
        positions.append(position)
    return kept, positions


def analyse(
    values: Iterable[float | None],
    *,
    improvement_direction: str = INCREASE,
    target: float | None = None,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
    rebase_at_index: Iterable[int] = (),
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int = DEFAULT_TREND_LENGTH,
) -> SpcResult:
    """Run an MDC XmR chart over ``values`` (in time order) and label every point.

    Args:
        values: the series, oldest first. ``None`` and NaN are missing values: they are dropped
            before anything is calculated (never treated as zero), and the result describes the
            remaining points only, in order. ``SpcResult.source_index`` maps each of them back
            to its position in ``values``; group ``start_index``/``end_index`` count remaining
            points too.
        improvement_direction: ``"increase"`` (higher is better), ``"decrease"`` or
            ``"neutral"``.
        target: the value the measure should reach, for the assurance verdict. None (or NaN)
            means no target.
        screen_outliers: drop moving ranges of 3.267 × MR̄ or more before setting the limits
            (NHSRplotthedots' default); False reproduces the MDC Excel tool.
        fix_after_n_points: compute each group's mean and MR̄ from its first n points only.
        rebase_at_index: positions in ``values`` (0-based, as given, counting missing entries)
            where a new group starts. A rebase that lands on a missing value starts the group at
            the next present point; one with no present point after it is ignored; 0 and
            duplicates change nothing.
        run_length: points on one side of the mean that make a shift (7).
        trend_length: points in a strictly monotone trend (7).

    Returns:
        An :class:`SpcResult`. Empty input (or nothing but missing values) gives no groups,
        empty label tuples, ``variation_icon`` and ``assurance_type`` None and no short-group
        warning: there is nothing to show, which is not the same as a stable process.

    Raises:
        ValueError: unknown improvement direction, run/trend length below 2,
            ``fix_after_n_points`` below 2, a rebase index outside ``values``, or an infinite
            value.
    """
    if improvement_direction not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(
            f"improvement_direction must be one of {', '.join(IMPROVEMENT_DIRECTIONS)};"
            f" got {improvement_direction!r}"
        )
    if run_length < 2:
        raise ValueError(f"run_length must be at least 2; got {run_length}")
    if trend_length < 2:
        raise ValueError(f"trend_length must be at least 2; got {trend_length}")
    if fix_after_n_points is not None and fix_after_n_points < 2:
        raise ValueError(
            "fix_after_n_points must be None or at least 2 (a moving range needs two points);"
            f" got {fix_after_n_points}"
        )
    values = list(values)
    rebases = sorted({operator.index(index) for index in rebase_at_index})
    for index in rebases:
        if not 0 <= index < len(values):
            raise ValueError(
                f"rebase index {index} is outside the series (valid: 0..{len(values) - 1})"
            )
    if target is not None and math.isnan(target):
        target = None

    ys, source_index = _drop_missing(values)
    if not ys:
        return SpcResult(
            groups=(),
            special_cause_type=(),
            point_type=(),
            variation_icon=None,
            assurance_type=None,
            short_group_warning=False,
        )

    # Translate rebase positions (in the input) into group starts (among the present points).
    starts = sorted({0} | {bisect_left(source_index, index) for index in rebases})
    starts = [s for s in starts if s < len(ys)]
    bounds = list(zip(starts, [*starts[1:], len(ys)]))

    groups: list[SpcGroup] = []
    labels: list[str] = []
    for start, stop in bounds:
        group_values = ys[start:stop]
        group = group_limits(
            group_values,
            start_index=start,
            screen_outliers=screen_outliers,
            fix_after_n_points=fix_after_n_points,
        )
        groups.append(group)
        labels.extend(
            special_cause_types(
                group_values, group, run_length=run_length, trend_length=trend_length
            )
        )

    point_types = [point_type_for(label, improvement_direction) for label in labels]
    last_type = point_types[-1]
    icon = (
        ICON_COMMON_CAUSE
        if last_type == COMMON_CAUSE
        else _ICON_FOR[(last_type, _LABEL_SIDE[labels[-1]])]
    )
    return SpcResult(
        groups=tuple(groups),
        special_cause_type=tuple(labels),
        point_type=tuple(point_types),
        variation_icon=icon,
        assurance_type=_assurance(groups[-1], target, improvement_direction),
        short_group_warning=any(g.short_group_warning for g in groups),
        values=tuple(ys),
        source_index=tuple(source_index),
    )
