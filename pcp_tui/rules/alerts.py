"""Alerts: what needs the analyst's attention in a quarter, most urgent first.

An alert is identified by KPI, force, rule and quarter. Like an alerting system's
pending/firing/resolved, each alert knows whether it is new this quarter or has been firing since
an earlier one, and the alerts that fired last quarter but not this one are listed as resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pcp_tui.config import Config
from pcp_tui.periods import Quarter
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.explain import alert_message

if TYPE_CHECKING:
    from pcp_tui.dataset import Revision
    from pcp_tui.rules.status import KpiStatus

# a quarter's statuses: (kpi id, force) → KpiStatus
StatusOf = Callable[[str, str], "KpiStatus"]
KEYS = ["kpi", "force", "as_of"]

SEVERITIES = ("breach", "warning", "signal", "improvement", "data")
SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class Alert:
    id: str  # kpi/force/rule/quarter: stable between runs
    severity: str
    rule: str  # target, msf, spc, survey, stale, revised
    kpi: str
    force: str
    quarter: Quarter
    since: Quarter
    message: str

    @property
    def is_new(self) -> bool:
        return self.since == self.quarter

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


def alert_id(kpi: str, force: str, rule: str, quarter: Quarter) -> str:
    return f"{kpi}/{force}/{rule}/{quarter.file_stem}"


def build_alerts(
    config: Config, history: pl.DataFrame, revisions: Sequence[Revision], quarter: Quarter,
    status_of: StatusOf, status_before: Callable[[], StatusOf],
) -> tuple[tuple[Alert, ...], tuple[Alert, ...]]:
    """The alerts firing at `quarter` and those resolved since the quarter before.

    `history` is `alert_history()`; `status_of` gives the quarter's statuses, from which the
    alerts' sentences are built, and `status_before()` the quarter before's (asked for only
    when something resolved).
    """
    now = history.filter(pl.col("as_of") == quarter.ordinal)
    before = history.filter(pl.col("as_of") == quarter.ordinal - 1)
    # an alert that changed severity (a warning that became a breach) has not resolved
    resolved = before.join(now, on=["kpi", "force", "rule"], how="anti")

    alerts = [
        _alert(config, status_of, kpi, force, rule, severity, quarter,
               Quarter.from_ordinal(since))
        for kpi, force, rule, severity, since in now.select(
            "kpi", "force", "rule", "severity", "since").iter_rows()
    ]
    alerts += _revision_alerts(config, revisions, quarter)
    previous = quarter.minus(1)
    gone = []
    if resolved.height:
        earlier = status_before()
        gone = [
            _alert(config, earlier, kpi, force, rule, severity, previous,
                   Quarter.from_ordinal(since))
            for kpi, force, rule, severity, since in resolved.select(
                "kpi", "force", "rule", "severity", "since").iter_rows()
            # an alert that stopped because the figure went missing has not been resolved
            if status_of(kpi, force).rag != "grey"
        ]
    return tuple(sort_alerts(alerts, config)), tuple(sort_alerts(gone, config))


def sort_alerts(alerts: list[Alert], config: Config) -> list[Alert]:
    """Severity, then the plan's objective order, then the KPI's order."""
    framework = config.framework
    objective_rank = {o.id: i for i, o in enumerate(framework.objectives)}
    kpi_rank = {k.id: k.order for k in framework.kpis}
    kpi_objective = {k.id: k.objective for k in framework.kpis}

    def key(alert: Alert) -> tuple[int, int, int, str]:
        objective = kpi_objective.get(alert.kpi)
        return (
            alert.rank,
            objective_rank.get(objective, len(objective_rank)) if objective else 1 << 20,
            kpi_rank.get(alert.kpi, 1 << 20),
            alert.rule,
        )

    return sorted(alerts, key=key)


def _alert(
    config: Config, status_of: StatusOf, kpi_id: str, force: str, rule: str, severity: str,
    quarter: Quarter, since: Quarter,
) -> Alert:
    status = status_of(kpi_id, force)
    return Alert(
        id=alert_id(kpi_id, force, rule, quarter),
        severity=severity,
        rule=rule,
        kpi=kpi_id,
        force=force,
        quarter=quarter,
        since=since,
        message=alert_message(status, rule, severity, config.settings),
    )


def _revision_alerts(config: Config, revisions: Sequence[Revision],
                     quarter: Quarter) -> list[Alert]:
    """A figure restated by a return for this quarter (or restating this quarter)."""
    framework = config.framework
    alerts = []
    for rev in revisions:
        restating = _file_quarter(rev.new_file) or rev.quarter
        if restating != quarter:
            continue
        kpi = framework.kpi(rev.kpi)

        def shown(figure: float | str | None, kpi=kpi) -> str:
            if figure is None:
                return "no figure"
            return figure if isinstance(figure, str) else kpi.unit.format(figure)

        old, new = shown(rev.old_value), shown(rev.new_value)
        what = {"value_12m": " (12-month figure)", "status": " (status)"}.get(rev.field, "")
        force = config.settings.forces[rev.force]
        alerts.append(Alert(
            id=alert_id(rev.kpi, rev.force, f"revised-{rev.quarter.file_stem}", quarter),
            severity="data",
            rule="revised",
            kpi=rev.kpi,
            force=rev.force,
            quarter=quarter,
            since=quarter,
            message=(
                f"{kpi.title}{what} for {force.name} in {rev.quarter.label} was revised from {old} "
                f"to {new} by {Path(rev.new_file).name} (first given in "
                f"{Path(rev.old_file).name})."
            ),
        ))
    return alerts


def _file_quarter(file: str) -> Quarter | None:
    try:
        return Quarter.parse(Path(file).stem)
    except ValueError:
        return None


ALERT_SCHEMA = {"kpi": pl.Utf8, "force": pl.Utf8, "as_of": pl.Int32, "rule": pl.Utf8,
                "severity": pl.Utf8}


def no_alerts() -> pl.DataFrame:
    return pl.DataFrame(schema={**ALERT_SCHEMA, "since": pl.Int32})


def alert_history(status: pl.DataFrame, home: str) -> pl.DataFrame:
    """Which rule fires for which KPI in which quarter, and since when it has been firing."""
    s = status.filter(pl.col("force") == home)
    spc = pl.col("signal")
    frames = [
        s.filter(pl.col("rag") == "red").select(*KEYS, rule=pl.lit("target"),
                                                severity=pl.lit("breach")),
        s.filter((pl.col("rag") == "amber") & ~pl.col("no_clear_change").fill_null(False))
        .select(*KEYS, rule=pl.lit("target"), severity=pl.lit("warning")),
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
        # a current figure, but a quarter missing from a window a trajectory compares
        s.filter(pl.col("missing_comparison").is_not_null()
                 | pl.col("missing_baseline").is_not_null()).select(
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
