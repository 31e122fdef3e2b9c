"""What the rules say about one KPI for one force at one as-of quarter: plain records.

`assess()` builds them; the views, the explanations and the alerts read them. Nothing here
computes a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from pcp_tui.framework import Kpi
from pcp_tui.periods import Quarter
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.national import NationalPosition
from pcp_tui.rules.significance import two_sided_p


def twelve_month_only(latest_value: float | None, source: str | None) -> bool:
    """A figure of published 12-month figures only: no quarter's own count (see
    `KpiStatus.twelve_month_only`; the views ask it of the as-of quarters' rows too)."""
    return latest_value is None and source == "published"


@dataclass(frozen=True)
class SpcPoint:
    quarter: Quarter
    value: float
    special_cause_type: str
    point_type: str


@dataclass(frozen=True)
class SpcSummary:
    n_points: int
    mean: float | None
    lpl: float | None
    upl: float | None
    last_special_cause: str | None
    last_point_type: str | None
    variation_icon: str | None
    assurance: str | None
    trial_limits: bool
    insufficient: bool
    # what the limits are drawn on: the values (xmr), their change from the quarter before
    # (increments), or nothing (none)
    method: str = "xmr"
    last_value: float | None = None  # the last point charted: a value, or an increment
    last_quarter: Quarter | None = None
    rebased_from: Quarter | None = None  # the limits start afresh from this quarter (config)
    fixed_after: int | None = None  # the limits come from each stretch's first n points

    @property
    def on_increments(self) -> bool:
        return self.method == "increments"

    @property
    def limits_on_values(self) -> bool:
        """Limits that can be drawn over the values themselves (not over their changes)."""
        return self.method == "xmr" and not self.insufficient


@dataclass(frozen=True)
class MsfEntry:
    force: str
    value: float | None  # the figure for the home force's window, in the KPI's unit
    basis: float | None  # what is ranked: a rate per `rate_per` population for counts
    rank: int | None
    # why a force has no figure for the window: "suppressed in the source", "not yet
    # published", …; None when it has one
    missing: str | None = None


@dataclass(frozen=True)
class MsfPosition:
    entries: tuple[MsfEntry, ...]
    per_population: bool
    window: Quarter | None  # the last quarter of the home force's window
    window_label: str  # "the 12 months to 2019/20 Q3"
    source: str | None  # quarters | published, as the home force's figure
    home_rank: int | None
    n: int
    comparators_mean: float | None
    gap: float | None
    gap_pct: float | None
    worst: bool
    rate_per: int = 1000  # counts are ranked per this many of the population

    @property
    def basis_words(self) -> str:
        """`per 1,000 population`, `per 100,000 population`."""
        return f"per {self.rate_per:,} population"


@dataclass(frozen=True)
class KpiStatus:
    """Everything the views show about one KPI for one force at one as-of quarter."""

    kpi: Kpi
    force: str
    as_of: Quarter
    latest_quarter: Quarter | None
    latest_value: float | None
    latest_lower: float | None
    latest_upper: float | None
    freshness: str  # current | lagging | stale | none
    comparison: float | None
    comparison_label: str
    baseline: float | None
    baseline_label: str
    change: float | None
    change_pct: float | None
    national_baseline: float | None
    national_change_pct: float | None
    rag: str | None
    commitment_status: str | None
    survey_significant: bool | None
    milestone_planned: float | None
    milestone_goal: float | None
    source: str | None  # quarters (the force's quarterly figures) | published (12-month)
    # quarters missing inside the comparison and baseline windows (after the series started)
    missing_in_comparison: tuple[Quarter, ...]
    missing_in_baseline: tuple[Quarter, ...]
    spc: SpcSummary
    msf: MsfPosition | None
    explanation: str
    # the test of the change on the baseline (None where none applies: levels, surveys)
    change_z: float | None = None
    # among every force with a figure for the same window (counts with national data)
    national: NationalPosition | None = None
    # a milestone's level at its start (given in the config or read from the data)
    milestone_start: float | None = None
    # the figure for the same quarter a year before the latest (like with like for seasonal
    # flows; the survey estimate a year earlier)
    year_ago_value: float | None = None
    # the 12 months to the latest quarter from the quarterly figures (flows and rates)
    year_figure: float | None = None

    @property
    def judged_figure(self) -> float | None:
        """The figure a threshold is judged on: the quarter's, or the 12 months'."""
        if getattr(self.kpi.target, "judge_on", "quarter") == "12 months":
            return self.year_figure
        return self.latest_value

    @property
    def change_p(self) -> float | None:
        """The two-sided p-value of the change on the baseline."""
        return None if self.change_z is None else two_sided_p(self.change_z)

    @property
    def is_stale(self) -> bool:
        """A figure older than `stale_after_quarters` allows: shown, never judged (a
        commitment's status stands until it is next reported)."""
        return self.freshness == "stale" and self.kpi.target.kind != "commitment"

    @property
    def twelve_month_only(self) -> bool:
        """Only published 12-month figures: no quarter's own count, and no SPC (consecutive
        12-month totals share nine months, so the XmR rules do not hold for them)."""
        return twelve_month_only(self.latest_value, self.source)

    @property
    def is_signal(self) -> bool:
        """A special-cause concern on the latest point of a current series with enough history
        (the ◆ of a monitored KPI, and what roll-ups count as a signal)."""
        return (self.spc.last_point_type == spc_plain.SPECIAL_CAUSE_CONCERN
                and not self.spc.insufficient and self.freshness != "stale")
