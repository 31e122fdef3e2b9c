"""The quarterly board report: Markdown, or one self-contained HTML file.

Seed paragraphs 12–18 and 67: each quarter the PCC reports to the Strategic Policing and Crime
Board on the Police and Crime Plan and, as the Elected Local Policing Bodies (Specified
Information) (Amendment) Order 2021 requires, on each of the six national priorities: "reflections
on force performance" and "a summary of planned action for the next quarter". The report takes
that commentary from the notes (subject `priority:<id>`, the as-of quarter) and never writes it
itself: commentary that has not been written is listed as missing.

Both formats are built from one `BoardReport`, so they hold the same figures. All text from the
config, the data and the notes is escaped (`html.escape` for HTML, `md_text`/`md_cell` for
Markdown). The HTML has inline CSS and inline SVG charts and refers to nothing outside itself.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pcp_tui import __version__
from pcp_tui.framework import Kpi, Threshold
from pcp_tui.printouts import md_table, md_text
from pcp_tui.provenance import sample_notice
from pcp_tui.render import (
    ALERTING,
    RAG_GLYPHS,
    SEVERITY_GLYPHS,
    SIGNAL_GLYPH,
    STALE_GLYPH,
    STALE_MEANING,
    alert_facts,
    histories,
    is_signal,
    kpi_glyph,
    msf_heading,
    national_heading,
    pct_text,
    range_text,
    severity_counts,
    sparkline,
    value_text,
    visible,
)
from pcp_tui.rules.explain import spc_phrase
from pcp_tui.rules.national import judgement_words

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment, KpiStatus

MAX_PROBLEM_ROWS = 200
GLYPH_CLASSES = {"red": "red", "amber": "amber", "green": "green", "no data": "grey",
                 "monitor": "monitor", "signal": "signal", "stale": "stale"}
SEVERITY_TITLES = {
    "breach": "Breaches",
    "warning": "Warnings",
    "signal": "Signals of special-cause concern",
}
ORDER_WORDS = (
    "The Elected Local Policing Bodies (Specified Information) (Amendment) Order 2021 asks the "
    "PCC to publish, for each national priority, reflections on force performance and a summary "
    "of planned action for the next quarter, and to review them quarterly."
)


# The report as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """What an inline chart draws: the series, and the lines to draw across it."""

    values: tuple[float, ...]
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    target: float | None = None
    style: str = "none"  # red | amber | green | grey | none | signal


@dataclass(frozen=True)
class AlertItem:
    alert: Alert
    kpi: Kpi
    location: str
    force_name: str
    value_text: str
    reference: str
    message: str
    explanation: str
    chart: Chart
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class MetricRow:
    kpi: Kpi
    status: KpiStatus
    glyph_char: str
    glyph_word: str
    latest: str
    comparison: str
    national_baseline: str
    national_change: str
    spc: str
    chart: Chart
    range: str


@dataclass(frozen=True)
class PriorityBlock:
    number: int
    id: str
    title: str
    metrics: tuple[MetricRow, ...]
    reflections: tuple[Note, ...]
    actions: tuple[Note, ...]
    metric_notes: tuple[Note, ...]


@dataclass(frozen=True)
class SummaryRow:
    level: int  # 1 section, 2 objective
    title: str
    counts: dict[str, int]


@dataclass(frozen=True)
class MsfRow:
    kpi: Kpi
    basis: str
    values: tuple[str, ...]  # one per force, in the settings' order
    rank: str
    gap: str
    worst: bool


@dataclass(frozen=True)
class BoardReport:
    title: str
    force_name: str
    quarter: str
    months: str
    generated: str
    data_summary: str
    counts: dict[str, int]
    summary: tuple[SummaryRow, ...]
    alert_sections: tuple[tuple[str, tuple[AlertItem, ...]], ...]
    improvements: tuple[AlertItem, ...]
    resolved: tuple[tuple[AlertItem, str], ...]
    previous_quarter: str
    priorities: tuple[PriorityBlock, ...]
    missing: tuple[str, ...]
    force_names: tuple[str, ...]
    msf: tuple[MsfRow, ...]
    problems: tuple[tuple[str, str, str, str, str], ...]
    problems_total: int
    revisions: tuple[tuple[str, str, str, str, str, str], ...]
    stale: tuple[AlertItem, ...]
    no_data: tuple[str, ...]
    notes_problems: tuple[str, ...] = field(default=())
    sample_notice: str | None = None
    # the home force among all forces with a figure, one line per count KPI with national data
    national: tuple[str, ...] = ()


MSF_INTRO = (
    "Every force is shown for the window of the home force's figure (the 12 months to its "
    "latest quarter; the latest level for stocks) and from the same kind of figure (quarterly "
    "figures or published 12-month figures), as the basis column says; a force without a "
    "figure for that window is marked with the reason and left out of the rank and the mean. "
    "Counts per 1,000 population (per 100,000 for rare crimes such as homicide). Rank 1 is "
    "best."
)


def build_report(assessment: Assessment, notes: Sequence[Note],
                 today: date | None = None) -> BoardReport:
    """Everything the board report shows, computed once for both formats."""
    config = assessment.config
    framework, settings = config.framework, config.settings
    home = settings.home_force
    quarter = assessment.as_of
    label = quarter.label if quarter else "no data"
    series = histories(assessment)
    statuses = assessment.home_statuses
    this_quarter = [n for n in notes if quarter is not None and n.quarter == quarter.label]

    def notes_on(subject: str, kind: str | None = None) -> tuple[Note, ...]:
        return tuple(n for n in this_quarter
                     if n.subject == subject and (kind is None or n.kind == kind))

    def chart(status: KpiStatus) -> Chart:
        values = tuple(v for _, v in series.get(status.kpi.id, []))[-12:]
        target = status.kpi.target
        glyph_style = ("signal" if is_signal(status) and status.rag is None
                       else status.rag or "none")
        spc = status.spc
        return Chart(
            values=values,
            mean=None if spc.insufficient else spc.mean,
            lpl=None if spc.insufficient else spc.lpl,
            upl=None if spc.insufficient else spc.upl,
            target=target.value if isinstance(target, Threshold) else None,
            style=glyph_style,
        )

    def item(alert: Alert) -> AlertItem:
        kpi = framework.kpi(alert.kpi)
        at = assessment if alert.quarter == quarter else assessment.timeline.at(alert.quarter)
        status = at.status(alert.kpi, alert.force)
        facts = alert_facts(assessment, alert)
        force = settings.forces.get(alert.force)
        return AlertItem(
            alert=alert, kpi=kpi, location=framework.location(kpi),
            force_name="" if alert.force == home else (force.name if force else alert.force),
            value_text=facts.value_text, reference=facts.reference, message=alert.message,
            explanation=status.explanation, chart=chart(status),
            notes=notes_on(alert.kpi) if alert.force == home else (),
        )

    # statuses by objective
    summary: list[SummaryRow] = []
    for node in framework.by_plan():
        summary.append(SummaryRow(1, node.title, assessment.rollup(node)))
        for child in node.children:
            summary.append(SummaryRow(2, child.title, assessment.rollup(child)))

    alert_sections = tuple(
        (severity, tuple(item(a) for a in assessment.alerts if a.severity == severity))
        for severity in ALERTING
    )
    improvements = tuple(item(a) for a in assessment.alerts if a.severity == "improvement")
    resolved = tuple((item(a), "resolved") for a in assessment.resolved)
    stale = tuple(item(a) for a in assessment.alerts if a.severity == "data")

    # the national priorities
    blocks = []
    missing = []
    for number, node in enumerate(framework.by_priority(), start=1):
        subject = f"priority:{node.id}"
        reflections = notes_on(subject, "reflection")
        actions = notes_on(subject, "action")
        if not reflections:
            missing.append(f"{node.title}: reflections on force performance")
        if not actions:
            missing.append(f"{node.title}: planned action for the next quarter")
        blocks.append(PriorityBlock(
            number=number, id=node.id, title=node.title,
            metrics=tuple(_metric_row(statuses[k.id], series, chart) for k in node.kpis),
            reflections=reflections, actions=actions,
            metric_notes=tuple(n for k in node.kpis for n in notes_on(k.id)),
        ))

    # most similar forces
    forces = settings.all_forces
    msf_rows = []
    for kpi in framework.kpis:
        status = statuses[kpi.id]
        if status.msf is None:
            continue
        msf = status.msf
        by_force = {e.force: e for e in msf.entries}
        cells = []
        for force_id in forces:
            entry = by_force.get(force_id)
            basis = entry.basis if entry else None
            cells.append((f"– ({entry.missing})" if entry and entry.missing else "–")
                         if basis is None else
                         f"{basis:,.2f}" if msf.per_population else kpi.unit.format(basis))
        msf_rows.append(MsfRow(
            kpi=kpi,
            basis=(msf.basis_words if msf.per_population else kpi.unit.words)
            + f", {msf_heading(msf)}",
            values=tuple(cells),
            rank="–" if msf.home_rank is None else f"{msf.home_rank} of {msf.n}",
            gap=pct_text(msf.gap_pct),
            worst=msf.worst,
        ))

    observations = assessment.timeline.observations
    problems = tuple(
        (Path(p.file).name, "" if p.row is None else str(p.row), p.column or "", p.found,
         p.expected)
        for p in observations.problems[:MAX_PROBLEM_ROWS])
    revisions = tuple(
        (framework.kpi(r.kpi).title if r.kpi in framework.kpi_ids else r.kpi,
         settings.forces[r.force].short if r.force in settings.forces else r.force,
         r.quarter.label,
         _unit_format(framework, r.kpi, r.old_value), _unit_format(framework, r.kpi, r.new_value),
         f"{Path(r.old_file).name} → {Path(r.new_file).name}")
        for r in assessment.revisions)
    no_data = tuple(k.title for k in framework.kpis
                    if statuses[k.id].latest_quarter is None and k.is_numeric)
    quarters = observations.quarters
    data_summary = (
        f"{len(observations.files)} data files; quarters {quarters[0].label} to "
        f"{quarters[-1].label}" if quarters else f"{len(observations.files)} data files; no data")

    return BoardReport(
        title=f"Police and Crime Plan and national priorities: performance report, {label}",
        force_name=settings.forces[home].name,
        quarter=label,
        months=quarter.months_label if quarter else "",
        generated=(today or date.today()).isoformat(),
        data_summary=data_summary,
        sample_notice=sample_notice(observations.files),
        counts=severity_counts(assessment.alerts),
        summary=tuple(summary),
        alert_sections=alert_sections,
        improvements=improvements,
        resolved=resolved,
        previous_quarter=quarter.minus(1).label if quarter else "",
        priorities=tuple(blocks),
        missing=tuple(missing),
        force_names=tuple(settings.forces[f].short or settings.forces[f].name for f in forces),
        msf=tuple(msf_rows),
        problems=problems,
        problems_total=len(observations.problems),
        revisions=revisions,
        stale=stale,
        no_data=no_data,
        national=tuple(_national_line(statuses[kpi.id], settings) for kpi in framework.kpis
                       if statuses[kpi.id].national is not None),
    )


def _national_line(status: KpiStatus, settings: object) -> str:
    """`Homicides: 1.44 per 100,000 population against 1.18 for all 42 forces with a figure
    (the 12 months to …); rank 34 of 42; funnel: within the 95 % limits …`."""
    position = status.national
    assert position is not None
    better = {"higher": 1, "lower": -1}.get(status.kpi.better, 0)
    rank = f"; rank {position.home.rank} of {position.n}" if position.home.rank else ""
    return (f"{status.kpi.title}: {position.home.rate:,.2f} {position.basis_words} against "
            f"{position.funnel.target:,.2f} for all {position.n} forces with a figure "
            f"({national_heading(position)}){rank}; funnel: "
            f"{judgement_words(position, better)}")


def _unit_format(framework: object, kpi_id: str, value: float | None) -> str:
    try:
        return framework.kpi(kpi_id).unit.format(value)  # type: ignore[attr-defined]
    except KeyError:
        return "–" if value is None else f"{value:,.6g}"


def _metric_row(status: KpiStatus, series: dict, chart: object) -> MetricRow:
    kpi = status.kpi
    unit = kpi.unit
    glyph = kpi_glyph(status)
    values = [v for _, v in series.get(kpi.id, [])][-12:]
    latest = value_text(status)
    if (status.latest_quarter is not None and kpi.is_numeric
            and status.latest_quarter != status.as_of):
        latest += f" ({status.latest_quarter.label})"
    return MetricRow(
        kpi=kpi, status=status, glyph_char=glyph.char, glyph_word=glyph.word,
        latest=latest,
        comparison=(f"{unit.format(status.comparison)}" if kpi.is_numeric else "–"),
        national_baseline=unit.format(status.national_baseline) if kpi.is_numeric else "–",
        national_change=pct_text(status.national_change_pct) if kpi.is_numeric else "–",
        spc=spc_phrase(status) if kpi.is_numeric and status.latest_value is not None else "–",
        chart=chart(status),  # type: ignore[operator]
        range=range_text(unit, values),
    )


def _counts_words(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(glyph, word, count) for a rollup, in the report's column order."""
    return [
        (RAG_GLYPHS["red"].char, "red", counts.get("red", 0)),
        (RAG_GLYPHS["amber"].char, "amber", counts.get("amber", 0)),
        (RAG_GLYPHS["green"].char, "green", counts.get("green", 0)),
        (RAG_GLYPHS["grey"].char, "no data", counts.get("grey", 0)),
        (RAG_GLYPHS[None].char, "monitor", counts.get("monitor", 0)),
        (SIGNAL_GLYPH.char, "signal", counts.get("signal", 0)),
        (STALE_GLYPH.char, "stale", counts.get("stale", 0)),
    ]


