"""`assess()`: observations + framework → an immutable Assessment for an as-of quarter.

Every as-of quarter is evaluated in one vectorised Polars pass (`Timeline`), so the app can step
through quarters instantly: the series are crossed with the as-of quarters, each series is cut at
its as-of quarter, and comparison values, baselines, targets, SPC and most-similar-force
positions are window expressions over that frame. No Python loop runs per KPI on this path;
Python objects (`KpiStatus`, explanations) are built only when a view asks for one.

Definitions used throughout (where the plan is silent):

- comparison value: flows sum the quarters of a window as long as the baseline window (four
  quarters: a rolling 12 months) ending at the as-of quarter; rates are summed numerators over
  summed denominators in that window; stocks take the latest level.
- baseline value: the same rule over the baseline window; a stock's baseline is its level at the
  end of the window. A flow or rate needs every quarter of a window, or it is missing.
- targets apply to the home force; the comparator forces are context (SPC and MSF position).
- a figure up to `stale_after_quarters` (the KPI's own, else the settings') behind the as-of
  quarter is used and called lagging; older, the KPI is grey (no current figure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from pcp_tui.alerts import Alert, build_alerts
from pcp_tui.config import Config
from pcp_tui.dataset import Observations, Revision
from pcp_tui.framework import Kpi, Milestone, PlanNode, Threshold, Trajectory
from pcp_tui.periods import Quarter
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.spc_frame import spc_points

RAG_ORDER = ("red", "amber", "green", "grey")
SERIES = ["kpi", "force"]
KEYS = ["kpi", "force", "as_of"]

# Survey estimates: a 95 % interval is ±1.96 standard errors, so its width is 3.92 SE.
CI_WIDTH_IN_SE = 3.92
Z_95 = 1.96


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
            "msf": kpi.msf,
            "t_op": target.op if isinstance(target, (Threshold, Milestone)) else None,
            "t_value": target.value if isinstance(target, Threshold) else None,
            "t_direction": target.direction if isinstance(target, Trajectory) else None,
            "t_tol": target.tolerance_pct if isinstance(target, (Trajectory, Milestone))
            else None,
            "b_first": window.first.ordinal if window else None,
            "b_last": window.last.ordinal if window else None,
            "n_first": national.first.ordinal if national else None,
            "n_last": national.last.ordinal if national else None,
            "m_start": target.start.ordinal if isinstance(target, Milestone) else None,
            "m_deadline": target.deadline.ordinal if isinstance(target, Milestone) else None,
            "m_goal": target.goal if isinstance(target, Milestone) else None,
            "m_increase": target.increase if isinstance(target, Milestone) else None,
            "m_start_value": target.start_value if isinstance(target, Milestone) else None,
            "stale_after": (kpi.stale_after_quarters if kpi.stale_after_quarters is not None
                            else settings.stale_after_quarters),
        })
    schema = {
        "kpi": pl.Utf8, "order": pl.Int32, "measure": pl.Utf8, "scale": pl.Float64,
        "dir_sign": pl.Int32, "kind": pl.Utf8, "per_pop": pl.Boolean, "msf": pl.Boolean,
        "t_op": pl.Utf8, "t_value": pl.Float64, "t_direction": pl.Utf8, "t_tol": pl.Float64,
        "b_first": pl.Int32, "b_last": pl.Int32, "n_first": pl.Int32, "n_last": pl.Int32,
        "m_start": pl.Int32, "m_deadline": pl.Int32, "m_goal": pl.Float64,
        "m_increase": pl.Float64, "m_start_value": pl.Float64, "stale_after": pl.Int32,
    }
    return pl.DataFrame(rows, schema=schema)


def _window_value(first: str, last: str, suffix: str) -> list[pl.Expr]:
    """Aggregations of a series over the window [first, last] (columns of quarter ordinals)."""
    inside = (pl.col("_ord") >= pl.col(first)) & (pl.col("_ord") <= pl.col(last))
    length = pl.col(last).first() - pl.col(first).first() + 1
    at_end = pl.col("_ord") == pl.col(last)
    measure = pl.col("measure").first()
    total = pl.col("value").filter(inside).sum()
    num = pl.col("numerator").filter(inside).sum()
    den = pl.col("denominator").filter(inside).sum()
    n = (inside & pl.col("value").is_not_null()).sum()
    n_rates = (inside & pl.col("denominator").is_not_null()).sum()
    stock = pl.col("value").filter(at_end).first()
    # a published 12-month figure ending with the window is used as it is
    published = pl.col("value_12m").filter(at_end).first()
    value = (
        pl.when(measure == "stock").then(stock)
        .when((measure == "flow") & (length == 4) & published.is_not_null()).then(published)
        .when(n < length).then(None)
        .when(measure == "flow").then(total)
        .when(n_rates == length).then(num / den * pl.col("scale").first())
        .otherwise(None)
    )
    return [
        value.alias(f"{suffix}_value"),
        pl.col("lower").filter(at_end).first().alias(f"{suffix}_lower"),
        pl.col("upper").filter(at_end).first().alias(f"{suffix}_upper"),
        n.alias(f"{suffix}_n"),
    ]


@dataclass(frozen=True)
class Timeline:
    """Every as-of quarter's assessment, computed together; `at(q)` picks one."""

    config: Config
    observations: Observations
    status: pl.DataFrame  # one row per KPI × force × as-of quarter
    points: pl.DataFrame  # one row per series (sid) × as-of quarter × point (SPC labels)
    alert_frame: pl.DataFrame
    quarters: tuple[Quarter, ...]
    _cache: dict[Quarter, Assessment] = field(default_factory=dict, compare=False, repr=False)
    _slices: dict[str, dict[int, pl.DataFrame]] = field(
        default_factory=dict, compare=False, repr=False)

    @property
    def latest(self) -> Quarter | None:
        return self.quarters[-1] if self.quarters else None

    def _slice(self, name: str, ordinal: int) -> pl.DataFrame:
        """One as-of quarter's rows of `status` or `points`, split once for all quarters."""
        if name not in self._slices:
            frame: pl.DataFrame = getattr(self, name)
            self._slices[name] = {
                key[0]: part for key, part in frame.partition_by("as_of", as_dict=True).items()
            }
        frame = getattr(self, name)
        return self._slices[name].get(ordinal, frame.clear())

    def bare(self, quarter: Quarter) -> Assessment:
        """The statuses of a quarter without its alerts (what the alerts are built from)."""
        ordinal = quarter.ordinal
        return Assessment(self, quarter, self._slice("status", ordinal),
                          self._slice("points", ordinal), (), ())

    def at(self, as_of: Quarter | None = None) -> Assessment:
        quarter = as_of or self.latest
        if quarter is None:
            return Assessment(self, None, _empty_status(), self.points.clear(), (), ())
        if quarter not in self._cache:
            assessment = self.bare(quarter)
            alerts, resolved = build_alerts(self, quarter, assessment)
            object.__setattr__(assessment, "alerts", alerts)
            object.__setattr__(assessment, "resolved", resolved)
            self._cache[quarter] = assessment
        return self._cache[quarter]


