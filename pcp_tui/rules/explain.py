"""One plain-English sentence for each status and alert, with the evidence in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pcp_tui.framework import OPERATORS, Milestone, Threshold, Trajectory
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.significance import critical_z, p_text

if TYPE_CHECKING:
    from pcp_tui.framework import Settings
    from pcp_tui.periods import Quarter
    from pcp_tui.rules.status import KpiStatus, SpcSummary

SPECIAL_CAUSE_WORDS = {
    spc_plain.ABOVE_UCL: "the latest quarter is above the upper process limit",
    spc_plain.BELOW_LCL: "the latest quarter is below the lower process limit",
    spc_plain.TREND_INCREASING: "the latest quarter continues a run of rising quarters",
    spc_plain.TREND_DECREASING: "the latest quarter continues a run of falling quarters",
    spc_plain.TWO_IN_THREE_ABOVE: "two of the last three quarters lie close to the upper limit",
    spc_plain.TWO_IN_THREE_BELOW: "two of the last three quarters lie close to the lower limit",
    spc_plain.SHIFT_ABOVE: "the latest quarter extends a run of quarters above the mean",
    spc_plain.SHIFT_BELOW: "the latest quarter extends a run of quarters below the mean",
}
COMMITMENT_WORDS = {
    "complete": "complete",
    "in-progress": "in progress",
    "at-risk": "at risk",
    "not-started": "not started",
}
TRAJECTORY_VERBS = {
    "decrease": "reduce",
    "increase": "increase",
    "not-decrease": "no lower than the baseline",
    "not-increase": "no higher than the baseline",
}


def _pct(value: float) -> str:
    return f"{abs(value):.0f}%" if abs(value) >= 10 else f"{abs(value):.1f}%"


def _force_name(status: KpiStatus, settings: Settings) -> str:
    return settings.forces[status.force].name


# the same signals, read on the change from one quarter to the next
INCREMENT_WORDS = {
    spc_plain.ABOVE_UCL: "the latest quarter's change is above the upper process limit",
    spc_plain.BELOW_LCL: "the latest quarter's change is below the lower process limit",
    spc_plain.TREND_INCREASING: "the latest quarter's change continues a run of growing changes",
    spc_plain.TREND_DECREASING: "the latest quarter's change continues a run of shrinking "
                                "changes",
    spc_plain.TWO_IN_THREE_ABOVE: "two of the last three changes lie close to the upper limit",
    spc_plain.TWO_IN_THREE_BELOW: "two of the last three changes lie close to the lower limit",
    spc_plain.SHIFT_ABOVE: "the latest quarter's change extends a run of changes above the mean",
    spc_plain.SHIFT_BELOW: "the latest quarter's change extends a run of changes below the mean",
}
SURVEY_SPC_WORDS = "no control limits on survey estimates"
NO_SPC_WORDS = "no control limits: SPC is off for this KPI (spc = \"none\")"
ON_INCREMENTS = "on the change from quarter to quarter"


def spc_phrase(status: KpiStatus) -> str:
    """What SPC says of the latest point, naming what it was drawn on when that is not the
    values themselves (the change each quarter of a cumulative or planned series)."""
    spc = status.spc
    if status.twelve_month_only:
        return "no control limits on overlapping 12-month figures"
    if status.latest_lower is not None and spc.n_points == 0:
        return SURVEY_SPC_WORDS
    if spc.method == "none":
        return NO_SPC_WORDS
    on = (f" {ON_INCREMENTS}" if spc.on_increments else "") + limits_basis(spc)
    if spc.insufficient:
        return f"too few quarters for control limits{on} ({spc.n_points})"
    if spc.last_point_type in (None, spc_plain.COMMON_CAUSE):
        return f"common-cause variation{on}"
    kind = {
        spc_plain.SPECIAL_CAUSE_CONCERN: "special-cause concern",
        spc_plain.SPECIAL_CAUSE_IMPROVEMENT: "special-cause improvement",
    }.get(spc.last_point_type, "special-cause variation")
    words = (INCREMENT_WORDS if spc.on_increments else SPECIAL_CAUSE_WORDS).get(
        spc.last_special_cause or "", "")
    return f"{kind}{on}: {words}" if words else f"{kind}{on}"


def limits_basis(spc: SpcSummary) -> str:
    """` (limits from 2020/21 Q1, fixed on its first 8 quarters)`: what the analyst set."""
    parts = []
    if spc.rebased_from is not None:
        parts.append(f"limits from {spc.rebased_from.label}")
    if spc.fixed_after is not None:
        where = "its" if spc.rebased_from is not None else "the"
        parts.append(f"{'fixed' if parts else 'limits fixed'} on {where} first "
                     f"{spc.fixed_after} quarters")
    return f" ({', '.join(parts)})" if parts else ""


def explain(status: KpiStatus, settings: Settings) -> str:
    """`Homicides: 43 in the 12 months to 2020/21 Q4, 22% below the 55 of the 12 months ending
    June 2019; target: reduce — on track.`"""
    kpi = status.kpi
    unit = kpi.unit
    target = kpi.target
    title = kpi.title
    if target.kind == "commitment":
        if status.commitment_status is None:
            return f"{title}: no status reported yet."
        words = COMMITMENT_WORDS.get(status.commitment_status, status.commitment_status)
        quarter = status.latest_quarter.label if status.latest_quarter else ""
        return f"{title}: {words} (reported for {quarter})."
    quarterly = status.latest_value is not None and status.latest_quarter is not None
    if quarterly:
        latest = f"{unit.format(status.latest_value)} in {status.latest_quarter.label}"
    elif status.comparison is not None:
        # only published 12-month figures (e.g. from the ONS tables)
        latest = f"{unit.format(status.comparison)} in {status.comparison_label}"
    else:
        return f"{title}: no figure for {_force_name(status, settings)} yet."
    if status.freshness == "stale":
        since = status.latest_quarter.label if status.latest_quarter else "the start"
        return f"{title}: no figure since {since}; not judged."
    home = status.force == settings.home_force

    if isinstance(target, (Threshold, Milestone)) and home and not quarterly:
        return f"{title}: {latest}; the target is judged on a quarter's figure, which is missing."

    if isinstance(target, Threshold) and home:
        passed = status.rag in ("green", "amber")
        relation = "meeting" if passed else (
            "below" if target.op in (">", ">=") else "above")
        # both figures, the one the target is judged on first and named
        twelve = (f"{unit.format(status.year_figure)} in the 12 months to "
                  f"{status.latest_quarter.label}" if status.year_figure is not None else None)
        if target.judge_on == "12 months":
            if twelve is None:
                return (f"{title}: {latest}; the target is judged on the 12 months, which are "
                        "not complete.")
            sentence = (f"{title} {twelve}, {relation} the target of {target.words(unit)} "
                        f"(judged on the 12 months; {latest} alone)")
        else:
            sentence = f"{title} {latest}, {relation} the target of {target.words(unit)}"
            if twelve is not None:
                sentence += f" (judged on the quarter; {twelve})"
        if status.rag == "amber":
            sentence += (f", but its process limits ({unit.format(status.spc.lpl)} to "
                         f"{unit.format(status.spc.upl)}) straddle the target, so it will be "
                         "hit and missed")
        return sentence + "."

    if isinstance(target, Trajectory) and home:
        if status.comparison is None:
            if status.missing_in_comparison:
                return (f"{title}: {latest}; {quarters_words(status.missing_in_comparison)} "
                        f"missing from {status.comparison_label}, so it is not compared.")
            return f"{title}: {latest}; not enough quarters for {status.comparison_label}."
        if status.baseline is None:
            gap = (f" ({quarters_words(status.missing_in_baseline)} missing)"
                   if status.missing_in_baseline else "")
            return (f"{title}: {unit.format(status.comparison)} in "
                    f"{status.comparison_label}; no complete baseline for "
                    f"{status.baseline_label}{gap}.")
        verdict = {"green": "on track", "amber": "no clear change", "red": "off track"}.get(
            status.rag or "", "not judged")
        head = f"{title}: {unit.format(status.comparison)} in {status.comparison_label}"
        year = year_words(status, with_latest=True)
        return (f"{head}, {_change_words(status)} the {unit.format(status.baseline)} of "
                f"{_the(status.baseline_label)}{test_words(status, settings)}"
                f"{'; ' + year if year else ''}; target: "
                f"{TRAJECTORY_VERBS[target.direction]} — {verdict}.")

    if isinstance(target, Milestone) and home:
        goal = status.milestone_goal
        planned = status.milestone_planned
        if status.as_of < target.start:
            return (f"{title}: {latest}; the planned path to {target.words(unit)} starts in "
                    f"{target.start.label}.")
        if goal is None or planned is None:
            return f"{title}: {latest}; no start value for the planned path."
        goal_words = (f"{OPERATORS[target.op]} {unit.format(goal)} by "
                      f"{target.deadline.label}")
        if (status.latest_quarter or status.as_of) >= target.deadline:
            met = "reached" if status.rag == "green" else "not reached"
            return f"{title}: {latest}; the goal of {goal_words} was {met}."
        gap = status.latest_value - planned
        position = ("on the planned path" if abs(gap) < 0.5
                    else f"ahead by {unit.format(gap)}" if gap > 0
                    else f"behind by {unit.format(-gap)}")
        start = status.milestone_start
        if gap <= -0.5 and start is not None:
            # the band is a share of the change planned so far: say what that change is
            position += (f" ({unit.format(status.latest_value - start, signed=True)} since "
                         f"{target.start.label} against "
                         f"{unit.format(planned - start, signed=True)} planned)")
        return (f"{title}: {latest} against {unit.format(planned)} planned on the way to "
                f"{goal_words}; {position}.")

    # monitor, or a comparator force: the figure and what SPC says of it
    sentence = f"{title}: {latest}"
    if quarterly and kpi.measure == "flow" and status.comparison is not None:
        sentence += f" ({unit.format(status.comparison)} in {status.comparison_label})"
    if status.change_pct is not None and status.baseline is not None:
        sentence += f", {_change_words(status)} {_the(status.baseline_label)}"
    year = year_words(status, with_latest=False)
    if year:
        sentence += f"; {year}"
    if status.latest_lower is not None and status.latest_upper is not None:
        sentence += (f" (95% interval {unit.format(status.latest_lower)} to "
                     f"{unit.format(status.latest_upper)})")
        if status.survey_significant is not None:
            sentence += "; a significant change" if status.survey_significant else (
                "; not a significant change")
        return sentence + "."
    return f"{sentence}; {spc_phrase(status)}."


def judged_on_words(target: object) -> str:
    """Which figure a threshold is judged on, for the views' target line ('' otherwise)."""
    if not isinstance(target, Threshold):
        return ""
    return ("judged on the 12 months to the latest quarter" if target.judge_on == "12 months"
            else "judged on the latest quarter")


