"""The board report as data: everything it shows, built once from the assessment for every
format.

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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pcp_tui.framework import Kpi, Threshold
from pcp_tui.periods import Quarter
from pcp_tui.provenance import DataSource, data_sources, sample_notice
from pcp_tui.render import (
    ALERTING,
    RAG_GLYPHS,
    SIGNAL_GLYPH,
    STALE_GLYPH,
    alert_facts,
    histories,
    is_signal,
    kpi_glyph,
    msf_heading,
    national_heading,
    pct_text,
    plural,
    range_text,
    value_text,
)
from pcp_tui.render_alerts import severity_counts
from pcp_tui.report.figures import Figure, FunnelFigure, build_figure, build_funnels
from pcp_tui.report.paper import (
    ExecutiveSummary,
    PaperMeta,
    PriorityLine,
    ScoreGroup,
    executive_summary,
    glyph_style,
    scorecard,
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
    figure: Figure | None = None


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
    figure: Figure | None = None


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
    funnels: tuple[FunnelFigure, ...] = ()  # a funnel plot for each of those KPIs
    meta: PaperMeta = field(default_factory=PaperMeta)
    executive: ExecutiveSummary | None = None
    scorecard: tuple[ScoreGroup, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[DataSource, ...] = ()
    resolved_now: tuple[str, ...] = ()  # beside `resolved`: "resolved" or what fires now
    note_titles: dict[str, str] = field(default_factory=dict)  # a note subject's title


MSF_INTRO = (
    "Every force is shown for the window of the home force's figure (the 12 months to its "
    "latest quarter; the latest level for stocks) and from the same kind of figure (quarterly "
    "figures or published 12-month figures), as the basis column says; a force without a "
    "figure for that window is marked with the reason and left out of the rank and the mean. "
    "Counts per 1,000 population (per 100,000 for rare crimes such as homicide). Rank 1 is "
    "best."
)


def build_report(assessment: Assessment, notes: Sequence[Note],
                 today: date | None = None, meta: PaperMeta | None = None) -> BoardReport:
    """Everything the board paper shows, computed once for every format."""
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
            # limits on the change each quarter do not belong on a chart of the levels
            mean=spc.mean if spc.limits_on_values else None,
            lpl=spc.lpl if spc.limits_on_values else None,
            upl=spc.upl if spc.limits_on_values else None,
            target=target.value if isinstance(target, Threshold) else None,
            style=glyph_style,
        )

    figures: dict[str, Figure] = {}
    upto = [n for n in notes if quarter is not None and n.as_quarter <= quarter]

    def figure(status: KpiStatus) -> Figure:
        """Each KPI's chart drawn once, numbered in the order the paper first shows it."""
        if status.kpi.id not in figures:
            glyph = kpi_glyph(status)
            figures[status.kpi.id] = build_figure(
                assessment, status, upto, len(figures) + 1, glyph_style(status), glyph.word)
        return figures[status.kpi.id]

    def item(alert: Alert, drawn: bool = False) -> AlertItem:
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
            figure=figure(status) if drawn and alert.force == home and kpi.is_numeric
            and alert.quarter == quarter else None,
        )

    # statuses by objective
    summary: list[SummaryRow] = []
    for node in framework.by_plan():
        summary.append(SummaryRow(1, node.title, assessment.rollup(node)))
        for child in node.children:
            summary.append(SummaryRow(2, child.title, assessment.rollup(child)))

    alert_sections = tuple(
        (severity, tuple(item(a, drawn=True) for a in assessment.alerts
                         if a.severity == severity))
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
        # a reflection on one of its metrics offered as the priority's own
        reflections = notes_on(subject, "reflection") + tuple(
            n for n in this_quarter if n.offered_to == subject and n.kind == "reflection")
        actions = notes_on(subject, "action")
        if not reflections:
            missing.append(f"{node.title}: reflections on force performance")
        if not actions:
            missing.append(f"{node.title}: planned action for the next quarter")
        blocks.append(PriorityBlock(
            number=number, id=node.id, title=node.title,
            metrics=tuple(replace(_metric_row(statuses[k.id], series, chart),
                                  figure=figure(statuses[k.id]) if k.is_numeric else None)
                          for k in node.kpis),
            reflections=reflections, actions=actions,
            metric_notes=tuple(n for k in node.kpis for n in notes_on(k.id)
                               if n.offered_to != subject),
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
        (p.file_label, "" if p.row is None else str(p.row), p.column or "", p.found,
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

    lines = []
    for block in blocks:
        worst = next((m for m in block.metrics if m.glyph_word == "red"), None) or next(
            (m for m in block.metrics if m.glyph_word == "amber"), None)
        words = {w: sum(m.glyph_word == w for m in block.metrics)
                 for w in ("red", "amber", "green", "signal", "stale", "monitor", "no data")}
        counted = ", ".join(f"{n} {w}" for w, n in words.items() if n)
        lead = worst or (block.metrics[0] if block.metrics else None)
        gaps = [m.split(": ", 1)[1] for m in missing if m.startswith(block.title + ": ")]
        lines.append(PriorityLine(
            title=block.title, glyph=lead.glyph_char if lead else "",
            word=lead.glyph_word if lead else "", style=GLYPH_CLASSES.get(
                lead.glyph_word, "monitor") if lead else "monitor",
            text=(f"{plural(len(block.metrics), 'proxy metric')} ({counted})" if block.metrics
                  else "no proxy metrics configured")
            + (f"; worst: {worst.kpi.title}, {worst.status.explanation}" if worst else ""),
            commentary="reflections and planned action written" if not gaps
            else "missing: " + " and ".join(gaps)))
    executive = executive_summary(assessment, lines, 2 * len(blocks) - len(missing),
                                  2 * len(blocks))
    files = observations.files
    coverage: dict[str, tuple[int, str, int]] = {}
    if not observations.frame.is_empty():
        for file, rows, first, last, kpis in observations.frame.group_by("file").agg(
                pl.len(), pl.col("period").min().alias("first"),
                pl.col("period").max().alias("last"),
                pl.col("kpi").n_unique()).iter_rows():
            a, b = Quarter.from_date(first).label, Quarter.from_date(last).label
            coverage[file] = (rows, a if a == b else f"{a} to {b}", kpis)
    resolved_now = tuple("resolved" if state == "resolved"
                         else f"still fires as a {_now(assessment, it.alert)}"
                         for it, state in resolved)
    note_titles = {n.subject: _kpi_title(assessment, n.subject) for n in notes
                   if not n.subject.startswith("priority:")}

    return BoardReport(
        meta=meta or PaperMeta(),
        executive=executive,
        scorecard=scorecard(assessment, series),
        figures=tuple(figures.values()),
        sources=data_sources(files, coverage),
        resolved_now=resolved_now,
        note_titles=note_titles,
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
        national=tuple(_national_line(statuses[kpi.id]) for kpi in framework.kpis
                       if statuses[kpi.id].national is not None),
        funnels=build_funnels([statuses[kpi.id] for kpi in framework.kpis],
                              {f.id: f.name for f in settings.forces.values()}),
    )


def _national_line(status: KpiStatus) -> str:
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
    edited = " (edited)" if note.version > 1 else ""
    return f"{who}, {note.written_at[:10]}{edited}"


def _now(assessment: Assessment, alert: Alert) -> str:
    return next((a.severity for a in assessment.alerts
                 if (a.kpi, a.force, a.rule) == (alert.kpi, alert.force, alert.rule)), "")


def _kpi_title(assessment: Assessment, kpi_id: str) -> str:
    try:
        return assessment.config.framework.kpi(kpi_id).title
    except KeyError:
        return kpi_id