def _note_line(note: Note) -> str:
    who = note.author or "unknown author"
    return f"{who}, {note.written_at[:10]}"


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
                    today: date | None = None) -> str:
    report = build_report(assessment, notes, today)
    out: list[str] = [
        f"# {_md(report.title)}",
        "",
        *([f"**{report.sample_notice}.**", ""] if report.sample_notice else []),
        f"**{_md(report.force_name)}** · as of **{_md(report.quarter)}** "
        f"({_md(report.months)}) · prepared {report.generated} with pcp-tui {__version__} "
        f"from {_md(report.data_summary)}.",
        "",
        "Status is shown by symbol as well as by word: "
        + ", ".join(f"{g.char} {g.word}" for g in (*RAG_GLYPHS.values(), SIGNAL_GLYPH))
        + f", {STALE_GLYPH.char} {STALE_GLYPH.word} ({STALE_MEANING}).",
        "",
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
             "resolved" if state == "resolved"
             else f"still fires as a {_now(assessment, it.alert)}",
             it.message) for it, state in report.resolved],
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
                title = _kpi_title(assessment, note.subject)
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
    return "\n".join(out)


def _now(assessment: Assessment, alert: Alert) -> str:
    return next((a.severity for a in assessment.alerts
                 if (a.kpi, a.force, a.rule) == (alert.kpi, alert.force, alert.rule)), "")


