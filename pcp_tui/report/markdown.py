"""The board report as Markdown: every text from the config, the data and the notes escaped
with `md_text`/`md_cell`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from pcp_tui import __version__
from pcp_tui.printouts import md_table, md_text
from pcp_tui.render import (
    RAG_GLYPHS,
    SEVERITY_GLYPHS,
    SIGNAL_GLYPH,
    STALE_GLYPH,
    STALE_MEANING,
    range_text,
    sparkline,
)
from pcp_tui.report import markdown_parts as paper
from pcp_tui.report.model import (
    MSF_INTRO,
    ORDER_WORDS,
    SEVERITY_TITLES,
    AlertItem,
    BoardReport,
    PaperMeta,
    _counts_words,
    _note_line,
    build_report,
)

if TYPE_CHECKING:
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment

# Markdown -----------------------------------------------------------------------------------


def _md(text: object) -> str:
    return md_text(text)


def _md_notes(notes: Sequence[Note], missing: str) -> list[str]:
    if not notes:
        return [f"**Missing:** {missing}", ""]
    out = []
    for note in notes:
        out += [f"> {_md(note.text)}".replace("  \n", "  \n> "),
                ">",
                f"> — {_md(_note_line(note))}", ""]
    return out


def render_markdown(assessment: Assessment, notes: Sequence[Note],
                    today: date | None = None, meta: PaperMeta | None = None) -> str:
    return markdown_paper(build_report(assessment, notes, today, meta))


def markdown_paper(report: BoardReport) -> str:
    out: list[str] = [
        f"**{_md(report.meta.protective_marking)}**",
        "",
        f"# {_md(report.meta.title or report.title)}",
        "",
        *paper.front_sheet(report),
        *([f"**{report.sample_notice}.**", ""] if report.sample_notice else []),
        f"**{_md(report.force_name)}** · as of **{_md(report.quarter)}** "
        f"({_md(report.months)}) · prepared {report.generated} with pcp-tui {__version__} "
        f"from {_md(report.data_summary)}.",
        "",
        "Status is shown by symbol as well as by word: "
        + ", ".join(f"{g.char} {g.word}" for g in (*RAG_GLYPHS.values(), SIGNAL_GLYPH))
        + f", {STALE_GLYPH.char} {STALE_GLYPH.word} ({STALE_MEANING}).",
        "",
        *paper.contents(),
        *paper.executive_summary(report),
        *paper.scorecard(report),
        "## At a glance",
        "",
        "Alerts this quarter: " + ", ".join(
            f"{SEVERITY_GLYPHS[s].char} {n} {s}" for s, n in report.counts.items()) + ".",
        "",
    ]
    if report.missing:
        out += [f"**Commentary missing for {report.quarter}** ({len(report.missing)} of "
                f"{2 * len(report.priorities)} items):", ""]
        out += [f"- {_md(m)}" for m in report.missing]
        out.append("")
    else:
        out += ["Reflections and planned actions are written for every national priority.", ""]

    out += ["## Status by objective", ""]
    headers = ["Section / objective"] + [f"{g} {w}" for g, w, _ in _counts_words({})]
    rows = [[("" if row.level == 1 else "↳ ") + row.title]
            + [str(n) for _, _, n in _counts_words(row.counts)] for row in report.summary]
    out += [md_table(headers, rows, ["l"] + ["r"] * (len(headers) - 1)), ""]

    out += ["## Breaches, warnings and signals", ""]
    for severity, items in report.alert_sections:
        glyph = SEVERITY_GLYPHS[severity]
        out += [f"### {glyph.char} {SEVERITY_TITLES[severity]} ({len(items)})", ""]
        if not items:
            out += ["None this quarter.", ""]
        for it in items:
            out += _md_alert(it)

    out += [f"## Improvements ({len(report.improvements)})", ""]
    if report.improvements:
        out += [md_table(("KPI", "value", "limits", "since", "evidence"), [
            (it.kpi.title, it.value_text, it.reference,
             "new" if it.alert.is_new else it.alert.since.label, it.message)
            for it in report.improvements], ("l", "r", "l", "l", "l")), ""]
    else:
        out += ["None this quarter.", ""]
    out += [f"## Resolved since {_md(report.previous_quarter)} ({len(report.resolved)})", ""]
    if report.resolved:
        out += [md_table(("", "was", "KPI", "now", "as it stood then"), [
            (SEVERITY_GLYPHS[it.alert.severity].char, it.alert.severity, it.kpi.title,
             now, it.message) for (it, _), now in zip(report.resolved, report.resolved_now)],
            ("c", "l", "l", "l", "l")), ""]
    else:
        out += ["Nothing resolved since the quarter before.", ""]

    out += ["## National priorities", "", _md(ORDER_WORDS),
            "Change is against the national baseline, the 12 months ending June 2019; the "
            "comparison value is the 12 months to the as-of quarter for counts and rates and "
            "the latest level for stocks.", ""]
    for block in report.priorities:
        out += [f"### {block.number}. {_md(block.title)}", ""]
        if block.metrics:
            out += [md_table(
                ("", "Proxy metric", "Latest", f"12 months to {report.quarter}",
                 "12 months ending June 2019", "Change", "Trend (12 quarters)", "SPC"),
                [(f"{m.glyph_char} {m.glyph_word}", m.kpi.title, m.latest, m.comparison,
                  m.national_baseline, m.national_change,
                  f"{sparkline(m.chart.values)} {m.range}".strip(), m.spc)
                 for m in block.metrics],
                ("l", "l", "r", "r", "r", "r", "l", "l")), ""]
            for m in block.metrics:
                out += paper.figure(m.figure)
        else:
            out += ["No proxy metrics are configured for this priority.", ""]
        out += ["#### Reflections on force performance", ""]
        out += _md_notes(block.reflections,
                         f"no reflection on force performance has been written for "
                         f"{_md(report.quarter)}.")
        out += ["#### Planned action for the next quarter", ""]
        out += _md_notes(block.actions,
                         f"no planned action has been written for {_md(report.quarter)}.")
        if block.metric_notes:
            out += ["#### Notes on the metrics", ""]
            for note in block.metric_notes:
                title = report.note_titles.get(note.subject, note.subject)
                out += [f"**{_md(title)}** ({note.kind}):", ""]
                out += _md_notes((note,), "")

    out += ["## Most similar forces", "",
            _md(MSF_INTRO), ""]
    if report.msf:
        out += [md_table(
            ("KPI", "basis", *report.force_names, f"{report.force_names[0]} rank",
             "gap to MSF mean"),
            [(m.kpi.title + (" (worst)" if m.worst else ""), m.basis, *m.values, m.rank, m.gap)
             for m in report.msf],
            ("l", "l", *("r" for _ in report.force_names), "r", "r")), ""]
    else:
        out += ["No KPI is compared with most similar forces.", ""]
    if report.national:
        out += ["Among all forces:", "", *(f"- {_md(line)}" for line in report.national), ""]

    out += ["## Data: problems and revisions", ""]
    out += [f"### Problems ({report.problems_total})", ""]
    if report.problems:
        out += [md_table(("file", "row", "column", "found", "expected"), report.problems), ""]
        if report.problems_total > len(report.problems):
            out += [f"… and {report.problems_total - len(report.problems)} more: run "
                    "`pcp-tui validate` for the full list.", ""]
    else:
        out += ["No problems in the data files.", ""]
    out += [f"### Revisions ({len(report.revisions)})", ""]
    if report.revisions:
        out += [md_table(("KPI", "force", "quarter", "was", "now", "files"), report.revisions),
                ""]
    else:
        out += ["No figures were restated.", ""]
    out += [f"### Missing and stale figures ({len(report.stale) + len(report.no_data)})", ""]
    out += [f"- {_md(it.message)}" for it in report.stale]
    out += [f"- {_md(title)}: no figures yet." for title in report.no_data]
    if not report.stale and not report.no_data:
        out.append("Every KPI has a current figure.")
    out.append("")
    out += paper.sources(report)
    return "\n".join(out)


def _md_alert(it: AlertItem) -> list[str]:
    glyph = SEVERITY_GLYPHS[it.alert.severity]
    since = "new this quarter" if it.alert.is_new else f"since {it.alert.since.label}"
    out = [
        f"#### {glyph.char} {_md(it.kpi.title)}",
        "",
        " · ".join(_md(p) for p in (it.location, it.force_name, since) if p),
        "",
        f"- **Value:** {_md(it.value_text)}",
        f"- **Against:** {_md(it.reference)}",
        f"- **Evidence:** {_md(it.message)}",
    ]
    if it.explanation and it.explanation != it.message:
        out.append(f"- **Status:** {_md(it.explanation)}")
    if it.chart.values:
        out.append(f"- **Trend:** {sparkline(it.chart.values)} "
                   f"({_md(range_text(it.kpi.unit, it.chart.values))})")
    out.append("")
    out += paper.figure(it.figure)
    for note in it.notes:
        out += [f"*{note.kind.capitalize()}:*", ""]
        out += _md_notes((note,), "")
    return out


