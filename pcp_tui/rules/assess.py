"""`assess()`: observations + framework → an immutable Assessment for an as-of quarter.

Every as-of quarter is evaluated in one vectorised Polars pass (`Timeline`), so the app can step
through quarters instantly: each series is cut at every as-of quarter, and comparison values,
baselines, targets, SPC and most-similar-force positions are window expressions and joins over
those cuts. A cut is a prefix of its series, so what it needs is worked out once per point of
the series and looked up by each as-of quarter: its windows and latest figures (`cuts.py`), its
SPC limits and the labels of its last point (`spc_cuts.py`). The work grows with the points,
not with points × quarters; the labels of every point of a cut are worked out only for the
quarter a view shows. No Python loop runs per KPI on this path; Python objects (`KpiStatus`,
explanations) are built only when a view asks for one.

Definitions used throughout (where the plan is silent):

- comparison value: flows sum the quarters of a window as long as the baseline window (four
  quarters: a rolling 12 months) ending at the as-of quarter; rates are summed numerators over
  summed denominators in that window; stocks take the latest level.
- baseline value: the same rule over the baseline window; a stock's baseline is its level at the
  end of the window. A flow or rate needs every quarter of a window, or it is missing.
- targets apply to the home force; the comparator forces are context (SPC and MSF position).
- a figure up to `stale_after_quarters` (the KPI's own, else its source's in
  `[settings.publication]`, else the settings') behind the as-of
  quarter is used and called lagging; older, the KPI is grey (no current figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.dataset import Observations, Revision
from pcp_tui.framework import Kpi, Milestone, PlanNode, Threshold, Trajectory
from pcp_tui.periods import Quarter
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.alerts import Alert, alert_history, build_alerts, no_alerts
from pcp_tui.rules.compare import (
    msf_frame,
    msf_position,
    national_frame_position,
    window_words,
)
from pcp_tui.rules.cuts import cut_figures, latest_before, series_grid
from pcp_tui.rules.explain import explain
from pcp_tui.rules.figures import figure_series
from pcp_tui.rules.spc_cuts import cut_points, cut_summaries, series_points, spc_options
from pcp_tui.rules.status import KpiStatus, SpcPoint, SpcSummary
from pcp_tui.rules.status_rows import RowView, StatusRows
from pcp_tui.rules.targets import target_frame
from pcp_tui.rules.windows import choose_source, window_gaps, window_value

RAG_ORDER = ("red", "amber", "green", "grey")
SERIES = ["kpi", "force"]
KEYS = ["kpi", "force", "as_of"]
# how many series of a quarter are labelled one at a time before the whole cut is labelled:
# at least this many, or one in SERIES_PER_ALONE of the series charted (at national scale,
# 4,472 series, labelling one takes 2.6 ms and the whole cut 130-180 ms)
SERIES_LABELLED_ALONE = 8
SERIES_PER_ALONE = 32



def quarter_ordinal(column: str = "period") -> pl.Expr:
    """A financial-year quarter's running number from its first day (as Quarter.ordinal)."""
    day = pl.col(column)
    fy = day.dt.year() - (day.dt.month() < 4).cast(pl.Int32)
    q = ((day.dt.month().cast(pl.Int32) + 8) % 12) // 3
    return (fy * 4 + q).cast(pl.Int32)


def _direction_sign(better: str) -> int:
    return {"higher": 1, "lower": -1}.get(better, 0)


