"""Alerts: what needs the analyst's attention in a quarter, most urgent first.

An alert is identified by KPI, force, rule and quarter. Like an alerting system's
pending/firing/resolved, each alert knows whether it is new this quarter or has been firing since
an earlier one, and the alerts that fired last quarter but not this one are listed as resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pcp_tui.periods import Quarter

if TYPE_CHECKING:
    from pcp_tui.rules.assess import Assessment, Timeline

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
    timeline: Timeline, quarter: Quarter, assessment: Assessment,
) -> tuple[tuple[Alert, ...], tuple[Alert, ...]]:
    """The alerts firing at `quarter` and those resolved since the quarter before.

    `assessment` is the quarter's statuses; the alerts' sentences are built from them.
    """
    history = timeline.alert_frame
    now = history.filter(pl.col("as_of") == quarter.ordinal)
    before = history.filter(pl.col("as_of") == quarter.ordinal - 1)
    # an alert that changed severity (a warning that became a breach) has not resolved
    resolved = before.join(now, on=["kpi", "force", "rule"], how="anti")

    alerts = [
        _alert(assessment, kpi, force, rule, severity, quarter, Quarter.from_ordinal(since))
        for kpi, force, rule, severity, since in now.select(
            "kpi", "force", "rule", "severity", "since").iter_rows()
    ]
    alerts += _revision_alerts(timeline, quarter)
    previous = quarter.minus(1)
    gone = []
    if resolved.height:
        earlier = timeline.bare(previous)
        gone = [
            _alert(earlier, kpi, force, rule, severity, previous, Quarter.from_ordinal(since))
            for kpi, force, rule, severity, since in resolved.select(
                "kpi", "force", "rule", "severity", "since").iter_rows()
            # an alert that stopped because the figure went missing has not been resolved
            if assessment.status(kpi, force).rag != "grey"
        ]
    return tuple(sort_alerts(alerts, timeline)), tuple(sort_alerts(gone, timeline))


def sort_alerts(alerts: list[Alert], timeline: Timeline) -> list[Alert]:
    """Severity, then the plan's objective order, then the KPI's order."""
    framework = timeline.config.framework
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
    assessment: Assessment, kpi_id: str, force: str, rule: str, severity: str,
    quarter: Quarter, since: Quarter,
) -> Alert:
    from pcp_tui.rules.explain import alert_message

    status = assessment.status(kpi_id, force)
    return Alert(
        id=alert_id(kpi_id, force, rule, quarter),
        severity=severity,
        rule=rule,
        kpi=kpi_id,
        force=force,
        quarter=quarter,
        since=since,
        message=alert_message(status, rule, severity, assessment),
    )


def _revision_alerts(timeline: Timeline, quarter: Quarter) -> list[Alert]:
    """A figure restated by a return for this quarter (or restating this quarter)."""
    framework = timeline.config.framework
    alerts = []
    for rev in timeline.observations.revisions:
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
        force = timeline.config.settings.forces[rev.force]
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
