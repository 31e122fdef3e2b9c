"""One KPI printed (render_kpi): a commitment, and notes shown literally."""

from __future__ import annotations

from pathlib import Path

from printed_text import render

from pcp_tui.render_kpi import kpi_printout
from pcp_tui.rules.assess import Assessment

# one KPI ----------------------------------------------------------------------------------


def test_kpi_printout_for_a_commitment(assessment: Assessment) -> None:
    out = render(kpi_printout(assessment, "victims-code-compliance"), 100)
    assert "at risk" in out
    assert not [line for line in out.splitlines() if line.startswith("unit ")]


def test_kpi_printout_notes_are_literal(assessment: Assessment, tmp_path: Path) -> None:
    from pcp_tui.notes import NotesLog

    log = NotesLog(tmp_path / "n.jsonl")
    log.add("homicides", assessment.as_of, "reflection", "[bold]not bold[/bold]\nline two",
            author="[i]me[/i]")
    out = render(kpi_printout(assessment, "homicides", notes=log.read()[0]), 100)
    assert "[bold]not bold[/bold]" in out
    assert "[i]me[/i]" in out
    assert "line two" in out
