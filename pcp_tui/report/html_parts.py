"""The paper's own parts in HTML: the front sheet, the contents, the executive summary, the
scorecard, the figures and the sources. Status is a glyph, a word and a coloured marker; the
text around it stays in the body colour."""

from __future__ import annotations

import html
from collections.abc import Sequence

from pcp_tui.render import visible
from pcp_tui.report.charts import (
    assurance_icon_svg,
    figure_svg,
    funnel_svg,
    variation_icon_svg,
)
from pcp_tui.report.figures import Figure, FunnelFigure
from pcp_tui.report.model import BoardReport
from pcp_tui.report.paper import Headline

PAPER_CSS = """
.marking { text-align: center; font-weight: bold; letter-spacing: .08em; margin: 0 0 .6rem;
           border: 1px solid var(--ink); padding: .15rem; }
table.front { width: auto; margin: .4rem 0 1rem; }
table.front th { background: none; padding-right: 1.2rem; }
nav.contents ol { columns: 2; margin: .2rem 0 1rem; }
nav.contents a { color: var(--ink); }
.mark { display: inline-block; width: .7em; height: .7em; border-radius: 50%;
        margin-right: .25em; vertical-align: baseline; }
.mark.red, .mark.breach { background: var(--red); } .mark.amber, .mark.warning,
.mark.stale { background: var(--amber); }
.mark.green, .mark.improvement { background: var(--green); }
.mark.signal { background: var(--signal); } .mark.grey, .mark.monitor, .mark.none,
.mark.data { background: var(--monitor); }
table.scorecard { font-size: .8rem; }
table.scorecard td { padding: .2rem .3rem; }
tr.group th { background: var(--faint); text-align: left; }
.icons svg { margin-right: .1rem; }
.icon-words { display: block; font-size: .72rem; color: #444; }
figure.chart { margin: .6rem 0 1.2rem; break-inside: avoid; }
figure.chart svg.figure { width: 100%; height: auto; max-width: 44rem; }
figure.chart figcaption { font-size: .85rem; }
ol.markers { font-size: .82rem; margin: .2rem 0 0; }
ul.summary li { margin-bottom: .3rem; }
"""

PRINT_CSS = """
@page { size: A4; margin: 18mm 12mm 16mm;
        @top-center { content: string(marking); font: bold 9pt sans-serif; }
        @bottom-center { content: string(marking); font: bold 9pt sans-serif; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font: 8pt sans-serif; } }
.marking { string-set: marking content(); }
nav.contents a::after { content: leader(".") target-counter(attr(href), page); }
nav.contents ol { columns: 1; }
"""


def h(text: object) -> str:
    return html.escape(visible(text, newlines=True), quote=True)


def glyph(char: str, word: str, style: str) -> str:
    """The status as the paper shows it: a coloured marker, the glyph and the word."""
    return (f'<span class="glyph {h(style)}"><span class="mark {h(style)}" aria-hidden="true">'
            f"</span>{h(char)} {h(word)}</span>")


SECTIONS = (
    ("summary", "Executive summary"), ("scorecard", "Scorecard"), ("glance", "At a glance"),
    ("alerts", "Breaches, warnings and signals"), ("priorities", "National priorities"),
    ("msf", "Most similar forces"), ("data", "Data: problems and revisions"),
    ("sources", "Sources"),
)


def front_sheet(report: BoardReport) -> list[str]:
    meta = report.meta
    rows = "".join(f'<tr><th scope="row">{h(k)}</th><td>{h(v)}</td></tr>'
                   for k, v in meta.rows() if k != "Protective marking")
    return [f'<p class="marking">{h(meta.protective_marking)}</p>',
            f'<table class="front"><tbody>{rows}</tbody></table>']


def contents() -> list[str]:
    items = "".join(f'<li><a href="#{i}">{h(t)}</a></li>' for i, t in SECTIONS)
    return ['<nav class="contents" aria-labelledby="contents">',
            '<h2 class="first" id="contents">Contents</h2>', f"<ol>{items}</ol>", "</nav>"]


def _headlines(items: Sequence[Headline], none: str) -> str:
    if not items:
        return f"<p>{h(none)}</p>"
    return '<ul class="summary">' + "".join(
        f"<li>{glyph(i.glyph, i.word, i.style)} <strong>{h(i.title)}</strong>: {h(i.text)}</li>"
        for i in items) + "</ul>"