def year_words(status: KpiStatus, *, with_latest: bool) -> str:
    """A flow's latest quarter against the same quarter a year earlier, so that a seasonal
    rise is not read as a trend: `14 in 2021/22 Q2 against 12 in 2020/21 Q2, the same quarter
    a year earlier (+17%)`; nothing for other measures or without both figures."""
    latest, earlier, quarter = status.latest_value, status.year_ago_value, status.latest_quarter
    if status.kpi.measure != "flow" or latest is None or earlier is None or quarter is None:
        return ""
    unit = status.kpi.unit
    if earlier != 0:
        pct = (latest - earlier) / abs(earlier) * 100
        change = "no change" if round(pct, 1) == 0 else (
            f"{pct:+.0f}%" if abs(pct) >= 10 else f"{pct:+.1f}%")
    else:
        change = "no change" if latest == 0 else "up from none"
    words = (f"{unit.format(earlier)} in {quarter.minus(4).label}, the same quarter a year "
             f"earlier ({change})")
    return f"{unit.format(latest)} in {quarter.label} against {words}" if with_latest else words


def test_words(status: KpiStatus, settings: Settings) -> str:
    """`: no significant change (p = 0.9)`, `: a significant fall (p < 0.001)`, or nothing
    where the change is judged by a tolerance (levels, targets stated as a percentage)."""
    target = status.kpi.target
    if (status.change_z is None or status.change_p is None
            or getattr(target, "judged_by", "significance") == "tolerance"):
        return ""
    p = p_text(status.change_p)
    if abs(status.change_z) < critical_z(settings.significance_level):
        return f": no significant change ({p})"
    return f": a significant {'rise' if status.change_z > 0 else 'fall'} ({p})"


