"""One KPI's printout (where it sits, status, history, SPC, MSF, alerts and notes) and the
block a note is shown in, there and in the notes listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl
from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pcp_tui.periods import Quarter
from pcp_tui.render import (
    ASSURANCE_WORDS,
    NO_SPC_ON_12M,
    SPC_WORDS,
    change_text,
    kpi_glyph,
    literal,
    msf_heading,
    national_heading,
    national_lines,
    number_text,
    pct_text,
    quarter_changes,
    range_text,
    sparkline,
    value_text,
)
from pcp_tui.render_alerts import AlertGroup, AlertTable
from pcp_tui.rules.explain import NO_SPC_WORDS, ON_INCREMENTS, SURVEY_SPC_WORDS, judged_on_words

if TYPE_CHECKING:
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment


def _facts_grid() -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    return grid


def kpi_printout(
    assessment: Assessment, kpi_id: str, *, force: str | None = None,
    notes: Sequence[Note] = (), history_rows: int | None = None,
) -> Group:
    """Everything about one KPI: where it sits, status, history, SPC, MSF, alerts, notes."""
    framework = assessment.config.framework
    settings = assessment.config.settings
    kpi = framework.kpi(kpi_id)
    force = force or assessment.home_force
    status = assessment.status(kpi_id, force)
    unit = kpi.unit
    glyph = kpi_glyph(status)
    parts: list[RenderableType] = []

    home = force == assessment.home_force
    word = glyph.word if home or status.rag is not None else "context (no target)"
    title = Text.assemble((f"{glyph.char} ", glyph.style), literal(kpi.title, "bold"),
                          "  ", (word, glyph.style))
    parts.append(title)
    parts.append(literal(framework.location(kpi), "dim"))
    parts.append(literal(kpi.statement, "italic") if kpi.statement else Text(""))
    priorities = [framework.title_of(p) for p in kpi.priorities]
    facts = _facts_grid()
    facts.add_row("id", literal(kpi.id))
    facts.add_row("force", literal(settings.forces[force].name if force in settings.forces
                                   else force))
    facts.add_row("as of", Text(status.as_of.label))
    if kpi.is_numeric:
        facts.add_row("unit", literal(
            f"{unit.words}; {kpi.measure}; "
            + {"higher": "higher is better", "lower": "lower is better"}
            .get(kpi.better, "no better direction")))
    facts.add_row("source", literal(kpi.source or "–"))
    if priorities:
        facts.add_row("national priority", literal("; ".join(priorities)))
    judged_on = judged_on_words(kpi.target)
    facts.add_row("target", literal(
        kpi.target.words(unit) + (f"; {judged_on}" if judged_on else "")
        + ("" if home or kpi.target.kind == "monitor" else
                                  f" (judged for {settings.forces[assessment.home_force].name}"
                                  " only)")))
    facts.add_row("latest", literal(
        f"{value_text(status)}"
        + (f" in {status.latest_quarter.label}" if status.latest_quarter else "")
        + (f" ({status.freshness})" if status.freshness not in ("current", "none") else "")))
    if kpi.is_numeric and judged_on and status.year_figure is not None:
        facts.add_row("12 months", literal(
            f"{unit.format(status.year_figure)} in the 12 months to "
            f"{(status.latest_quarter or status.as_of).label}"))
    if kpi.is_numeric:
        facts.add_row("comparison", literal(
            f"{unit.format(status.comparison)} ({status.comparison_label})"))
        facts.add_row("baseline", literal(
            f"{unit.format(status.baseline)} ({status.baseline_label or 'none'}); change "
            f"{change_text(unit, status.change)} ({pct_text(status.change_pct)})"))
        if kpi.priorities or kpi.objective is None:
            facts.add_row("national baseline", literal(
                f"{unit.format(status.national_baseline)} (12 months ending June 2019); "
                f"change {pct_text(status.national_change_pct)}"))
        if status.milestone_goal is not None:
            facts.add_row("milestone", literal(
                f"{unit.format(status.milestone_planned)} planned for "
                f"{(status.latest_quarter or status.as_of).label}; goal "
                f"{unit.format(status.milestone_goal)}"))
        spc = status.spc
        if status.twelve_month_only:
            spc_words = NO_SPC_ON_12M
        elif status.latest_lower is not None and spc.n_points == 0:
            spc_words = (f"{SURVEY_SPC_WORDS}: changes are judged by their 95% intervals")
        elif spc.method == "none":
            spc_words = NO_SPC_WORDS
        elif spc.insufficient:
            spc_words = f"too few quarters for control limits ({spc.n_points})"
        else:
            spc_words = (f"{ON_INCREMENTS}: " if spc.on_increments else "") + (
                         f"mean {unit.format(spc.mean)}, process limits {unit.format(spc.lpl)} "
                         f"to {unit.format(spc.upl)} over {spc.n_points} quarters; latest: "
                         f"{SPC_WORDS.get(spc.last_point_type or '', '–')}")
            if spc.last_special_cause and spc.last_special_cause != "Common Cause":
                spc_words += f" ({spc.last_special_cause})"
            if spc.trial_limits:
                spc_words += "; trial limits (fewer than 13 quarters)"
        facts.add_row("SPC", literal(spc_words))
        if spc.assurance:
            facts.add_row("assurance", literal(ASSURANCE_WORDS.get(spc.assurance,
                                                                   spc.assurance)))
    parts += [Text(""), facts, Text(""), Panel(literal(status.explanation), expand=False,
                                               box=box.ROUNDED)]

    # history
    points = {p.quarter: p for p in assessment.spc_points(kpi_id, force)}
    rows = assessment.history(kpi_id, force)
    if history_rows is not None:
        rows = rows[-history_rows:]
    if rows:
        heading = (f"Published 12-month figures to {status.as_of.label}"
                   if status.twelve_month_only else f"History to {status.as_of.label}")
        parts += [Text(""), Text(heading, style="bold")]
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("12 months to" if status.twelve_month_only else "quarter",
                         no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        # the SPC labels of a cumulative or planned series belong to each quarter's change
        on_increments = status.spc.on_increments
        if on_increments:
            table.add_column("change", justify="right", no_wrap=True)
        has_ci = status.latest_lower is not None
        if has_ci:
            table.add_column("95% interval", no_wrap=True)
        table.add_column("SPC")
        bounds = _interval_rows(assessment, kpi_id, force) if has_ci else {}
        if status.spc.insufficient:  # labels from too short a series would mislead
            points = {}
        increments = quarter_changes(assessment.history(kpi_id, force))
        for quarter, value in rows:
            point = points.get(quarter)
            label = "" if point is None else SPC_WORDS.get(point.point_type, point.point_type)
            if point is not None and point.special_cause_type not in ("Common Cause", None):
                label += f" · {point.special_cause_type}"
            cells = [Text(quarter.label), Text(unit.format(value))]
            if on_increments:
                change = increments.get(quarter)
                cells.append(Text("" if change is None else unit.format(change, signed=True)))
            if has_ci:
                lo, hi = bounds.get(quarter, (None, None))
                cells.append(Text(f"{number_text(unit, lo)}–{number_text(unit, hi)}"
                                  if lo is not None else ""))
            style = {"special_cause_concern": "magenta", "special_cause_improvement": "green"}
            cells.append(Text(label, style=style.get(point.point_type, "") if point else ""))
            table.add_row(*cells)
        parts.append(table)
        values = [v for _, v in rows]
        parts.append(Text.assemble(
            "  ", (sparkline(values), glyph.style), "  ", (range_text(unit, values), "dim")))
    elif kpi.is_numeric:
        parts.append(Text("No figures yet.", style="dim"))

    # most similar forces
    if status.msf is not None:
        msf = status.msf
        parts += [Text(""), Text(f"Most similar forces ({msf_heading(msf)})", style="bold")]
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("force")
        table.add_column("value", justify="right")
        if msf.per_population:
            table.add_column(kpi.rate_base, justify="right")
        if kpi.better in ("higher", "lower"):
            table.add_column("rank", justify="right")
        for entry in sorted(msf.entries, key=lambda e: (e.basis is None, e.rank or 0)):
            name = settings.forces[entry.force].name if entry.force in settings.forces \
                else entry.force
            cells = [literal(name, "bold" if entry.force == force else ""),
                     Text(entry.missing or unit.format(entry.value),
                          style="dim" if entry.missing else "")]
            if msf.per_population:
                cells.append(Text("–" if entry.basis is None else f"{entry.basis:,.2f}"))
            if kpi.better in ("higher", "lower"):
                cells.append(Text("–" if entry.rank is None else str(entry.rank)))
            table.add_row(*cells)
        parts.append(table)
        mean = ("–" if msf.comparators_mean is None else
                f"{msf.comparators_mean:,.2f}" if msf.per_population
                else unit.format(msf.comparators_mean))
        better = {"higher": 1, "lower": -1}.get(kpi.better, 0)
        side = ("" if not better or not msf.gap_pct else
                " (better)" if msf.gap_pct * better > 0 else " (worse)")
        parts.append(Text(
            f"  Comparators' mean {mean}; gap {pct_text(msf.gap_pct)}{side}"
            + ("; the worst of the group" if msf.worst else "")
            + ("; forces without a figure for the window are left out of the rank and the mean"
               if any(e.missing for e in msf.entries) else ""), style="dim"))

    # among all forces
    if status.national is not None:
        position = status.national
        names = {f.id: f.name for f in settings.forces.values()}
        parts += [Text(""), Text(f"All forces ({national_heading(position)})", style="bold")]
        parts += [Text(f"  {line}") for line in national_lines(position, kpi, names)]

    # alerts on this KPI
    mine = [a for a in assessment.alerts if a.kpi == kpi_id and a.force == force]
    if mine:
        parts.append(Text(""))
        parts.append(AlertTable(assessment, [AlertGroup("kpi", "Alerts", tuple(mine))]))

    # notes
    parts.append(Text(""))
    parts.append(Text("Notes", style="bold"))
    if notes:
        for note in sorted(notes, key=lambda n: (n.as_quarter, n.written_at), reverse=True):
            parts.append(note_block(note))
    else:
        parts.append(Text("  No notes for this KPI.", style="dim"))
    return Group(*parts)


def _interval_rows(assessment: Assessment, kpi_id: str,
                   force: str) -> dict[Quarter, tuple[float | None, float | None]]:
    frame = assessment.timeline.observations.frame.filter(
        (pl.col("kpi") == kpi_id) & (pl.col("force") == force))
    return {Quarter.from_date(d): (lo, hi)
            for d, lo, hi in frame.select("period", "lower", "upper").iter_rows()}


def note_block(note: Note, *, quarter: bool = True) -> Group:
    """A note under a one-line heading; its text literally, line breaks kept, long words
    folded rather than cut."""
    head = Text("  ")
    if quarter:
        head.append(f"{note.quarter} ", style="bold")
    head.append(note.kind, style="cyan")
    head.append(" · ")
    head.append_text(literal(note.author or "unknown author", "dim"))
    head.append(" · ")
    head.append(note.written_at[:16].replace("T", " "), style="dim")
    head.append(f" · {note.id[:8]}", style="dim")
    if note.version > 1 or note.withdrawn:
        head.append(f" · version {note.version}"
                    + (", withdrawn" if note.withdrawn else ", edited" if note.change == "edit"
                       else ""), style="dim")
    if note.offered_to:
        head.append(" · offered to ", style="dim")
        head.append_text(literal(note.offered_to, "dim"))
    body = literal(note.text, newlines=True)
    body.overflow = "fold"
    return Group(head, Padding(body, (0, 0, 0, 4)))