def executive_summary(report: BoardReport) -> list[str]:
    e = report.executive
    assert e is not None
    written = (f"{e.commentary_written} of the {e.commentary_expected} items of commentary the "
               f"Order requires for {report.quarter} are written")
    return [
        '<h2 id="summary">Executive summary</h2>',
        f"<h3>What changed since {h(e.previous_quarter)}</h3>",
        f"<h4>New breaches ({len(e.new_breaches)})</h4>",
        _headlines(e.new_breaches, "No new breaches this quarter."),
        f"<h4>Resolved alerts ({len(e.resolved)})</h4>",
        _headlines(e.resolved, "No alert was resolved this quarter."),
        f"<h4>Status changes ({len(e.changed)})</h4>",
        _headlines(e.changed, "No KPI changed status since the quarter before."),
        "<h3>The most serious breaches</h3>",
        f"<p>{h(e.ordering)}</p>",
        _headlines(e.serious, "No breaches this quarter."),
        "<h3>The biggest improvements</h3>",
        _headlines(e.improvements, "No improvements signalled this quarter."),
        "<h3>Each national priority</h3>",
        '<ul class="summary">' + "".join(
            f"<li>{glyph(p.glyph, p.word, p.style)} <strong>{h(p.title)}</strong>: "
            f"{h(p.text)} <em>Commentary: {h(p.commentary)}.</em></li>"
            for p in e.priorities) + "</ul>",
        "<h3>Reflections and planned actions</h3>",
        f"<p><strong>{h(written)}</strong>"
        + (". The missing items are listed under At a glance.</p>"
           if e.commentary_written < e.commentary_expected else ".</p>"),
    ]


SCORE_HEADERS = ("KPI", "Latest", "Target", "Status", "Change on baseline", "Direction",
                 "SPC", "MSF rank")


def scorecard(report: BoardReport) -> list[str]:
    head = "".join(f'<th scope="col">{h(c)}</th>' for c in SCORE_HEADERS)
    body = []
    section = None
    for group in report.scorecard:
        if group.section != section:
            section = group.section
            body.append(f'<tr class="group"><th colspan="{len(SCORE_HEADERS)}" '
                        f'scope="colgroup">{h(section)}</th></tr>')
        if group.objective:
            body.append(f'<tr class="group"><th colspan="{len(SCORE_HEADERS)}" '
                        f'scope="colgroup">&nbsp;&nbsp;{h(group.objective)}</th></tr>')
        for r in group.rows:
            icons = variation_icon_svg(r.variation) + assurance_icon_svg(r.assurance)
            words = "; ".join(w for w in (r.variation_words, r.assurance_words) if w)
            change = h(r.change) + (f"<br>{h(r.significance)}" if r.significance else "")
            body.append(
                f"<tr><td>{h(r.title)}</td><td class=num>{h(r.latest)}</td>"
                f"<td>{h(r.target)}</td><td>{glyph(r.glyph, r.word, r.style)}</td>"
                f"<td>{change or '–'}</td><td>{h(r.direction) or '–'}</td>"
                f'<td class="icons">{icons}<span class="icon-words">{h(words) or "–"}</span></td>'
                f"<td class=num>{h(r.msf) or '–'}</td></tr>")
    count = sum(len(g.rows) for g in report.scorecard)
    return [
        '<h2 id="scorecard">Scorecard</h2>',
        f"<p>Every KPI of the plan ({count}), by section and objective. The SPC column shows "
        "the NHS “Making Data Count” icons with their meaning in words: variation (grey: "
        "common cause; blue: improvement; orange: concern; H or L: high or low) and assurance "
        "(P: will consistently meet the target; F: will consistently miss it; ?: hits and "
        "misses). Direction is the move since the quarter before. MSF rank is among the most "
        "similar forces, 1 best.</p>",
        f'<table class="scorecard"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
        "</tbody></table>",
    ]


def figure(fig: Figure | None) -> list[str]:
    if fig is None or not fig.has_data:
        return []
    out = ['<figure class="chart">', figure_svg(fig),
           f"<figcaption><strong>Figure {fig.number}: {h(fig.title)}.</strong> {h(fig.alt)}"
           "</figcaption>"]
    if fig.markers:
        out.append('<ol class="markers">' + "".join(
            f"<li>{h(m.quarter)}: {h(m.text)}</li>" for m in fig.markers) + "</ol>")
    out.append("</figure>")
    return out


def funnel(fig: FunnelFigure) -> list[str]:
    return ['<figure class="chart">', funnel_svg(fig),
            f"<figcaption><strong>{h(fig.title)}.</strong> {h(fig.alt)}</figcaption>",
            "</figure>"]


def sources(report: BoardReport) -> list[str]:
    out = ['<h2 id="sources">Sources</h2>',
           "<p>Every file the figures come from, with the publication and edition an import "
           "recorded beside it. Files marked illustrative are the bundled sample, not official "
           "statistics.</p>"]
    rows = []
    for s in report.sources:
        origin = s.publication or "a return written by hand"
        if s.editions:
            origin += ": " + "; ".join(
                f"{e.name}" + (f" ({e.edition})" if e.edition else "")
                + (f", sha256 {e.sha256}" if e.sha256 else "") for e in s.editions)
        if s.imported_at:
            origin += f" (imported {s.imported_at} by {s.importer})"
        if s.problem:
            origin += f"; {s.problem}"
        rows.append(f"<tr><td>{h(s.name)}</td><td>{h(s.quarters)}</td>"
                    f"<td class=num>{s.rows:,}</td><td class=num>{s.kpis}</td>"
                    f"<td>{'illustrative' if s.illustrative else 'as published'}</td>"
                    f"<td>{h(origin)}</td></tr>")
    head = "".join(f'<th scope="col">{c}</th>' for c in
                   ("file", "quarters", "rows", "KPIs", "figures", "source and edition"))
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
               if rows else "<p>No data files were loaded.</p>")
    return out