def _empty_status() -> pl.DataFrame:
    return pl.DataFrame(schema={"kpi": pl.Utf8, "force": pl.Utf8, "as_of": pl.Int32})


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
                        pl.DataFrame(schema={"as_of": pl.Int32}), _no_alerts(), ())
    first, last = obs.get_column("_ord").min(), obs.get_column("_ord").max()
    quarters = tuple(Quarter.from_ordinal(o) for o in range(first, last + 1))
    as_of = pl.DataFrame({"as_of": list(range(first, last + 1))}, schema={"as_of": pl.Int32})
    obs = obs.join(attrs, on="kpi", how="left")

    # --- baselines (per series; do not depend on the as-of quarter) --------------------------
    base = obs.group_by(SERIES).agg(
        *_window_value("b_first", "b_last", "base"),
        *_window_value("n_first", "n_last", "nat"),
        # a milestone's start value, when the config does not give it
        pl.col("value").filter(pl.col("_ord") == pl.col("m_start")).first().alias("m_data_start"),
        (pl.col("lower").is_not_null() & pl.col("upper").is_not_null()).any().alias("survey"),
    )

    # --- each series cut at each as-of quarter ----------------------------------------------
    # Integer keys and only the numeric columns go through the cross join: it is the largest
    # frame here (series × quarters × as-of quarters), and string keys make every step slower.
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
    )
    # every step below relies on the order (as_of, sid, _ord); the cross join gives it (as-of
    # first, over series sorted by quarter), and the sort, cheap on sorted data, makes sure
    expanded = (
        as_of.join(numeric.sort(["sid", "_ord"]), how="cross")
        .filter(pl.col("_ord") <= pl.col("as_of"))
        .sort(["as_of", "sid", "_ord"])
    )
    # A window ends with the series' own latest quarter, so a figure that lags the as-of
    # quarter (within `stale_after_quarters`) is still judged, on the quarters it covers. The
    # anchors are windows over one integer key and the sums plain aggregations of masked
    # columns: filters inside a group-by cost twice as much at national scale.
    has_value = pl.col("value").is_not_null()
    has_rate = pl.col("denominator").is_not_null()
    has_12m = pl.col("value_12m").is_not_null()
    expanded = expanded.with_columns(
        (pl.col("as_of").cast(pl.Int64) * (1 << 32) + pl.col("sid")).alias("_g"))
    expanded = expanded.with_columns(
        pl.when(has_value).then(pl.col("_ord")).max().over("_g").alias("_va"),
        pl.when(has_rate).then(pl.col("_ord")).max().over("_g").alias("_ra"),
        pl.when(has_12m).then(pl.col("_ord")).max().over("_g").alias("_pa"),
    )
    in_flow = has_value & (pl.col("_ord") > pl.col("_va") - pl.col("wlen"))
    in_rate = has_rate & (pl.col("_ord") > pl.col("_ra") - pl.col("wlen"))
    at_value = pl.col("_ord") == pl.col("_va")
    year_ago = pl.col("_ord") == pl.col("_va") - 4  # the survey estimate a year before
    expanded = expanded.with_columns(
        in_flow.alias("_in_f"),
        in_rate.alias("_in_r"),
        pl.when(in_flow).then(pl.col("value")).alias("_wv"),
        pl.when(in_rate).then(pl.col("numerator")).alias("_wn"),
        pl.when(in_rate).then(pl.col("denominator")).alias("_wd"),
        pl.when(pl.col("_ord") == pl.col("_pa")).then(pl.col("value_12m")).alias("_pub"),
        pl.when(at_value).then(pl.col("value")).alias("_lv"),
        pl.when(at_value).then(pl.col("lower")).alias("_ll"),
        pl.when(at_value).then(pl.col("upper")).alias("_lu"),
        pl.when(year_ago).then(pl.col("value")).alias("_yv"),
        pl.when(year_ago).then(pl.col("lower")).alias("_yl"),
        pl.when(year_ago).then(pl.col("upper")).alias("_yu"),
    )
    length = pl.col("wlen").first()
    measure = pl.col("measure_code").first()
    value_anchor, rate_anchor = pl.col("_va").first(), pl.col("_ra").first()
    published_anchor = pl.col("_pa").first()
    # a published 12-month figure is used when it is at least as recent as the quarters
    use_published = (
        (measure == 0) & (length == 4) & published_anchor.is_not_null()
        & (value_anchor.is_null() | (published_anchor >= value_anchor))
    )
    comparison = (
        pl.when(measure == 1).then(pl.col("_lv").max())
        .when(use_published).then(pl.col("_pub").max())
        .when(measure == 0).then(
            pl.when(pl.col("_in_f").sum() == length).then(pl.col("_wv").sum()))
        .otherwise(
            pl.when(pl.col("_in_r").sum() == length).then(
                pl.col("_wn").sum() / pl.col("_wd").sum() * pl.col("scale").first()))
    )
    comparison_ord = (
        pl.when(use_published).then(published_anchor)
        .when(measure == 2).then(rate_anchor)
        .otherwise(value_anchor)
    )
    per_series = expanded.group_by(["as_of", "sid"], maintain_order=True).agg(
        pl.col("_ord").last().alias("latest_ord"),
        value_anchor.alias("value_ord"),
        pl.col("_lv").max().alias("latest_value"),
        pl.col("_ll").max().alias("latest_lower"),
        pl.col("_lu").max().alias("latest_upper"),
        comparison.alias("comparison"),
        comparison_ord.alias("comparison_ord"),
        pl.col("_yv").max().alias("year_ago_value"),
        pl.col("_yl").max().alias("year_ago_lower"),
        pl.col("_yu").max().alias("year_ago_upper"),
    )

    commitments = (
        obs.filter(pl.col("kind") == "commitment").select("sid", "_ord", "status")
        .join(as_of, how="cross").filter(pl.col("_ord") <= pl.col("as_of"))
        .sort(["as_of", "sid", "_ord"])
        .group_by(["as_of", "sid"], maintain_order=True).agg(
            pl.col("_ord").last().alias("latest_ord"),
            pl.col("status").last().alias("commitment_status"),
        )
    )
    per_series = pl.concat([per_series, commitments], how="diagonal_relaxed").join(
        sids, on="sid", how="left")

    # --- SPC: every point of every cut series -------------------------------------------------
    spc = settings.spc
    survey_sids = obs.filter(pl.col("lower").is_not_null() & pl.col("upper").is_not_null())
    spc_input = (
        expanded.filter(
            ~pl.col("sid").is_in(survey_sids.get_column("sid").unique().implode())
            & pl.col("value").is_not_null() & pl.col("value").is_finite()
        )
        .select("as_of", "sid", "_ord", pl.col("value").alias("y"), "dir_sign")
    )
    points = spc_points(
        spc_input, ["as_of", "sid"], order="_ord", screen_outliers=spc.screen_outliers,
        run_length=spc.run_length, trend_length=spc.trend_length, presorted=True,
    ).collect()
    last_points = points.group_by(["as_of", "sid"], maintain_order=True).last().select(
        "sid", "as_of",
        pl.col("mean").alias("spc_mean"), pl.col("lpl").alias("spc_lpl"),
        pl.col("upl").alias("spc_upl"), pl.col("n").alias("spc_n"),
        pl.col("special_cause_type").alias("spc_last_type"),
        pl.col("point_type").alias("spc_point_type"),
    )

    # --- put it together ------------------------------------------------------------------
    status = (
        per_series.join(attrs, on="kpi", how="left")
        .join(base, on=SERIES, how="left")
        .join(last_points, on=["sid", "as_of"], how="left")
        .with_columns(pl.col("survey").fill_null(False))
    )
    status = _targets(status, settings)
    status = _msf(status, config)
    status = status.sort(["as_of", "order", "force"])
    timeline = Timeline(config, observations, status, points, _no_alerts(), quarters)
    object.__setattr__(timeline, "alert_frame", _alert_history(timeline))
    return timeline


