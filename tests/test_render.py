"""Shared renderables: glyphs, sparklines, alert facts and groups, the alert table, the tree."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.render import (
    RAG_GLYPHS,
    SEVERITY_GLYPHS,
    SIGNAL_GLYPH,
    alert_facts,
    change_text,
    histories,
    literal,
    pct_text,
    print_trimmed,
    range_text,
    rollup_counts,
    short_window,
    sparkline,
    status_glyph,
    visible,
)
from pcp_tui.render_alerts import AlertTable, group_alerts, severity_counts
from pcp_tui.render_kpi import kpi_printout
from pcp_tui.render_tree import summary_tree
from pcp_tui.rules.assess import Assessment, build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


def render(renderable: object, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, markup=False,
                      highlight=False, emoji=False)
    print_trimmed(console, renderable)  # type: ignore[arg-type]
    return console.file.getvalue()  # type: ignore[attr-defined]


# the existing helpers keep their behaviour (the terminal app uses them) ----------------------


def test_glyphs_and_words() -> None:
    assert status_glyph("red").char == "✖"
    assert status_glyph(None).word == "monitor"
    assert status_glyph(None, signal=True) is SIGNAL_GLYPH
    assert status_glyph("red", signal=True) is RAG_GLYPHS["red"]
    assert status_glyph("nonsense") is RAG_GLYPHS["grey"]
    assert len({g.char for g in SEVERITY_GLYPHS.values()}) == 5


def test_sparkline_scales_to_its_own_range() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([100, 101]) == "▁█"
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline([None, 1, None, 2]) == "▁█"
    assert sparkline([1, 2, 3], width=2) == "▁█"
    assert sparkline([]) == ""


def test_literal_never_parses_markup_and_shows_control_characters() -> None:
    text = literal("[bold]x[/bold]\x1b[31m")
    assert text.plain == "[bold]x[/bold]\\x1b[31m"
    assert not text.spans
    assert visible("a\nb") == "a ⏎ b"
    assert visible("a\nb", newlines=True) == "a\nb"


def test_rollup_counts() -> None:
    assert rollup_counts({"red": 2, "green": 1, "amber": 0}).plain == "✖2 ●1"


# numbers ------------------------------------------------------------------------------------


def test_number_words(assessment: Assessment) -> None:
    framework = assessment.config.framework
    percent = framework.kpi("rape-positive-outcome-rate").unit
    count = framework.kpi("residential-burglary").unit
    assert pct_text(1.84) == "+1.8%"
    assert pct_text(-26.3) == "-26.3%"
    assert pct_text(0.01) == "0.0%"
    assert pct_text(None) == "–"
    assert pct_text(float("inf")) == "–"
    assert change_text(percent, -0.54) == "-0.5 pp"
    assert change_text(count, 1200.0) == "+1,200"
    assert range_text(count, [2795.0, 6145.0, 4000.0]) == "2,795–6,145"
    assert range_text(percent, [3.94, 4.86]) == "3.9–4.9"
    assert short_window("12 months ending June 2019") == "yr to Jun 2019"
    assert short_window("2019/20") == "2019/20"


def test_histories_in_one_pass_match_history(assessment: Assessment) -> None:
    every = histories(assessment)
    for kpi_id in ("residential-burglary", "homicides", "pcsos", "county-lines-disruptions"):
        assert every[kpi_id] == assessment.history(kpi_id)
    assert histories(assessment, "greater-manchester")["residential-burglary"] == \
        assessment.history("residential-burglary", "greater-manchester")


# alert facts --------------------------------------------------------------------------------


def find(assessment: Assessment, kpi: str, rule: str):
    return next(a for a in (*assessment.alerts, *assessment.resolved)
                if a.kpi == kpi and a.rule == rule)


def test_alert_facts_for_each_rule(assessment: Assessment) -> None:
    rape = assessment.status("rape-positive-outcome-rate")
    facts = alert_facts(assessment, find(assessment, "rape-positive-outcome-rate", "target"))
    assert (facts.value, facts.unit, facts.reference, facts.short_reference) == (
        rape.latest_value, "percent", "more than 5%", "> 5%")

    suspects = assessment.status("da-outstanding-suspects")
    facts = alert_facts(assessment, find(assessment, "da-outstanding-suspects", "target"))
    assert facts.value == suspects.comparison
    assert facts.reference == f"reduce on 2019/20: {suspects.baseline:,.0f}"
    assert facts.short_reference == f"< {suspects.baseline:,.0f} (2019/20)"

    pcsos = assessment.status("pcsos")
    facts = alert_facts(assessment, find(assessment, "pcsos", "msf"))
    home = next(e.basis for e in pcsos.msf.entries if e.force == "west-midlands")
    assert (facts.value, facts.unit) == (home, "per-1000")
    assert facts.short_reference == f"MSF mean {pcsos.msf.comparators_mean:,.2f} per 1,000"

    facts = alert_facts(assessment, find(assessment, "pcsos", "spc"))
    assert facts.short_reference == f"limits {pcsos.spc.lpl:,.0f}–{pcsos.spc.upl:,.0f}"

    facts = alert_facts(assessment, find(assessment, "residential-burglary", "revised"))
    assert (facts.value, facts.short_reference) == (3877.0, "was 3,829 (2021/22 Q1)")

    facts = alert_facts(assessment, find(assessment, "csew-confidence", "stale"))
    assert facts.reference == "last figure for 2019/20 Q4"

    facts = alert_facts(assessment, find(assessment, "victims-code-compliance", "target"))
    assert (facts.value, facts.value_text, facts.unit) == (None, "at risk", "status")

    facts = alert_facts(assessment, find(assessment, "transport-safety-perception", "survey"))
    year_ago = dict(assessment.history("transport-safety-perception"))[
        assessment.as_of.minus(4)]
    assert facts.reference.startswith(f"{year_ago:.1f}% a year earlier")


def test_a_resolved_alert_is_described_as_it_stood(assessment: Assessment) -> None:
    alert = next(a for a in assessment.resolved if a.rule == "target")
    before = assessment.timeline.at(alert.quarter).status(alert.kpi)
    assert alert_facts(assessment, alert).value == before.comparison


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


# the tree and one KPI -----------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_summary_tree_fits(assessment: Assessment, width: int) -> None:
    out = render(summary_tree(assessment), width)
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert out.splitlines()[0].startswith("West Midlands Police · Police and Crime Plan")


def test_summary_tree_marks_a_stale_figure_with_the_stale_glyph(assessment: Assessment) -> None:
    out = render(summary_tree(assessment), 160)
    line = next(line for line in out.splitlines() if " CSEW confidence " in line
                or "CSEW co" in line)
    assert line.split("CSEW")[0].endswith("◌ ")  # not "· no data" beside its 55.3%
    assert "55.3%" in line and "†" not in line


def test_summary_tree_marks_a_lagging_figure_with_a_dagger(assessment: Assessment) -> None:
    observations = assessment.timeline.observations  # PCSOs without their latest quarter
    cut = observations.frame.filter((pl.col("kpi") != "pcsos")
                                    | (pl.col("period") < assessment.as_of.start))
    earlier = build_timeline(assessment.config, replace(observations, frame=cut)).at(
        assessment.as_of)
    status = earlier.status("pcsos")
    assert status.freshness == "lagging"
    out = render(summary_tree(earlier), 160)
    line = next(line for line in out.splitlines() if f" {status.kpi.short} " in line)
    assert f"{status.kpi.unit.format(status.latest_value)}†" in line
    assert "◌" not in line


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


def test_print_trimmed_strips_padding_only_in_plain_output() -> None:
    plain = Console(file=io.StringIO(), width=40, color_system=None)
    print_trimmed(plain, Text("x", justify="center"), Text("y"))
    assert plain.file.getvalue() == " " * 19 + "x\ny\n"
    styled = Console(file=io.StringIO(), width=40, force_terminal=True,
                     color_system="standard")
    print_trimmed(styled, Text("x", justify="center", style="bold"))
    assert "\x1b[" in styled.file.getvalue()
