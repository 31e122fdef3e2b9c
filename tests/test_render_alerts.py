"""The alert renderables (render_alerts): alerts grouped by objective or priority, counts by
severity, and the alert table."""

from __future__ import annotations

import pytest
from printed_text import render
from rich.cells import cell_len

from pcp_tui.render import SEVERITY_GLYPHS
from pcp_tui.render_alerts import AlertTable, group_alerts, severity_counts
from pcp_tui.rules.assess import Assessment

# groups and the table -----------------------------------------------------------------------


def test_group_by_objective_places_each_alert_once(assessment: Assessment) -> None:
    framework = assessment.config.framework
    groups = group_alerts(framework, assessment.alerts)
    placed = [a for g in groups for a in g.alerts]
    assert sorted(a.id for a in placed) == sorted(a.id for a in assessment.alerts)
    titles = [g.title for g in groups]
    order = [o.title for o in framework.objectives] + ["National measures only"]
    assert titles == [t for t in order if t in titles]


def test_group_by_priority_repeats_shared_kpis(assessment: Assessment) -> None:
    framework = assessment.config.framework
    groups = group_alerts(framework, assessment.alerts, "priority")
    for group in groups:
        for alert in group.alerts:
            kpi = framework.kpi(alert.kpi)
            assert group.id in kpi.priorities or (group.id == "no-priority"
                                                  and not kpi.priorities)
    expected = sum(max(1, len(framework.kpi(a.kpi).priorities)) for a in assessment.alerts)
    assert sum(len(g.alerts) for g in groups) == expected


def test_severity_counts(assessment: Assessment) -> None:
    counts = severity_counts(assessment.alerts)
    assert list(counts) == list(SEVERITY_GLYPHS)
    assert sum(counts.values()) == len(assessment.alerts)


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_alert_table_fits_and_keeps_every_sentence(assessment: Assessment, width: int) -> None:
    groups = group_alerts(assessment.config.framework, assessment.alerts)
    out = render(AlertTable(assessment, groups), width)
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert not [line for line in out.splitlines() if line != line.rstrip()]
    flat = " ".join(out.split())
    for alert in assessment.alerts:
        assert " ".join(alert.message.split()) in flat


def test_alert_table_for_resolved_alerts_says_what_happened(assessment: Assessment) -> None:
    groups = group_alerts(assessment.config.framework, assessment.resolved)
    out = render(AlertTable(assessment, groups, firing=assessment.alerts), 120)
    lines = out.splitlines()
    # a warning then and a breach now has not resolved: it is among the firing alerts
    assert not any("Victims Code" in line for line in lines)
    assert any(a.kpi == "victims-code-compliance" and a.is_new for a in assessment.alerts)
    resolved = next(a for a in assessment.resolved if a.rule == "target")
    short = assessment.config.framework.kpi(resolved.kpi).short
    line = next(line for line in lines if short in line)
    assert line.rstrip().endswith("resolved")