def _targets(status: pl.DataFrame, settings: Any) -> pl.DataFrame:
    """Freshness, change against baseline, SPC summary and the target's RAG (home force)."""
    home = settings.home_force
    lag = pl.col("as_of") - pl.col("latest_ord")
    stale_after = pl.col("stale_after").fill_null(settings.stale_after_quarters)
    min_points = min(settings.spc.run_length, settings.spc.trend_length)
    status = status.with_columns(
        pl.when(pl.col("latest_ord").is_null()).then(pl.lit("none"))
        .when(lag == 0).then(pl.lit("current"))
        .when(lag <= stale_after).then(pl.lit("lagging"))
        .otherwise(pl.lit("stale")).alias("freshness"),
        # a baseline that has not finished by the as-of quarter cannot be compared with
        pl.when(pl.col("b_last") <= pl.col("as_of")).then(pl.col("base_value"))
        .alias("base_value"),
        pl.when(pl.col("n_last") <= pl.col("as_of")).then(pl.col("nat_value"))
        .alias("nat_value"),
        (pl.col("spc_n") < min_points).fill_null(True).alias("spc_insufficient"),
        (pl.col("spc_n") < settings.spc.min_points).fill_null(True).alias("spc_trial"),
    )
    # survey KPIs compare the latest estimate with the baseline's
    current = pl.when(pl.col("survey")).then(pl.col("latest_value")).otherwise(
        pl.col("comparison"))
    status = status.with_columns(current.alias("comparison"))
    change = pl.col("comparison") - pl.col("base_value")
    status = status.with_columns(
        change.alias("change"),
        pl.when(pl.col("base_value") != 0).then(change / pl.col("base_value").abs() * 100)
        .alias("change_pct"),
        pl.when(pl.col("nat_value") != 0)
        .then((pl.col("comparison") - pl.col("nat_value")) / pl.col("nat_value").abs() * 100)
        .alias("nat_change_pct"),
    )
    # significance of a survey change: |d| > 1.96 √(SE₁² + SE₂²), SE = CI width / 3.92
    se = lambda lo, hi: (pl.col(hi) - pl.col(lo)) / CI_WIDTH_IN_SE  # noqa: E731
    status = status.with_columns(
        pl.when(pl.col("survey")).then(
            change.abs() > Z_95 * (se("latest_lower", "latest_upper") ** 2
                                   + se("base_lower", "base_upper") ** 2).sqrt()
        ).alias("survey_significant"),
        pl.when(pl.col("survey") & (pl.col("freshness") != "stale")).then(
            (pl.col("latest_value") - pl.col("year_ago_value")).abs()
            > Z_95 * (se("latest_lower", "latest_upper") ** 2
                      + se("year_ago_lower", "year_ago_upper") ** 2).sqrt()
        ).alias("survey_year_significant"),
        # +1 when the year's change is the wanted way, −1 against it, 0 with no wanted way
        ((pl.col("latest_value") - pl.col("year_ago_value")).sign() * pl.col("dir_sign"))
        .alias("survey_year_direction"),
    )
    # SPC assurance against a threshold target, on the limits
    status = status.with_columns(
        pl.when(pl.col("t_value").is_null() | (pl.col("dir_sign") == 0)
                | pl.col("spc_insufficient")).then(None)
        .when(pl.col("t_value") > pl.col("spc_upl")).then(
            pl.when(pl.col("dir_sign") > 0).then(pl.lit(spc_plain.ASSURANCE_FAIL))
            .otherwise(pl.lit(spc_plain.ASSURANCE_PASS)))
        .when(pl.col("t_value") < pl.col("spc_lpl")).then(
            pl.when(pl.col("dir_sign") > 0).then(pl.lit(spc_plain.ASSURANCE_PASS))
            .otherwise(pl.lit(spc_plain.ASSURANCE_FAIL)))
        .otherwise(pl.lit(spc_plain.ASSURANCE_INCONSISTENT)).alias("assurance"),
        # a series with no current figure signals nothing: its last point is history
        pl.when(pl.col("spc_insufficient") | (pl.col("freshness") == "stale")).then(None)
        .otherwise(pl.col("spc_point_type")).alias("signal"),
    )

    usable = pl.col("freshness").is_in(["current", "lagging"])
    has_latest = pl.col("latest_value").is_not_null()
    latest = pl.col("latest_value")
    op, limit = pl.col("t_op"), pl.col("t_value")
    meets = (
        pl.when(op == ">").then(latest > limit).when(op == ">=").then(latest >= limit)
        .when(op == "<").then(latest < limit).otherwise(latest <= limit)
    )
    threshold_rag = (
        pl.when(~meets).then(pl.lit("red"))
        .when(pl.col("assurance") == spc_plain.ASSURANCE_INCONSISTENT).then(pl.lit("amber"))
        .otherwise(pl.lit("green"))
    )

    tol = pl.col("t_tol")
    pct = pl.when(pl.col("change_pct").is_not_null()).then(pl.col("change_pct")).otherwise(
        # a zero baseline: any rise is infinitely large, no change is no change
        pl.when(pl.col("change") > 0).then(math.inf).when(pl.col("change") < 0).then(-math.inf)
        .otherwise(0.0)
    )
    direction = pl.col("t_direction")
    wanted = pl.when(direction.is_in(["decrease", "not-increase"])).then(-1).otherwise(1)
    along = pct * wanted  # positive: moving the wanted way
    sig = pl.col("survey_significant").fill_null(False)
    strict = direction.is_in(["decrease", "increase"])
    trajectory_rag = (
        pl.when(pl.col("survey")).then(
            pl.when(sig & (along > 0)).then(pl.lit("green"))
            .when(sig & (along < 0)).then(pl.lit("red"))
            .when(strict).then(pl.lit("amber")).otherwise(pl.lit("green")))
        .when(along > tol).then(pl.lit("green"))
        .when(along < -tol).then(pl.lit("red"))
        .when(strict).then(pl.lit("amber"))
        .otherwise(pl.lit("green"))
    )

    # the start value read from the data is known only once the start quarter has come
    from_data = pl.when(pl.col("as_of") >= pl.col("m_start")).then(pl.col("m_data_start"))
    start_value = pl.coalesce(pl.col("m_start_value"), from_data)
    goal = pl.coalesce(pl.col("m_goal"), start_value + pl.col("m_increase"))
    span = (pl.col("m_deadline") - pl.col("m_start")).cast(pl.Float64)
    progress = ((pl.col("as_of") - pl.col("m_start")).cast(pl.Float64) / span).clip(0.0, 1.0)
    planned = start_value + (goal - start_value) * progress
    status = status.with_columns(goal.alias("m_goal_value"), planned.alias("m_planned"))
    reached = pl.when(pl.col("t_op") == ">").then(latest > pl.col("m_goal_value")).otherwise(
        latest >= pl.col("m_goal_value"))
    shortfall = pl.col("m_planned") - latest
    milestone_rag = (
        pl.when(pl.col("m_goal_value").is_null() | pl.col("m_planned").is_null())
        .then(pl.lit("grey"))
        .when(pl.col("as_of") < pl.col("m_start")).then(pl.lit("grey"))
        .when(pl.col("as_of") >= pl.col("m_deadline")).then(
            pl.when(reached).then(pl.lit("green")).otherwise(pl.lit("red")))
        .when(shortfall <= 0).then(pl.lit("green"))
        .when(shortfall <= pl.col("t_tol") / 100 * pl.col("m_goal_value").abs())
        .then(pl.lit("amber"))
        .otherwise(pl.lit("red"))
    )

    commitment_rag = pl.col("commitment_status").replace_strict(
        {"complete": "green", "in-progress": "amber", "at-risk": "red", "not-started": "grey"},
        default="grey", return_dtype=pl.Utf8,
    )
    kind = pl.col("kind")
    rag = (
        pl.when(pl.col("force") != home).then(None)
        .when(kind == "monitor").then(pl.when(usable).then(None).otherwise(pl.lit("grey")))
        .when(kind == "commitment").then(
            pl.when(pl.col("latest_ord").is_null()).then(pl.lit("grey")).otherwise(commitment_rag))
        .when(~usable).then(pl.lit("grey"))
        .when(kind.is_in(["threshold", "milestone"]) & ~has_latest).then(pl.lit("grey"))
        .when(kind == "threshold").then(threshold_rag)
        .when(kind == "trajectory").then(
            pl.when(pl.col("comparison").is_null() | pl.col("base_value").is_null())
            .then(pl.lit("grey")).otherwise(trajectory_rag))
        .when(kind == "milestone").then(milestone_rag)
        .otherwise(None)
    )
    return status.with_columns(rag.alias("rag"))


