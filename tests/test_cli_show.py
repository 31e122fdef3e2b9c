"""`pcp-tui show` end to end: one KPI, its history's special causes, finding it by short title
and force, and a suggestion for an unknown one."""

from __future__ import annotations

import re

from pcp_tui.cli import EXIT_OK, EXIT_USAGE
from pcp_tui.rules.assess import Assessment

# show ---------------------------------------------------------------------------------------


def test_show_one_kpi(run, assessment: Assessment) -> None:
    status, out, _ = run("show", "residential-burglary", "--width", "120")
    assert status == EXIT_OK
    burglary = assessment.status("residential-burglary")
    assert "Residential burglary offences" in out
    assert "reduce on 2019/20" in out
    for quarter, value in assessment.history("residential-burglary"):
        assert re.search(rf"{re.escape(quarter.label)}\s+{value:,.0f}\b", out), quarter
    spc = burglary.spc
    assert f"{spc.lpl:,.0f} to {spc.upl:,.0f}" in out
    for name in ("West Midlands Police", "Greater Manchester Police", "Merseyside Police",
                 "West Yorkshire Police"):
        assert name in out
    for entry in burglary.msf.entries:
        assert f"{entry.basis:,.2f}" in out
    assert "revised from 3,829 to 3,877" in " ".join(out.split())


def test_show_history_labels_special_causes(run, assessment: Assessment) -> None:
    _, out, _ = run("show", "pcsos", "--width", "120")
    last = assessment.spc_points("pcsos")[-1]
    line = next(line for line in out.splitlines() if line.strip().startswith(last.quarter.label))
    assert "concern" in line


def test_show_unknown_kpi_suggests(run) -> None:
    status, _, err = run("show", "rape-positive-outcome")
    assert status == EXIT_USAGE
    assert "rape-positive-outcome-rate" in err


def test_show_by_short_title_and_force(run) -> None:
    status, out, _ = run("show", "Rape POR", "--force", "GMP")
    assert status == EXIT_OK
    assert "Greater Manchester Police" in out
