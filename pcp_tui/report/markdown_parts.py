"""The paper's own parts in Markdown: the front sheet, the contents, the executive summary, the
scorecard, the figures in words and the sources."""

from __future__ import annotations

from collections.abc import Sequence

from pcp_tui.printouts import md_table, md_text
from pcp_tui.report.figures import Figure
from pcp_tui.report.model import BoardReport
from pcp_tui.report.paper import Headline

SECTIONS = ("Executive summary", "Scorecard", "At a glance", "Breaches, warnings and signals",
            "National priorities", "Most similar forces", "Data: problems and revisions",
            "Sources")


def front_sheet(report: BoardReport) -> list[str]:
    rows = [(k, v) for k, v in report.meta.rows() if k != "Protective marking"]
    return [md_table(("", ""), rows, ("l", "l")), ""] if rows else []


def contents() -> list[str]:
    return ["## Contents", "", *(f"{i}. {t}" for i, t in enumerate(SECTIONS, start=1)), ""]


def _headlines(items: Sequence[Headline], none: str) -> list[str]:
    if not items:
        return [none, ""]
    return [*(f"- {i.glyph} {i.word} **{md_text(i.title)}**: {md_text(i.text)}"
              for i in items), ""]


def executive_summary(report: BoardReport) -> list[str]:
    e = report.executive
    assert e is not None
    return [
        "## Executive summary", "",
        f"### What changed since {e.previous_quarter}", "",
        f"#### New breaches ({len(e.new_breaches)})", "",
        *_headlines(e.new_breaches, "No new breaches this quarter."),
        f"#### Resolved alerts ({len(e.resolved)})", "",
        *_headlines(e.resolved, "No alert was resolved this quarter."),
        f"#### Status changes ({len(e.changed)})", "",
        *_headlines(e.changed, "No KPI changed status since the quarter before."),
        "### The most serious breaches", "", md_text(e.ordering), "",
        *_headlines(e.serious, "No breaches this quarter."),
        "### The biggest improvements", "",
        *_headlines(e.improvements, "No improvements signalled this quarter."),
        "### Each national priority", "",
        *(f"- {p.glyph} {p.word} **{md_text(p.title)}**: {md_text(p.text)} *Commentary: "
          f"{md_text(p.commentary)}.*" for p in e.priorities), "",
        "### Reflections and planned actions", "",
        f"**{e.commentary_written} of the {e.commentary_expected} items of commentary the "
        f"Order requires for {report.quarter} are written.**", "",
    ]


def scorecard(report: BoardReport) -> list[str]:
    out = ["## Scorecard", "",
           f"Every KPI of the plan ({sum(len(g.rows) for g in report.scorecard)}), by section "
           "and objective. SPC: the Making Data Count variation and assurance in words. "
           "Direction: the move since the quarter before. MSF rank: 1 best.", ""]
    section = None
    for group in report.scorecard:
        if group.section != section:
            section = group.section
            out += [f"### {md_text(section)}", ""]
        if group.objective:
            out += [f"#### {md_text(group.objective)}", ""]
        out += [md_table(
            ("KPI", "Latest", "Target", "Status", "Change on baseline", "Direction", "SPC",
             "MSF rank"),
            [(r.title, r.latest, r.target, f"{r.glyph} {r.word}",
              "; ".join(x for x in (r.change, r.significance) if x) or "–",
              r.direction or "–",
              "; ".join(x for x in (r.variation_words, r.assurance_words) if x) or "–",
              r.msf or "–") for r in group.rows],
            ("l", "r", "l", "l", "l", "l", "l", "r")), ""]
    return out


def figure(fig: Figure | None) -> list[str]:
    if fig is None or not fig.has_data:
        return []
    out = [f"*Figure {fig.number}: {md_text(fig.title)}.* {md_text(fig.alt)}", ""]
    out += [f"{m.number}. {md_text(m.quarter)}: {md_text(m.text)}" for m in fig.markers]
    return out + ([""] if fig.markers else [])


def sources(report: BoardReport) -> list[str]:
    rows = []
    for s in report.sources:
        origin = s.publication or "a return written by hand"
        if s.editions:
            origin += ": " + "; ".join(e.name + (f" ({e.edition})" if e.edition else "")
                                       for e in s.editions)
        if s.problem:
            origin += f"; {s.problem}"
        rows.append((s.name, s.quarters, f"{s.rows:,}", str(s.kpis),
                     "illustrative" if s.illustrative else "as published", origin))
    return ["## Sources", "",
            "Every file the figures come from. Files marked illustrative are the bundled "
            "sample, not official statistics.", "",
            md_table(("file", "quarters", "rows", "KPIs", "figures", "source and edition"),
                     rows, ("l", "l", "r", "r", "l", "l")) if rows
            else "No data files were loaded.", ""]