def _msf(status: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Each force's comparison value (per 1,000 population for counts), rank and gap."""
    settings = config.settings
    pops = pl.DataFrame(
        {"force": list(settings.forces),
         "population": [f.population for f in settings.forces.values()]},
        schema={"force": pl.Utf8, "population": pl.Float64},
    )
    status = status.join(pops, on="force", how="left")
    msf_value = (
        pl.when(~pl.col("msf")).then(None)
        .when(pl.col("per_pop")).then(pl.col("comparison") / pl.col("population") * 1000)
        .otherwise(pl.col("comparison"))
    )
    in_group = pl.col("force").is_in(list(settings.all_forces))
    status = status.with_columns(pl.when(in_group).then(msf_value).alias("msf_value"))
    group = ["kpi", "as_of"]
    # rank 1 is the best; with no better direction, the highest value ranks first
    key = pl.col("msf_value") * pl.when(pl.col("dir_sign") < 0).then(1).otherwise(-1)
    is_home = pl.col("force") == settings.home_force
    comparators_mean = pl.col("msf_value").filter(~is_home).mean().over(group)
    status = status.with_columns(
        key.rank("min").over(group).alias("msf_rank"),
        pl.col("msf_value").count().over(group).alias("msf_n"),
        comparators_mean.alias("msf_mean"),
    )
    gap = pl.col("msf_value") - pl.col("msf_mean")
    gap_pct = pl.when(pl.col("msf_mean") != 0).then(gap / pl.col("msf_mean").abs() * 100)
    worse = gap_pct * pl.col("dir_sign") * -1  # positive: worse than the comparators' mean
    return status.with_columns(
        gap.alias("msf_gap"),
        gap_pct.alias("msf_gap_pct"),
        (
            is_home & (pl.col("msf_n") >= 2) & (pl.col("msf_rank") == pl.col("msf_n"))
            & (pl.col("dir_sign") != 0) & (worse > settings.msf_margin_pct)
            & (pl.col("msf_value").is_not_null())
        ).fill_null(False).alias("msf_worst"),
    )


# Alerts over time --------------------------------------------------------------------------


ALERT_SCHEMA = {"kpi": pl.Utf8, "force": pl.Utf8, "as_of": pl.Int32, "rule": pl.Utf8,
                "severity": pl.Utf8}


def _no_alerts() -> pl.DataFrame:
    return pl.DataFrame(schema={**ALERT_SCHEMA, "since": pl.Int32})


def _alert_history(timeline: Timeline) -> pl.DataFrame:
    """Which rule fires for which KPI in which quarter, and since when it has been firing."""
    status = timeline.status
    home = timeline.config.settings.home_force
    s = status.filter(pl.col("force") == home)
    spc = pl.col("signal")
    frames = [
        s.filter(pl.col("rag") == "red").select(*KEYS, rule=pl.lit("target"),
                                                severity=pl.lit("breach")),
        s.filter(pl.col("rag") == "amber").select(*KEYS, rule=pl.lit("target"),
                                                  severity=pl.lit("warning")),
        s.filter(pl.col("msf_worst")).select(*KEYS, rule=pl.lit("msf"),
                                             severity=pl.lit("warning")),
        s.filter(spc == spc_plain.SPECIAL_CAUSE_CONCERN).select(
            *KEYS, rule=pl.lit("spc"), severity=pl.lit("signal")),
        s.filter(spc == spc_plain.SPECIAL_CAUSE_IMPROVEMENT).select(
            *KEYS, rule=pl.lit("spc"), severity=pl.lit("improvement")),
        s.filter(pl.col("survey_year_significant").fill_null(False)).select(
            *KEYS, rule=pl.lit("survey"),
            severity=pl.when(pl.col("survey_year_direction") > 0).then(pl.lit("improvement"))
            .otherwise(pl.lit("signal"))),
        s.filter((pl.col("freshness") == "stale") & (pl.col("kind") != "commitment")).select(
            *KEYS, rule=pl.lit("stale"), severity=pl.lit("data")),
        # a current figure, but a quarter missing from the window a trajectory compares
        s.filter((pl.col("kind") == "trajectory") & pl.col("freshness").is_in(
            ["current", "lagging"]) & pl.col("comparison").is_null()).select(
            *KEYS, rule=pl.lit("missing"), severity=pl.lit("data")),
    ]
    # a run of consecutive quarters is one alert that keeps firing; a warning that becomes a
    # breach is a new alert
    identity = ["kpi", "force", "rule", "severity"]
    alerts = pl.concat([f.cast(ALERT_SCHEMA) for f in frames]).sort([*identity, "as_of"])
    gap = pl.col("as_of") - pl.col("as_of").shift(1)
    alerts = alerts.with_columns((gap != 1).fill_null(True).cum_sum().over(identity)
                                 .alias("_run"))
    return alerts.with_columns(
        pl.col("as_of").min().over([*identity, "_run"]).alias("since")
    ).drop("_run")


# The assessment of one quarter ----------------------------------------------------------------


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


@dataclass(frozen=True)
class MsfEntry:
    force: str
    value: float | None  # the comparison value, in the KPI's unit
    basis: float | None  # what is ranked: a rate per 1,000 population for counts
    rank: int | None


@dataclass(frozen=True)
class MsfPosition:
    entries: tuple[MsfEntry, ...]
    per_population: bool
    home_rank: int | None
    n: int
    comparators_mean: float | None
    gap: float | None
    gap_pct: float | None
    worst: bool


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
    spc: SpcSummary
    msf: MsfPosition | None
    explanation: str

    @property
    def is_signal(self) -> bool:
        """A special-cause concern on the latest point of a current series with enough history
        (the ◆ of a monitored KPI, and what roll-ups count as a signal)."""
        return (self.spc.last_point_type == spc_plain.SPECIAL_CAUSE_CONCERN
                and not self.spc.insufficient and self.freshness != "stale")


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
    points: pl.DataFrame  # SPC points of every series cut at this quarter
    alerts: tuple[Alert, ...]
    resolved: tuple[Alert, ...]

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
    def _rows(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(row["kpi"], row["force"]): row for row in self.frame.iter_rows(named=True)}

    def status(self, kpi_id: str, force: str | None = None) -> KpiStatus:
        """The status of a KPI (default: for the home force); grey when there is no data."""
        force = force or self.home_force
        kpi = self.config.framework.kpi(kpi_id)
        return _build_status(self, kpi, force, self._rows.get((kpi_id, force)))

    @cached_property
    def home_statuses(self) -> dict[str, KpiStatus]:
        return {kpi.id: self.status(kpi.id) for kpi in self.config.framework.kpis}

    def history(self, kpi_id: str, force: str | None = None) -> list[tuple[Quarter, float]]:
        """The quarterly values up to the as-of quarter, oldest first."""
        force = force or self.home_force
        frame = self.timeline.observations.frame
        if self.as_of is None:
            return []
        rows = frame.filter(
            (pl.col("kpi") == kpi_id) & (pl.col("force") == force)
            & (pl.col("period") <= self.as_of.start) & pl.col("value").is_not_null()
        ).select("period", "value").sort("period")
        return [(Quarter.from_date(d), v) for d, v in rows.iter_rows()]

    def spc_points(self, kpi_id: str, force: str | None = None) -> list[SpcPoint]:
        """Every point of the series up to the as-of quarter with its SPC labels."""
        force = force or self.home_force
        row = self._rows.get((kpi_id, force))
        if row is None:
            return []
        rows = self.points.filter(pl.col("sid") == row["sid"]).sort("_ord").select(
            "_ord", "y", "special_cause_type", "point_type")
        return [SpcPoint(Quarter.from_ordinal(o), y, s, p) for o, y, s, p in rows.iter_rows()]

    def rollup(self, node: PlanNode) -> dict[str, int]:
        """Counts by status over the KPIs of a node: red, amber, green, grey, monitor, signal."""
        counts = dict.fromkeys((*RAG_ORDER, "monitor", "signal"), 0)
        seen = set()
        for kpi in node.walk_kpis():
            if kpi.id in seen:
                continue
            seen.add(kpi.id)
            status = self.home_statuses[kpi.id]
            counts[status.rag or "monitor"] += 1
            if status.is_signal:
                counts["signal"] += 1
        return counts

    def worst(self, node: PlanNode) -> str | None:
        counts = self.rollup(node)
        for rag in RAG_ORDER:
            if counts[rag]:
                return rag
        return None


def _build_status(
    assessment: Assessment, kpi: Kpi, force: str, row: dict[str, Any] | None
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
    comparison_label = (
        f"{ends.label}" if kpi.measure == "stock" or get("survey")
        else f"the 12 months to {ends.label}" if (window is None or len(window) == 4)
        else f"the {len(window)} quarters to {ends.label}"
    )
    spc = SpcSummary(
        n_points=get("spc_n") or 0,
        mean=get("spc_mean"),
        lpl=get("spc_lpl"),
        upl=get("spc_upl"),
        last_special_cause=get("spc_last_type"),
        last_point_type=get("spc_point_type"),
        variation_icon=_variation_icon(get("spc_point_type"), get("spc_last_type")),
        assurance=get("assurance"),
        trial_limits=bool(get("spc_trial", True)),
        insufficient=bool(get("spc_insufficient", True)),
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
        spc=spc,
        msf=_msf_position(assessment, kpi, get) if kpi.msf and row else None,
        explanation="",
    )
    from pcp_tui.rules.explain import explain  # the wording lives apart from the numbers

    object.__setattr__(status, "explanation", explain(status, assessment))
    return status


def _msf_position(assessment: Assessment, kpi: Kpi, get: Any) -> MsfPosition:
    settings = assessment.config.settings
    entries = []
    for force in settings.all_forces:
        other = assessment._rows.get((kpi.id, force), {})
        entries.append(MsfEntry(force, other.get("comparison"), other.get("msf_value"),
                                other.get("msf_rank")))
    return MsfPosition(
        entries=tuple(entries),
        per_population=kpi.per_population,
        home_rank=get("msf_rank"),
        n=get("msf_n") or 0,
        comparators_mean=get("msf_mean"),
        gap=get("msf_gap"),
        gap_pct=get("msf_gap_pct"),
        worst=bool(get("msf_worst")),
    )