def kpi_attributes(config: Config) -> pl.DataFrame:
    """One row per KPI with everything the vectorised rules need to know about it."""
    settings = config.settings
    plan = settings.baselines.get("plan")
    national = settings.baselines.get("national")
    rows = []
    for kpi in config.framework.kpis:
        target = kpi.target
        own = target.baseline if isinstance(target, Trajectory) else None
        default = plan if kpi.objective is not None else national
        window = own or default
        rows.append({
            "kpi": kpi.id,
            "order": kpi.order,
            "measure": kpi.measure,
            "scale": kpi.unit.scale,
            "dir_sign": _direction_sign(kpi.better),
            "kind": target.kind,
            "per_pop": kpi.per_population,
            "rate_per": float(kpi.rate_per),
            "msf": kpi.msf,
            "t_op": target.op if isinstance(target, (Threshold, Milestone)) else None,
            "t_value": target.value if isinstance(target, Threshold) else None,
            "t_judge_on": target.judge_on if isinstance(target, Threshold) else None,
            "t_direction": target.direction if isinstance(target, Trajectory) else None,
            "t_tol": target.tolerance_pct if isinstance(target, (Trajectory, Milestone))
            else None,
            "t_judge": target.judged_by if isinstance(target, Trajectory) else None,
            "b_first": window.first.ordinal if window else None,
            "b_last": window.last.ordinal if window else None,
            "n_first": national.first.ordinal if national else None,
            "n_last": national.last.ordinal if national else None,
            "m_start": target.start.ordinal if isinstance(target, Milestone) else None,
            "m_deadline": target.deadline.ordinal if isinstance(target, Milestone) else None,
            "m_goal": target.goal if isinstance(target, Milestone) else None,
            "m_increase": target.increase if isinstance(target, Milestone) else None,
            "m_start_value": target.start_value if isinstance(target, Milestone) else None,
            "spc_method": kpi.spc,
            "stale_after": settings.stale_after(kpi),
        })
    schema = {
        "kpi": pl.Utf8, "order": pl.Int32, "measure": pl.Utf8, "scale": pl.Float64,
        "dir_sign": pl.Int32, "kind": pl.Utf8, "per_pop": pl.Boolean, "msf": pl.Boolean,
        "rate_per": pl.Float64,
        "t_op": pl.Utf8, "t_value": pl.Float64, "t_judge_on": pl.Utf8, "t_direction": pl.Utf8,
        "t_tol": pl.Float64, "t_judge": pl.Utf8,
        "b_first": pl.Int32, "b_last": pl.Int32, "n_first": pl.Int32, "n_last": pl.Int32,
        "m_start": pl.Int32, "m_deadline": pl.Int32, "m_goal": pl.Float64,
        "m_increase": pl.Float64, "m_start_value": pl.Float64, "spc_method": pl.Utf8,
        "stale_after": pl.Int32,
    }
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class Timeline:
    """Every as-of quarter's assessment, computed together; `at(q)` picks one."""

    config: Config
    observations: Observations
    status: pl.DataFrame  # one row per KPI × force × as-of quarter
    charted: pl.DataFrame  # the points SPC is drawn on: sid, _ord, y, dir_sign
    alert_frame: pl.DataFrame
    quarters: tuple[Quarter, ...]
    spc_options: pl.DataFrame = field(default_factory=pl.DataFrame)  # `spc_cuts.spc_options`
    _cache: dict[Quarter, Assessment] = field(default_factory=dict, compare=False, repr=False)
    _slices: dict[int, pl.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    @property
    def latest(self) -> Quarter | None:
        return self.quarters[-1] if self.quarters else None

    def _slice(self, ordinal: int) -> pl.DataFrame:
        """One as-of quarter's rows of `status`, split once for all quarters (without a copy
        when the rows come sorted by quarter, as a kept start keeps them)."""
        if not self._slices and not self.status.is_empty():
            as_of = self.status.get_column("as_of")
            if as_of.is_sorted():
                ordinals = as_of.unique(maintain_order=True)
                starts = as_of.search_sorted(ordinals, side="left").to_list()
                ends = as_of.search_sorted(ordinals, side="right").to_list()
                self._slices.update(
                    (key, self.status.slice(start, end - start))
                    for key, start, end in zip(ordinals.to_list(), starts, ends))
            else:
                self._slices.update((key[0], part) for key, part
                                    in self.status.partition_by("as_of", as_dict=True).items())
        return self._slices.get(ordinal, self.status.clear())

    @cached_property
    def series_alone(self) -> int:
        """How many series of a quarter are labelled one at a time before the whole cut is:
        a few KPIs looked at in the app never wait for every series of every force."""
        return max(SERIES_LABELLED_ALONE, self.charted["sid"].n_unique() // SERIES_PER_ALONE)

    def points_at(self, ordinal: int, sids: list[int] | None = None) -> pl.DataFrame:
        """The SPC points of every series (or of `sids`) cut at an as-of quarter, each
        labelled against the limits of that cut (see `spc_cuts.cut_points`)."""
        charted = self.charted
        if sids is not None:
            charted = charted.filter(pl.col("sid").is_in(sids))
        if charted.is_empty():
            return _empty_points()
        spc = self.config.settings.spc
        if sids is not None and len(sids) <= SERIES_LABELLED_ALONE:
            options = self.spc_options
            if not options.is_empty():
                options = options.filter(pl.col("sid").is_in(sids))
            return series_points(charted, options, spc, ordinal)
        return cut_points(charted, self.spc_options, spc, ordinal)

    def bare(self, quarter: Quarter) -> Assessment:
        """The statuses of a quarter without its alerts (what the alerts are built from)."""
        return Assessment(self, quarter, self._slice(quarter.ordinal), (), ())

    def at(self, as_of: Quarter | None = None) -> Assessment:
        quarter = as_of or self.latest
        if quarter is None:
            return Assessment(self, None, _empty_status(), (), ())
        if quarter not in self._cache:
            assessment = self.bare(quarter)
            alerts, resolved = build_alerts(
                self.config, self.alert_frame, self.observations.revisions, quarter,
                assessment.status, lambda: self.bare(quarter.minus(1)).status)
            object.__setattr__(assessment, "alerts", alerts)
            object.__setattr__(assessment, "resolved", resolved)
            self._cache[quarter] = assessment
        return self._cache[quarter]


    def assessed(self, quarter: Quarter) -> Assessment | None:
        """The quarter's assessment if `at` has built it already, else None (nothing is
        worked out: for work that should not wait on a quarter's alerts)."""
        return self._cache.get(quarter)

    def assessed_alerts(self) -> dict[Quarter, tuple[tuple[Alert, ...], tuple[Alert, ...]]]:
        """The alerts (and the alerts resolved) of every quarter assessed so far: what a kept
        start holds besides the frames (`start_cache`)."""
        return {quarter: (found.alerts, found.resolved)
                for quarter, found in list(self._cache.items())}

    def recall_alerts(
        self, found: dict[Quarter, tuple[tuple[Alert, ...], tuple[Alert, ...]]],
    ) -> None:
        """Alerts `assessed_alerts` gave for these very frames, as `at` would build them."""
        for quarter, (alerts, resolved) in found.items():
            self._cache[quarter] = Assessment(self, quarter, self._slice(quarter.ordinal),
                                              tuple(alerts), tuple(resolved))


def _empty_status() -> pl.DataFrame:
    return pl.DataFrame(schema={"kpi": pl.Utf8, "force": pl.Utf8, "as_of": pl.Int32})


def _empty_points() -> pl.DataFrame:
    return pl.DataFrame(schema={"sid": pl.Int32, "_ord": pl.Int32, "y": pl.Float64,
                                "mean": pl.Float64, "lpl": pl.Float64, "upl": pl.Float64,
                                "special_cause_type": pl.Utf8, "point_type": pl.Utf8})


def assess(
    config: Config, observations: Observations, as_of: Quarter | None = None
) -> Assessment:
    """The plan as it stood at `as_of` (default: the latest quarter with data)."""
    return build_timeline(config, observations).at(as_of)


def build_timeline(config: Config, observations: Observations) -> Timeline:
    settings = config.settings
    attrs = kpi_attributes(config)
    obs = observations.frame.with_columns(quarter_ordinal().alias("_ord"))
    if obs.is_empty():
        return Timeline(config, observations, _empty_status(),
                        _empty_points().select("sid", "_ord", "y"), no_alerts(), ())
    first, last = obs.get_column("_ord").min(), obs.get_column("_ord").max()
    quarters = tuple(Quarter.from_ordinal(o) for o in range(first, last + 1))
    as_of = pl.DataFrame({"as_of": list(range(first, last + 1))}, schema={"as_of": pl.Int32})
    obs = obs.join(attrs, on="kpi", how="left")

    # --- baselines (per series; do not depend on the as-of quarter) --------------------------
    base = obs.group_by(SERIES).agg(
        *window_value("b_first", "b_last", "base"),
        *window_value("n_first", "n_last", "nat"),
        # a milestone's start value, when the config does not give it
        pl.col("value").filter(pl.col("_ord") == pl.col("m_start")).first().alias("m_data_start"),
        (pl.col("lower").is_not_null() & pl.col("upper").is_not_null()).any().alias("survey"),
        # where the series starts: a window reaching back before it has no gap, only history
        # that was never collected
        pl.when(pl.col("value").is_not_null()).then(pl.col("_ord")).min()
        .alias("first_value_ord"),
        pl.when(pl.col("denominator").is_not_null()).then(pl.col("_ord")).min()
        .alias("first_rate_ord"),
    )

    # --- each series cut at each as-of quarter ----------------------------------------------
    # Integer keys and only the numeric columns go into the cuts (series × as-of quarters, the
    # largest frames here): string keys make every step slower.
    obs = obs.with_columns(
        pl.concat_str("kpi", "force", separator="\x00").rank("dense").cast(pl.Int32)
        .alias("sid")
    )
    sids = obs.select("sid", *SERIES).unique("sid")
    numeric = obs.filter(pl.col("kind") != "commitment").select(
        "sid", "_ord", "value", "value_12m", "numerator", "denominator", "lower", "upper",
        "scale",
        "dir_sign",
        pl.col("measure").replace_strict({"flow": 0, "stock": 1, "rate": 2},
                                         return_dtype=pl.Int8).alias("measure_code"),
        (pl.col("b_last") - pl.col("b_first") + 1).fill_null(4).cast(pl.Int32).alias("wlen"),
        pl.col("spc_method").replace_strict({"xmr": 0, "increments": 1, "none": 2},
                                            default=0, return_dtype=pl.Int8).alias("spc_code"),
    ).sort(["sid", "_ord"])
    # the change from the quarter before (only from the quarter just before: across a gap it
    # would be two quarters' change); what SPC is drawn on for `spc = "increments"`
    follows = (pl.col("_ord") - pl.col("_ord").shift(1).over("sid")) == 1
    # the 12 months to each quarter from its four quarters (flows: the summed counts; rates:
    # summed numerators over summed denominators), what a threshold with judge_on = "12 months"
    # is set against
    four = (pl.col("_ord") - pl.col("_ord").shift(3).over("sid")) == 3
    code = pl.col("measure_code")
    numeric = numeric.with_columns(
        pl.when(follows).then(pl.col("value") - pl.col("value").shift(1).over("sid"))
        .alias("_inc"),
        pl.when(four & (code == 0)).then(pl.col("value").rolling_sum(4).over("sid"))
        .when(four & (code == 2)).then(
            pl.col("numerator").rolling_sum(4).over("sid")
            / pl.col("denominator").rolling_sum(4).over("sid") * pl.col("scale"))
        .alias("_y12"))
    per_series = cut_figures(numeric, as_of)

    # a commitment's latest status reported by each as-of quarter
    promised = obs.filter(pl.col("kind") == "commitment").select(
        "sid", "_ord", pl.col("status").alias("commitment_status"))
    commitments = latest_before(series_grid(as_of, promised), promised).select(
        "as_of", "sid", pl.col("_ord").alias("latest_ord"), "commitment_status")
    per_series = pl.concat([per_series, commitments], how="diagonal_relaxed").join(
        sids, on="sid", how="left")

    # --- SPC: every point of every cut series -------------------------------------------------
    spc = settings.spc
    survey_sids = obs.filter(pl.col("lower").is_not_null() & pl.col("upper").is_not_null())
    # each KPI's `spc`: the values (xmr), the change each quarter (increments), or no SPC
    y = pl.when(pl.col("spc_code") == 1).then(pl.col("_inc")).otherwise(pl.col("value"))
    # SPC limits genuinely depend on the cut, but a cut is a prefix of its series: its limits
    # and last point's labels are worked out once per point, taken as the last of a cut
    # (`spc_cuts`). The labels of every point of a cut are worked out when a view asks for them.
    charted = numeric.filter(
        ~pl.col("sid").is_in(survey_sids.get_column("sid").unique().implode())
        & (pl.col("spc_code") != 2) & y.is_not_null() & y.is_finite()
    ).select("sid", "_ord", y.alias("y"), "dir_sign")
    options = spc_options(config, sids)
    last_points = cut_summaries(charted, options, spc, as_of)

    # --- put it together ------------------------------------------------------------------
    status = (
        per_series.join(attrs, on="kpi", how="left")
        .join(base, on=SERIES, how="left")
        .join(last_points, on=["sid", "as_of"], how="left")
        .with_columns(pl.col("survey").fill_null(False))
    )
    status = choose_source(status)
    status = target_frame(status, settings)
    status = window_gaps(status, obs)
    status = msf_frame(status, config)
    timeline = Timeline(config, observations, status, charted, no_alerts(), quarters,
                        options)
    object.__setattr__(timeline, "alert_frame",
                       alert_history(status, config.settings.home_force))
    return timeline


# The assessment of one quarter ----------------------------------------------------------------


def _quarter(ordinal: Any) -> Quarter | None:
    return None if ordinal is None else Quarter.from_ordinal(int(ordinal))


def _variation_icon(point_type: str | None, special: str | None) -> str | None:
    if point_type is None:
        return None
    if point_type == spc_plain.COMMON_CAUSE:
        return spc_plain.ICON_COMMON_CAUSE
    high = special in (spc_plain.ABOVE_UCL, spc_plain.TREND_INCREASING,
                       spc_plain.TWO_IN_THREE_ABOVE, spc_plain.SHIFT_ABOVE)
    side = "high" if high else "low"
    kind = {spc_plain.SPECIAL_CAUSE_IMPROVEMENT: "improvement",
            spc_plain.SPECIAL_CAUSE_CONCERN: "concern"}.get(point_type, "neutral")
    return f"{kind}_{side}"


@dataclass(frozen=True)
class Assessment:
    timeline: Timeline
    as_of: Quarter | None
    frame: pl.DataFrame  # status rows of this quarter
    alerts: tuple[Alert, ...]
    resolved: tuple[Alert, ...]
    _point_cache: dict[int, pl.DataFrame] = field(default_factory=dict, compare=False,
                                                  repr=False)
    # the whole cut, labelled, sorted by series, and where each series' rows start and end
    _whole_cut: list[object] = field(default_factory=list, compare=False, repr=False)

    @property
    def config(self) -> Config:
        return self.timeline.config

    @property
    def home_force(self) -> str:
        return self.config.settings.home_force

    @property
    def revisions(self) -> tuple[Revision, ...]:
        return self.timeline.observations.revisions

    @cached_property
    def _rows(self) -> StatusRows:
        return StatusRows(self.frame)

    def status(self, kpi_id: str, force: str | None = None) -> KpiStatus:
        """The status of a KPI (default: for the home force); grey when there is no data."""
        force = force or self.home_force
        kpi = self.config.framework.kpi(kpi_id)
        return _build_status(self, kpi, force, self._rows.get((kpi_id, force)))

    @cached_property
    def home_statuses(self) -> dict[str, KpiStatus]:
        return {kpi.id: self.status(kpi.id) for kpi in self.config.framework.kpis}

    def history(self, kpi_id: str, force: str | None = None) -> list[tuple[Quarter, float]]:
        """The series up to the as-of quarter, oldest first: its quarterly values, or, for a
        series of published 12-month figures only, those (see `figure_series`)."""
        force = force or self.home_force
        frame = self.timeline.observations.frame
        if self.as_of is None:
            return []
        rows = figure_series(frame.filter(
            (pl.col("kpi") == kpi_id) & (pl.col("force") == force)
            & (pl.col("period") <= self.as_of.start)
        )).select("period", "value")
        return [(Quarter.from_date(d), v) for d, v in rows.iter_rows()]

    def _points(self, sid: int) -> pl.DataFrame:
        """A series' SPC points in this quarter's cut: labelled one series at a time for the
        first few asked for (a chart), then the whole cut at once (a printout of every KPI)."""
        cache = self._point_cache
        if sid in cache:
            return cache[sid]
        ordinal = self.as_of.ordinal if self.as_of else 0
        if not self._whole_cut and len(cache) < self.timeline.series_alone:
            cache[sid] = self.timeline.points_at(ordinal, [sid])
            return cache[sid]
        if not self._whole_cut:
            whole = self.timeline.points_at(ordinal).sort("sid", maintain_order=True)
            runs = whole.group_by("sid", maintain_order=True).agg(pl.len().alias("rows"))
            where, start = {}, 0
            for series, rows in runs.iter_rows():
                where[series] = (start, rows)
                start += rows
            self._whole_cut.extend((whole, where))
        whole, where = self._whole_cut
        start, rows = where.get(sid, (0, 0))
        cache[sid] = whole.slice(start, rows)
        return cache[sid]

    def spc_points(self, kpi_id: str, force: str | None = None) -> list[SpcPoint]:
        """Every point of the series up to the as-of quarter with its SPC labels."""
        force = force or self.home_force
        row = self._rows.get((kpi_id, force))
        if row is None:
            return []
        rows = self._points(row["sid"]).sort("_ord").select(
            "_ord", "y", "special_cause_type", "point_type")
        return [SpcPoint(Quarter.from_ordinal(o), y, s, p) for o, y, s, p in rows.iter_rows()]

    def spc_limits(self, kpi_id: str, force: str | None = None
                   ) -> list[tuple[Quarter, float | None, float | None, float | None]]:
        """Every SPC point's centre line and process limits (quarter, mean, lpl, upl), oldest
        first: where they change, the limits were rebased."""
        force = force or self.home_force
        row = self._rows.get((kpi_id, force))
        if row is None:
            return []
        rows = self._points(row["sid"]).sort("_ord").select("_ord", "mean", "lpl", "upl")
        return [(Quarter.from_ordinal(o), m, lo, hi) for o, m, lo, hi in rows.iter_rows()]

    def rollup(self, node: PlanNode) -> dict[str, int]:
        """Counts by status over the KPIs of a node: red, amber, green, grey, monitor, signal,
        and stale (a figure too old to judge, counted there rather than as grey or monitor)."""
        counts = dict.fromkeys((*RAG_ORDER, "monitor", "signal", "stale"), 0)
        for kpi in node.distinct_kpis():
            status = self.home_statuses[kpi.id]
            counts["stale" if status.is_stale else status.rag or "monitor"] += 1
            if status.is_signal:
                counts["signal"] += 1
        return counts

    def worst(self, node: PlanNode) -> str | None:
        counts = self.rollup(node)
        for rag in RAG_ORDER:
            if counts[rag]:
                return rag
        return "grey" if counts["stale"] else None  # stale figures are not judged


def _build_status(
    assessment: Assessment, kpi: Kpi, force: str, row: RowView | None
) -> KpiStatus:
    as_of = assessment.as_of or Quarter(2000, 1)
    settings = assessment.config.settings
    row = row or {}
    get = row.get
    trajectory = kpi.target if isinstance(kpi.target, Trajectory) else None
    plan_window = settings.baselines.get("plan")
    national = settings.baselines.get("national")
    window = trajectory.baseline if trajectory else (
        plan_window if kpi.objective is not None else national)
    # the quarter the figure is for: a lagging figure says which quarter it is, not the as-of
    ends = _quarter(get("comparison_ord")) or _quarter(get("value_ord")) or as_of
    comparison_label = window_words(kpi, window, ends, bool(get("survey")))
    # too few points for limits: no variation or assurance icon (the label of the last point
    # is worked out all the same, against limits that are not shown)
    insufficient = bool(get("spc_insufficient", True))
    spc = SpcSummary(
        n_points=get("spc_n") or 0,
        mean=get("spc_mean"),
        lpl=get("spc_lpl"),
        upl=get("spc_upl"),
        last_special_cause=get("spc_last_type"),
        last_point_type=get("spc_point_type"),
        variation_icon=None if insufficient else _variation_icon(get("spc_point_type"),
                                                                 get("spc_last_type")),
        assurance=None if insufficient else get("assurance"),
        trial_limits=bool(get("spc_trial", True)),
        insufficient=insufficient,
        method=kpi.spc,
        last_value=get("spc_last_y"),
        last_quarter=_quarter(get("spc_last_ord")),
        rebased_from=max((q for q in kpi.spc_rebase if q <= as_of), default=None),
        fixed_after=kpi.spc_fixed_after,
    )
    rag = get("rag")
    if not row and force == settings.home_force:
        rag = "grey"
    status = KpiStatus(
        kpi=kpi, force=force, as_of=as_of,
        latest_quarter=_quarter(get("value_ord") if get("value_ord") is not None
                                else get("latest_ord")),
        latest_value=get("latest_value"),
        latest_lower=get("latest_lower"),
        latest_upper=get("latest_upper"),
        freshness=get("freshness") or "none",
        comparison=get("comparison"),
        comparison_label=comparison_label,
        baseline=get("base_value"),
        baseline_label=window.label if window else "",
        change=get("change"),
        change_pct=get("change_pct"),
        national_baseline=get("nat_value"),
        national_change_pct=get("nat_change_pct"),
        rag=rag,
        commitment_status=get("commitment_status"),
        survey_significant=get("survey_significant"),
        milestone_planned=get("m_planned"),
        milestone_goal=get("m_goal_value"),
        source=get("source"),
        missing_in_comparison=tuple(Quarter.from_ordinal(o)
                                    for o in get("missing_comparison") or ()),
        missing_in_baseline=tuple(Quarter.from_ordinal(o) for o in get("missing_baseline") or ()),
        spc=spc,
        msf=msf_position(settings, assessment._rows, assessment.timeline.observations.frame,
                         assessment.as_of, kpi, get, window) if kpi.msf and row else None,
        explanation="",
        change_z=get("change_z"),
        milestone_start=get("m_start_level"),
        year_ago_value=get("year_ago_value"),
        year_figure=get("year_figure"),
        national=national_frame_position(settings, assessment._rows, kpi, get, window)
        if row and force == settings.home_force else None,
    )
    object.__setattr__(status, "explanation", explain(status, settings))
    return status