def quarters_words(quarters: tuple[Quarter, ...]) -> str:
    """`2019/20 Q2`, `2019/20 Q2 and Q3`-style lists, spelled out in full."""
    labels = [q.label for q in quarters]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _the(label: str) -> str:
    """`the 12 months ending June 2019`, but plain `2019/20`."""
    return f"the {label}" if label.startswith("12 months") else label


def _change_words(status: KpiStatus) -> str:
    if status.change_pct is None:
        if status.change:
            return "up from zero against" if status.change > 0 else "down against"
        return "the same as"
    if round(status.change_pct, 1) == 0:
        return "the same as"
    return f"{_pct(status.change_pct)} {'above' if status.change_pct > 0 else 'below'}"


def alert_message(status: KpiStatus, rule: str, severity: str, settings: Settings) -> str:
    """The alert's one sentence, with the evidence."""
    kpi = status.kpi
    unit = kpi.unit
    force = _force_name(status, settings)
    if rule == "target":
        return status.explanation
    if rule == "msf" and status.msf is not None:
        msf = status.msf
        basis = msf.basis_words if msf.per_population else kpi.unit.words
        home_basis = next((e.basis for e in msf.entries if e.force == status.force), None)
        value = f"{home_basis:,.2f}" if home_basis is not None else "–"
        mean = f"{msf.comparators_mean:,.2f}" if msf.comparators_mean is not None else "–"
        return (f"{kpi.title}: {force} is the worst of its most similar forces in "
                f"{status.comparison_label} ({value} {basis}, {_pct(msf.gap_pct or 0)} "
                f"worse than their mean of {mean}).")
    if rule == "spc":
        spc = status.spc
        limits = f"mean {unit.format(spc.mean)}, limits {unit.format(spc.lpl)} to " \
                 f"{unit.format(spc.upl)}"
        latest = unit.format(status.latest_value)
        quarter = (status.latest_quarter or status.as_of).label
        if spc.on_increments:
            change = unit.format(spc.last_value, signed=True)
            return (f"{kpi.title}: {change} in {quarter}, to {latest} — {spc_phrase(status)} "
                    f"(changes: {limits}).")
        return f"{kpi.title}: {latest} in {quarter} — {spc_phrase(status)} ({limits})."
    if rule == "survey":
        return (f"{kpi.title}: the estimate of {unit.format(status.latest_value)} "
                f"({unit.format(status.latest_lower)} to {unit.format(status.latest_upper)}) "
                "differs significantly from the estimate a year earlier.")
    if rule == "missing":
        gaps = []
        if status.missing_in_comparison:
            gaps.append(f"{quarters_words(status.missing_in_comparison)} from "
                        f"{status.comparison_label}")
        if status.missing_in_baseline:
            gaps.append(f"{quarters_words(status.missing_in_baseline)} from the baseline "
                        f"{status.baseline_label}")
        return (f"{kpi.title}: no figure for {force} for " + " and ".join(gaps)
                + ", so it cannot be compared with its baseline.")
    if rule == "stale":
        since = status.latest_quarter.label if status.latest_quarter else "the start"
        return f"{kpi.title}: no figure for {force} since {since}."
    return status.explanation
