"""Shared renderables (render): glyphs, sparklines, literal text, roll-up counts, numbers in
words, histories, the facts of each alert, and trimmed printing."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

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
from pcp_tui.rules.assess import Assessment

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


# printing -----------------------------------------------------------------------------------


def test_print_trimmed_strips_padding_only_in_plain_output() -> None:
    plain = Console(file=io.StringIO(), width=40, color_system=None)
    print_trimmed(plain, Text("x", justify="center"), Text("y"))
    assert plain.file.getvalue() == " " * 19 + "x\ny\n"
    styled = Console(file=io.StringIO(), width=40, force_terminal=True,
                     color_system="standard")
    print_trimmed(styled, Text("x", justify="center", style="bold"))
    assert "\x1b[" in styled.file.getvalue()
