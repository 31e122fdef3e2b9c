"""Freshness, change on the baseline, survey significance, SPC assurance and each target's RAG."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.significance import (
    MIN_QUARTERS_FOR_PHI,
    count_z_expr,
    critical_z,
    proportion_z_expr,
    rate_z_expr,
)

# Survey estimates: a 95 % interval is ±1.96 standard errors, so its width is 3.92 SE.
CI_WIDTH_IN_SE = 3.92
Z_95 = 1.96


def target_frame(status: pl.DataFrame, settings: Any) -> pl.DataFrame:
    """Freshness, change against baseline, SPC summary and the target's RAG (home force)."""
    home = settings.home_force
    lag = pl.col("as_of") - pl.col("latest_ord")
    # a KPI's own allowance (half-yearly releases) wins over the settings' default
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
    status = status.with_columns(change_test(settings).alias("change_z"))
    # SPC assurance against a threshold target, on the limits
    status = status.with_columns(
        # (limits on the change each quarter say nothing of the level the target is set on)
        pl.when(pl.col("t_value").is_null() | (pl.col("dir_sign") == 0)
                | pl.col("spc_insufficient")
                | (pl.col("spc_method").fill_null("xmr") != "xmr")).then(None)
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
    on_year = pl.col("t_judge_on") == "12 months"
    judged = pl.when(on_year).then(pl.col("year_figure")).otherwise(latest)
    meets = (
        pl.when(op == ">").then(judged > limit).when(op == ">=").then(judged >= limit)
        .when(op == "<").then(judged < limit).otherwise(judged <= limit)
    )
    # limits straddling the target say single quarters will be hit and missed: that makes a
    # quarter-judged target amber, not one judged on the year the four quarters add up to
    threshold_rag = (
        pl.when(~meets).then(pl.lit("red"))
        .when((pl.col("assurance") == spc_plain.ASSURANCE_INCONSISTENT) & ~on_year.fill_null(False))
        .then(pl.lit("amber"))
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
    tested = pl.col("change_z").is_not_null() & (pl.col("t_judge") != "tolerance")
    tested_sig = pl.col("change_z").abs() >= critical_z(settings.significance_level)
    # amber by a test that found no significant change: shown, but nothing to warn about
    status = status.with_columns(
        (tested & ~tested_sig & (pl.col("kind") == "trajectory")).fill_null(False)
        .alias("no_clear_change"))
    trajectory_rag = (
        pl.when(pl.col("survey")).then(
            pl.when(sig & (along > 0)).then(pl.lit("green"))
            .when(sig & (along < 0)).then(pl.lit("red"))
            .when(strict).then(pl.lit("amber")).otherwise(pl.lit("green")))
        .when(tested).then(
            pl.when(tested_sig & (along > 0)).then(pl.lit("green"))
            .when(tested_sig & (along < 0)).then(pl.lit("red"))
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
    # a figure that lags the as-of quarter is set against the path at its own quarter
    figure_ord = pl.coalesce(pl.col("value_ord"), pl.col("as_of"))
    progress = ((figure_ord - pl.col("m_start")).cast(pl.Float64) / span).clip(0.0, 1.0)
    planned = start_value + (goal - start_value) * progress
    status = status.with_columns(goal.alias("m_goal_value"), planned.alias("m_planned"),
                                 start_value.alias("m_start_level"))
    reached = pl.when(pl.col("t_op") == ">").then(latest > pl.col("m_goal_value")).otherwise(
        latest >= pl.col("m_goal_value"))
    shortfall = pl.col("m_planned") - latest
    # the band is a share of the change planned so far, not of the goal: one quarter into a
    # four-year programme only a fifteenth of the rise is due, and it is that fifteenth the
    # figure is measured against
    band = pl.col("t_tol") / 100 * (pl.col("m_planned") - pl.col("m_start_level")).abs()
    milestone_rag = (
        pl.when(pl.col("m_goal_value").is_null() | pl.col("m_planned").is_null())
        .then(pl.lit("grey"))
        .when(pl.col("as_of") < pl.col("m_start")).then(pl.lit("grey"))
        .when(figure_ord >= pl.col("m_deadline")).then(
            pl.when(reached).then(pl.lit("green")).otherwise(pl.lit("red")))
        .when(shortfall <= 0).then(pl.lit("green"))
        .when(shortfall <= band).then(pl.lit("amber"))
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
        .when((kind == "threshold") & judged.is_null()).then(pl.lit("grey"))
        .when(kind == "threshold").then(threshold_rag)
        .when(kind == "trajectory").then(
            pl.when(pl.col("comparison").is_null() | pl.col("base_value").is_null())
            .then(pl.lit("grey")).otherwise(trajectory_rag))
        .when(kind == "milestone").then(milestone_rag)
        .otherwise(None)
    )
    return status.with_columns(rag.alias("rag"))


def change_test(settings: Any) -> pl.Expr:
    """z of the change from the baseline to the comparison (null where no test applies).

    Counts (flows from the force's quarterly figures or published 12-month totals) over two
    windows of equal length, and headcounts (levels of a count): Poisson counts with φ from
    the series' quarter-to-quarter changes; rates
    from numerators and denominators: a two-proportion test for percentages, a Poisson-rate
    test otherwise. Other levels (days, hours) and survey estimates are not tested here."""
    n, mean = pl.col("phi_n"), pl.col("phi_mean")
    phi = (pl.when((n >= MIN_QUARTERS_FOR_PHI) & (mean > 0))
           .then(pl.max_horizontal(pl.col("phi_squares") / (2 * (n - 1) * mean), pl.lit(1.0)))
           .otherwise(pl.lit(1.0)))
    same_length = (pl.col("b_last") - pl.col("b_first") + 1) == 4
    measure = pl.col("measure")
    comparison, baseline = pl.col("comparison"), pl.col("base_value")
    rate_args = [pl.col("cmp_num"), pl.col("cmp_den"), pl.col("base_num"), pl.col("base_den")]
    from_quarters = pl.col("source") == "quarters"
    return (
        pl.when(pl.col("survey") | comparison.is_null() | baseline.is_null()).then(None)
        .when((measure == "flow") & same_length & (comparison >= 0) & (baseline >= 0))
        .then(count_z_expr(comparison, baseline, phi))
        # a headcount (a level) set against its level at the end of the baseline: two counts,
        # each varying by φ times itself, φ from the level's own quarter-to-quarter changes
        .when((measure == "stock") & pl.col("per_pop") & (comparison >= 0) & (baseline >= 0))
        .then(count_z_expr(comparison, baseline, phi))
        .when((measure == "rate") & from_quarters & (pl.col("scale") == 100))
        .then(proportion_z_expr(*rate_args))
        .when((measure == "rate") & from_quarters).then(rate_z_expr(*rate_args))
        .otherwise(None)
    )