def _kpi_title(assessment: Assessment, kpi_id: str) -> str:
    try:
        return assessment.config.framework.kpi(kpi_id).title
    except KeyError:
        return kpi_id


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
    for note in it.notes:
        out += [f"*{note.kind.capitalize()}:*", ""]
        out += _md_notes((note,), "")
    return out


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
.missing { color: var(--red); font-weight: bold; }
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


def _h(text: object) -> str:
    """Escape text for HTML; control characters shown as `\\x1b`, never passed on."""
    return html.escape(visible(text, newlines=True), quote=True)


def svg_chart(chart: Chart, *, width: int = 140, height: int = 32, label: str = "") -> str:
    """An inline SVG line chart: the series, its mean and process limits, and the target."""
    values = list(chart.values)
    if not values:
        return ""
    lines = [v for v in (chart.mean, chart.lpl, chart.upl, chart.target) if v is not None]
    low = min(values + lines)
    high = max(values + lines)
    span = (high - low) or 1.0
    pad = 3

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / max(1, len(values) - 1))

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * ((v - low) / span)

    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{_h(label)}">']
    if label:
        parts.append(f"<title>{_h(label)}</title>")
    for value, cls in ((chart.lpl, "limit"), (chart.upl, "limit"), (chart.mean, "mean"),
                       (chart.target, "target")):
        if value is not None:
            parts.append(f'<line class="{cls}" x1="{pad}" x2="{width - pad}" '
                         f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline class="series" points="{points}"/>')
    parts.append(f'<circle class="last {_h(chart.style)}" cx="{x(len(values) - 1):.1f}" '
                 f'cy="{y(values[-1]):.1f}" r="2.6"/>')
    parts.append("</svg>")
    return "".join(parts)


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
                today: date | None = None) -> str:
    report = build_report(assessment, notes, today)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_h(report.title)}</h1>",
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
        + ". Charts show the last 12 quarters, the mean (grey), the process limits (dotted) "
        "and a threshold target (red dashes); they are scaled to their own range.</p>",
        "</header>",
        "<main>",
        '<h2 class="first" id="glance">At a glance</h2>',
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
              _h("resolved" if state == "resolved"
                 else f"still fires as a {_now(assessment, it.alert)}"),
              _h(it.message)) for it, state in report.resolved], raw=(0, 1, 2, 3)))
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
                out.append(f"<p><strong>{_h(_kpi_title(assessment, note.subject))}</strong> "
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
    if it.chart.values:
        rows.append(("Trend", svg_chart(
            it.chart, width=260, height=60,
            label=f"{it.kpi.title}: last 12 quarters with mean, limits and target")
            + f' <span class="legend">{_h(range_text(it.kpi.unit, it.chart.values))}</span>'))
    parts = [
        f'<section class="alert {severity}">',
        f"<h4>{_glyph_html(glyph.char, glyph.word, severity)} {_h(it.kpi.title)}</h4>",
        '<p class="where">' + " · ".join(_h(p) for p in (it.location, it.force_name, since)
                                         if p) + "</p>",
        "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>",
    ]
    for note in it.notes:
        parts.append(f"<p><em>{_h(note.kind.capitalize())}:</em></p>")
        parts += _html_notes((note,), "")
    parts.append("</section>")
    return "\n".join(parts)


__all__ = ["BoardReport", "build_report", "render_html", "render_markdown", "svg_chart"]
