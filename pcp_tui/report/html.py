"""The board report as one self-contained HTML file: inline CSS and inline SVG charts, nothing
fetched from outside; all text escaped with `html.escape`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from pcp_tui import __version__
from pcp_tui.render import (
    RAG_GLYPHS,
    SEVERITY_GLYPHS,
    SIGNAL_GLYPH,
    STALE_GLYPH,
    STALE_MEANING,
    range_text,
)
from pcp_tui.report.charts import _h, svg_chart

if TYPE_CHECKING:
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment
from pcp_tui.report import html_parts as paper
from pcp_tui.report.model import (
    GLYPH_CLASSES,
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

# HTML ---------------------------------------------------------------------------------------

CSS = """
:root { --red: #b3261e; --amber: #8a5a00; --green: #1b6e3a; --grey: #666; --signal: #7a1fa2;
        --monitor: #00607a; --ink: #1a1a1a; --rule: #c8c8c8; --faint: #f3f3f3; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: var(--ink);
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 1.1rem 0 .3rem; }
p.meta, p.where { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
th { background: var(--faint); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.section td { font-weight: bold; background: var(--faint); }
.red { color: var(--red); } .amber { color: var(--amber); } .green { color: var(--green); }
.grey { color: var(--grey); } .none, .monitor { color: var(--monitor); }
.stale { color: var(--amber); }
.signal { color: var(--signal); } .breach { color: var(--red); } .warning { color: var(--amber); }
.improvement { color: var(--green); } .data { color: var(--grey); }
.glyph { font-weight: bold; white-space: nowrap; }
.alert { border-left: 4px solid var(--rule); padding: .1rem 0 .1rem .8rem; margin: 1rem 0;
         break-inside: avoid; }
.alert.breach { border-color: var(--red); } .alert.warning { border-color: var(--amber); }
.alert.signal { border-color: var(--signal); }
.alert dl { display: grid; grid-template-columns: 8rem 1fr; gap: .1rem .8rem; margin: .3rem 0; }
.alert dt { font-weight: bold; } .alert dd { margin: 0; }
blockquote { margin: .4rem 0 .8rem; padding: .4rem .8rem; background: var(--faint);
             border-left: 3px solid var(--monitor); white-space: pre-wrap; }
blockquote footer { white-space: normal; color: #555; font-size: .85rem; margin-top: .3rem; }
.missing { font-weight: bold; border-left: 4px solid var(--ink); padding-left: .5rem; }
.sample { border: 2px solid var(--amber); padding: 0.3em 0.6em; }
.box { border: 2px solid var(--red); padding: .5rem 1rem; margin: 1rem 0; }
svg { vertical-align: middle; }
svg .series { fill: none; stroke: var(--ink); stroke-width: 1.5; }
svg .mean { stroke: #777; stroke-width: 1; }
svg .limit { stroke: #999; stroke-width: 1; stroke-dasharray: 3 2; }
svg .target { stroke: var(--red); stroke-width: 1.2; stroke-dasharray: 6 2; }
svg .last { stroke: none; }
svg .last.red, svg .last.breach { fill: var(--red); } svg .last.amber { fill: var(--amber); }
svg .last.green { fill: var(--green); } svg .last.signal { fill: var(--signal); }
svg .last.grey, svg .last.none { fill: var(--monitor); }
.legend { font-size: .85rem; color: #444; }
footer.page { margin-top: 3rem; font-size: .8rem; color: #555; border-top: 1px solid var(--rule); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-before: page; break-after: avoid; }
  h2.first { break-before: auto; }
  h3, h4 { break-after: avoid; }
  tr, .alert, blockquote, svg { break-inside: avoid; }
  thead { display: table-header-group; }
  th, tr.section td, blockquote { background: none; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _html_notes(notes: Sequence[Note], missing: str) -> list[str]:
    if not notes:
        return [f'<p class="missing">Missing: {_h(missing)}</p>']
    return [f"<blockquote>{_h(n.text)}<footer>— {_h(_note_line(n))}</footer></blockquote>"
            for n in notes]


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                numeric: Sequence[int] = (), raw: Sequence[int] = ()) -> str:
    """A table; cells are escaped unless their column is in `raw` (already-built HTML)."""
    head = "".join(f'<th{" class=num" if i in numeric else ""} scope="col">{_h(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(
            f'<td{" class=num" if i in numeric else ""}>'
            f"{cell if i in raw else _h(cell)}</td>" for i, cell in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _glyph_html(char: str, word: str, cls: str) -> str:
    return f'<span class="glyph {_h(cls)}">{_h(char)} {_h(word)}</span>'


def render_html(assessment: Assessment, notes: Sequence[Note],
                today: date | None = None, meta: PaperMeta | None = None) -> str:
    return html_paper(build_report(assessment, notes, today, meta))


def html_paper(report: BoardReport) -> str:
    """The paper as one self-contained HTML file (WeasyPrint makes the PDF from the same)."""
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(report.title)}</title>",
        f"<style>{CSS}{paper.PAPER_CSS}{paper.PRINT_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        *paper.front_sheet(report)[:1],
        f"<h1>{_h(report.meta.title or report.title)}</h1>",
        *paper.front_sheet(report)[1:],
        *([f'<p class="sample"><strong>{_h(report.sample_notice)}.</strong></p>']
          if report.sample_notice else []),
        f'<p class="meta"><strong>{_h(report.force_name)}</strong> · as of '
        f"<strong>{_h(report.quarter)}</strong> ({_h(report.months)}) · prepared "
        f"{_h(report.generated)} with pcp-tui {_h(__version__)} from "
        f"{_h(report.data_summary)}.</p>",
        '<p class="legend">Status is shown by symbol as well as by word and colour: '
        + " ".join(_glyph_html(g.char, g.word, key or "monitor") + " "
                   for key, g in RAG_GLYPHS.items())
        + _glyph_html(SIGNAL_GLYPH.char, "signal", "signal") + " "
        + _glyph_html(STALE_GLYPH.char, STALE_GLYPH.word, "stale") + f" ({_h(STALE_MEANING)})"
        + ". The figures show up to five years of quarters with labelled axes: the series "
        "(black, the latest point marked in its status colour), the target (bold dashes), "
        "the SPC mean (grey) and process limits (grey dashes), the baseline window (shaded), "
        "a survey's confidence interval (grey band) and numbered markers for the notes written "
        "against the KPI. Small trend lines in tables show the last 12 quarters.</p>",
        "</header>",
        "<main>",
        *paper.contents(),
        *paper.executive_summary(report),
        *paper.scorecard(report),
        '<h2 id="glance">At a glance</h2>',
        "<p>Alerts this quarter: "
        + ", ".join(_glyph_html(SEVERITY_GLYPHS[s].char, f"{n} {s}", s)
                    for s, n in report.counts.items()) + ".</p>",
    ]
    if report.missing:
        out.append(f'<div class="box"><p class="missing">Commentary missing for '
                   f"{_h(report.quarter)} ({len(report.missing)} of "
                   f"{2 * len(report.priorities)} items):</p><ul>"
                   + "".join(f"<li>{_h(m)}</li>" for m in report.missing) + "</ul></div>")
    else:
        out.append("<p>Reflections and planned actions are written for every national "
                   "priority.</p>")

    # statuses by objective
    out.append('<h3 id="status">Status by objective</h3>')
    head = "".join(f'<th class="num" scope="col">{_glyph_html(g, w, c)}</th>'
                   for (g, w, _), c in zip(_counts_words({}),
                                           ("red", "amber", "green", "grey", "monitor",
                                            "signal", "stale")))
    rows = []
    for row in report.summary:
        cls = ' class="section"' if row.level == 1 else ""
        cells = "".join(f'<td class="num">{n}</td>' for _, _, n in _counts_words(row.counts))
        indent = "" if row.level == 1 else "&nbsp;&nbsp;&nbsp;"
        rows.append(f"<tr{cls}><td>{indent}{_h(row.title)}</td>{cells}</tr>")
    out.append(f'<table><thead><tr><th scope="col">Section / objective</th>{head}</tr></thead>'
               f"<tbody>{''.join(rows)}</tbody></table>")

    # alerts
    out.append('<h2 id="alerts">Breaches, warnings and signals</h2>')
    for severity, items in report.alert_sections:
        glyph = SEVERITY_GLYPHS[severity]
        out.append(f'<h3 id="{severity}">{_glyph_html(glyph.char, "", severity)}'
                   f"{_h(SEVERITY_TITLES[severity])} ({len(items)})</h3>")
        if not items:
            out.append("<p>None this quarter.</p>")
        out += [_html_alert(it) for it in items]

    out.append(f'<h3 id="improvements">Improvements ({len(report.improvements)})</h3>')
    if report.improvements:
        out.append(_html_table(
            ("KPI", "value", "limits", "since", "evidence", "trend"),
            [(it.kpi.title, it.value_text, it.reference,
              "new" if it.alert.is_new else it.alert.since.label, it.message,
              svg_chart(it.chart, label=f"{it.kpi.title}: last 12 quarters"))
             for it in report.improvements], numeric=(1,), raw=(5,)))
    else:
        out.append("<p>None this quarter.</p>")
    out.append(f'<h3 id="resolved">Resolved since {_h(report.previous_quarter)} '
               f"({len(report.resolved)})</h3>")
    if report.resolved:
        out.append(_html_table(
            ("was", "KPI", "now", "as it stood then"),
            [(_glyph_html(SEVERITY_GLYPHS[it.alert.severity].char, it.alert.severity,
                          it.alert.severity), _h(it.kpi.title),
              _h(now), _h(it.message))
             for (it, _), now in zip(report.resolved, report.resolved_now)],
            raw=(0, 1, 2, 3)))
    else:
        out.append("<p>Nothing resolved since the quarter before.</p>")

    # national priorities
    out.append('<h2 id="priorities">National priorities</h2>')
    out.append(f"<p>{_h(ORDER_WORDS)} Change is against the national baseline, the 12 months "
               "ending June 2019; the comparison value is the 12 months to the as-of quarter "
               "for counts and rates and the latest level for stocks.</p>")
    for block in report.priorities:
        out.append(f'<h3 id="priority-{_h(block.id)}">{block.number}. {_h(block.title)}</h3>')
        if block.metrics:
            out.append(_html_table(
                ("status", "Proxy metric", "Latest", f"12 months to {report.quarter}",
                 "12 months ending June 2019", "Change", "Trend", "SPC"),
                [(_glyph_html(m.glyph_char, m.glyph_word, GLYPH_CLASSES[m.glyph_word]),
                  _h(m.kpi.title), _h(m.latest), _h(m.comparison), _h(m.national_baseline),
                  _h(m.national_change),
                  svg_chart(m.chart, width=110, height=26,
                            label=f"{m.kpi.title}: last 12 quarters, {m.range}")
                  + (f' <span class="legend">{_h(m.range)}</span>' if m.range else ""),
                  _h(m.spc))
                 for m in block.metrics], numeric=(2, 3, 4, 5), raw=tuple(range(8))))
            for m in block.metrics:
                out += paper.figure(m.figure)
        else:
            out.append("<p>No proxy metrics are configured for this priority.</p>")
        out.append("<h4>Reflections on force performance</h4>")
        out += _html_notes(block.reflections, "no reflection on force performance has been "
                           f"written for {report.quarter}.")
        out.append("<h4>Planned action for the next quarter</h4>")
        out += _html_notes(block.actions,
                           f"no planned action has been written for {report.quarter}.")
        if block.metric_notes:
            out.append("<h4>Notes on the metrics</h4>")
            for note in block.metric_notes:
                title = report.note_titles.get(note.subject, note.subject)
                out.append(f"<p><strong>{_h(title)}</strong> "
                           f"({_h(note.kind)}):</p>")
                out += _html_notes((note,), "")

    # most similar forces
    out.append('<h2 id="msf">Most similar forces</h2>')
    out.append(f"<p>{_h(MSF_INTRO)}</p>")
    if report.msf:
        out.append(_html_table(
            ("KPI", "basis", *report.force_names, f"{report.force_names[0]} rank",
             "gap to MSF mean"),
            [(m.kpi.title + (" (worst)" if m.worst else ""), m.basis, *m.values, m.rank, m.gap)
             for m in report.msf],
            numeric=tuple(range(2, 4 + len(report.force_names)))))
    else:
        out.append("<p>No KPI is compared with most similar forces.</p>")
    if report.national:
        out.append("<p>Among all forces:</p><ul>"
                   + "".join(f"<li>{_h(line)}</li>" for line in report.national) + "</ul>")
        for fig in report.funnels:
            out += paper.funnel(fig)

    # data
    out.append('<h2 id="data">Data: problems and revisions</h2>')
    out.append(f"<h3>Problems ({report.problems_total})</h3>")
    if report.problems:
        out.append(_html_table(("file", "row", "column", "found", "expected"), report.problems,
                               numeric=(1,)))
        if report.problems_total > len(report.problems):
            out.append(f"<p>… and {report.problems_total - len(report.problems)} more: run "
                       "<code>pcp-tui validate</code> for the full list.</p>")
    else:
        out.append("<p>No problems in the data files.</p>")
    out.append(f"<h3>Revisions ({len(report.revisions)})</h3>")
    if report.revisions:
        out.append(_html_table(("KPI", "force", "quarter", "was", "now", "files"),
                               report.revisions, numeric=(3, 4)))
    else:
        out.append("<p>No figures were restated.</p>")
    out.append(f"<h3>Missing and stale figures ({len(report.stale) + len(report.no_data)})</h3>")
    items = [f"<li>{_h(it.message)}</li>" for it in report.stale]
    items += [f"<li>{_h(title)}: no figures yet.</li>" for title in report.no_data]
    out.append(f"<ul>{''.join(items)}</ul>" if items
               else "<p>Every KPI has a current figure.</p>")
    out += paper.sources(report)
    out += [
        "</main>",
        f'<footer class="page"><p>{_h(report.force_name)} · {_h(report.quarter)} · '
        f"pcp-tui {_h(__version__)}</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def _html_alert(it: AlertItem) -> str:
    severity = it.alert.severity
    glyph = SEVERITY_GLYPHS[severity]
    since = "new this quarter" if it.alert.is_new else f"since {it.alert.since.label}"
    rows = [("Value", _h(it.value_text)), ("Against", _h(it.reference)),
            ("Evidence", _h(it.message))]
    if it.explanation and it.explanation != it.message:
        rows.append(("Status", _h(it.explanation)))
    if it.chart.values and it.figure is None:
        rows.append(("Trend", svg_chart(
            it.chart, width=260, height=60,
            label=f"{it.kpi.title}: last 12 quarters with mean, limits and target")
            + f' <span class="legend">{_h(range_text(it.kpi.unit, it.chart.values))}</span>'))
    parts = [
        f'<section class="alert {severity}">',
        f"<h4>{paper.glyph(glyph.char, glyph.word, severity)} {_h(it.kpi.title)}</h4>",
        '<p class="where">' + " · ".join(_h(p) for p in (it.location, it.force_name, since)
                                         if p) + "</p>",
        "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>",
        *paper.figure(it.figure),
    ]
    for note in it.notes:
        parts.append(f"<p><em>{_h(note.kind.capitalize())}:</em></p>")
        parts += _html_notes((note,), "")
    parts.append("</section>")
    return "\n".join(parts)



