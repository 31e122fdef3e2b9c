"""`pcp-tui summary` end to end: the plan as a tree, stale figures, roll-ups, depth, only alerts,
by priority, the sparkline's range."""

from __future__ import annotations

import re

from pcp_tui.cli import EXIT_OK, EXIT_USAGE
from pcp_tui.rules.assess import Assessment

# summary ------------------------------------------------------------------------------------


def test_summary_tree_holds_the_plan(run, assessment: Assessment) -> None:
    status, out, _ = run("summary", "--width", "200")
    assert status == EXIT_OK
    framework = assessment.config.framework
    for node in (*framework.sections, *framework.objectives, *framework.sub_objectives):
        assert node.title in " ".join(out.split()), node.title
    lines = out.splitlines()
    for kpi in framework.kpis:
        status_ = assessment.status(kpi.id)
        line = next(line for line in lines if f" {kpi.short} " in line)
        if kpi.is_numeric and status_.latest_value is not None:
            assert kpi.unit.format(status_.latest_value) in line, kpi.id


def test_summary_marks_a_stale_figure_stale_never_no_data(run, assessment: Assessment) -> None:
    status, out, _ = run("summary", "--width", "200")
    assert status == EXIT_OK
    lines = out.splitlines()
    stale = [s for s in assessment.home_statuses.values() if s.is_stale]
    assert stale  # the sample's CSEW figures end in 2019/20 Q4
    for status_ in stale:
        line = next(line for line in lines if f" {status_.kpi.short} " in line)
        figure = status_.kpi.unit.format(status_.latest_value)
        assert f"◌ {status_.kpi.short} " in line and figure in line
        assert f"{figure}†" not in line  # one mark, not two
    legend = " ".join(out.split())
    assert "◌ stale: figure older than the as-of quarter allows; not judged" in legend
    assert "† a figure for an earlier quarter, still judged" in legend


def test_summary_objective_rollups(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--width", "200", "--depth", "2")
    framework = assessment.config.framework
    for section in framework.by_plan():
        for objective in section.children:
            counts = assessment.rollup(objective)
            line = next(line for line in out.splitlines() if objective.title in line)
            if counts["red"]:
                assert f"✖{counts['red']}" in line
            if counts["green"]:
                assert f"●{counts['green']}" in line


def test_summary_depth_and_only_alerts(run, assessment: Assessment) -> None:
    framework = assessment.config.framework
    _, out, _ = run("summary", "--depth", "1", "--width", "200")
    assert all(o.title not in out for o in framework.objectives)
    _, out, _ = run("summary", "--depth", "2", "--width", "200")
    assert framework.kpi("rape-positive-outcome-rate").short not in out
    _, out, _ = run("summary", "--only-alerts", "--width", "200")
    flagged = {a.kpi for a in assessment.alerts if a.severity in ("breach", "warning", "signal")}
    for kpi in framework.kpis:
        present = re.search(rf" {re.escape(kpi.short)} ", out) is not None
        assert present == (kpi.id in flagged), kpi.id


def test_summary_by_priority(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--by", "priority", "--width", "200")
    for priority in assessment.config.framework.priorities:
        assert priority.title in out
    homicides = assessment.status("homicides")
    line = next(line for line in out.splitlines() if " Homicides " in line)
    assert f"{homicides.national_change_pct:+.1f}%" in line


def test_summary_sparkline_range_is_printed(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--width", "200")
    history = [v for _, v in assessment.history("residential-burglary")][-12:]
    line = next(line for line in out.splitlines() if " Residential burglary " in line)
    assert f"{min(history):,.0f}–{max(history):,.0f}" in line


def test_summary_bad_depth(run) -> None:
    assert run("summary", "--depth", "0")[0] == EXIT_USAGE
