"""The figures below a KPI's chart in the detail pane: the facts (about, target, latest,
change, SPC, the explanation), the most similar forces and the quarterly values with their
revisions. A mixin of `KpiDetail`, which gives the framework, the app and the pane's styles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from pcp_tui.framework import Milestone
from pcp_tui.render import change_text, literal, msf_heading
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.assess import Assessment, KpiStatus
from pcp_tui.rules.explain import judged_on_words, spc_phrase
from pcp_tui.tui.cell_table import table_lines
from pcp_tui.tui.plan_items import RAG_WORDS, is_signal, status_value
from pcp_tui.tui.tones import status_mark, tone_style
from pcp_tui.tui.widgets.text_block import Fitted

FRESHNESS_WORDS = {
    "current": "current",
    "lagging": "lagging a quarter",
    "stale": "stale",
    "none": "no figure",
}
BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better", "none": "no direction"}
LABEL_WIDTH = 8

ASSURANCE_WORDS = {
    spc_plain.ASSURANCE_PASS: "consistently met (outside the limits on the right side)",
    spc_plain.ASSURANCE_FAIL: "consistently missed (outside the limits on the wrong side)",
    spc_plain.ASSURANCE_INCONSISTENT: "within the limits: will be hit and missed",
}


class KpiFigures:
    """The figures of one KPI at one quarter, each a renderable or a function of the width."""

    framework: Any
    app: Any
    _style: Any
    _heading: Any

    def _facts(self, status: KpiStatus, assessment: Assessment):
        kpi = status.kpi
        unit = kpi.unit
        grid: list[tuple[str, Text]] = []
        about = [kpi.source or "source not given", unit.words, BETTER_WORDS[kpi.better],
                 kpi.measure]
        if kpi.priorities:
            titles = [self._priority_title(p) for p in kpi.priorities]
            about.append("national priority: " + "; ".join(titles))
        grid.append(("About", literal(" · ".join(about))))

        glyph, style = status_mark(self, status.rag, is_signal(status))
        result = Text.assemble(literal(kpi.target.words(unit)), "  →  ",
                               (f"{glyph.char} ", style))
        result.append(RAG_WORDS.get(status.rag or "", "signal" if is_signal(status)
                                    else "monitor only"), style=style)
        if status.commitment_status:
            result.append(f" ({status.commitment_status.replace('-', ' ')})")
        judged_on = judged_on_words(kpi.target)
        if judged_on:
            result.append(f" · {judged_on}", style=self._style("label"))
        grid.append(("Target", result))
        if isinstance(kpi.target, Milestone) and status.milestone_planned is not None:
            grid.append(("Planned", Text(
                f"{unit.format(status.milestone_planned)} by "
                f"{(status.latest_quarter or status.as_of).label} on the way to "
                f"{unit.format(status.milestone_goal)} by {kpi.target.deadline.label}")))

        latest = Text(status_value(status))
        if status.latest_quarter is not None:
            latest.append(f" in {status.latest_quarter.label}")
        if status.latest_lower is not None and status.latest_upper is not None:
            latest.append(f" (95% interval {unit.format(status.latest_lower)} to "
                          f"{unit.format(status.latest_upper)})")
        latest.append(f" · {FRESHNESS_WORDS.get(status.freshness, status.freshness)}",
                      style=self._style("label"))
        grid.append(("Latest", latest))
        if judged_on and status.year_figure is not None:
            grid.append(("Year", Text(
                f"{unit.format(status.year_figure)} in the 12 months to "
                f"{(status.latest_quarter or status.as_of).label}")))

        if kpi.is_numeric:
            grid.append(("Change", self._change_text(status)))
            spc = status.spc
            if spc.insufficient or spc.method == "none":
                spc_text = Text(spc_phrase(status))
            else:
                spc_text = Text(
                    ("change each quarter: " if spc.on_increments else "")
                    + f"mean {unit.format(spc.mean)}, process limits {unit.format(spc.lpl)} to "
                    f"{unit.format(spc.upl)}{' (trial limits)' if spc.trial_limits else ''}; "
                    f"{spc_phrase(status)}")
                if spc.assurance:
                    spc_text.append(f"; target {ASSURANCE_WORDS.get(spc.assurance, '')}")
            grid.append(("SPC", spc_text))
        explanation = literal(status.explanation)
        explanation.stylize("italic")
        label_style = self._style("label")
        console = self.app.console

        def draw(width: int) -> Text:
            out = Text()
            for label, value in grid:
                lines = value.wrap(console, max(10, width - LABEL_WIDTH))
                for number, line in enumerate(lines):
                    out.append(label.ljust(LABEL_WIDTH) if number == 0 else " " * LABEL_WIDTH,
                               style=label_style)
                    out.append_text(line)
                    out.append("\n")
            out.append("\n")
            out.append_text(explanation)
            return out

        return draw

    def _priority_title(self, priority_id: str) -> str:
        try:
            return self.framework.title_of(priority_id)
        except KeyError:
            return priority_id

    def _change_text(self, status: KpiStatus) -> Text:
        unit = status.kpi.unit
        if status.comparison is None:
            return Text(f"not enough quarters for {status.comparison_label}")
        text = Text(f"{unit.format(status.comparison)} in {status.comparison_label}")
        if status.baseline is None:
            text.append(f"; no complete baseline for {status.baseline_label}")
            return text
        text.append(f" against {unit.format(status.baseline)} in {status.baseline_label}: ")
        text.append(change_text(unit, status.change))
        if status.change_pct is not None:
            text.append(f" ({status.change_pct:+.1f}%)")
        if status.national_change_pct is not None and status.kpi.priorities:
            text.append(f"; {status.national_change_pct:+.1f}% on the national baseline "
                        f"({unit.format(status.national_baseline)})")
        return text

    def _msf_table(self, status: KpiStatus, assessment: Assessment) -> RenderableType:
        msf = status.msf
        assert msf is not None
        unit = status.kpi.unit
        forces = assessment.config.settings.forces
        label = self._style("label")
        header = [Text("force", style=label), Text("value", style=label)]
        if msf.per_population:
            header.append(Text(status.kpi.rate_base, style=label))
        header += [Text("rank", style=label), Text("gap to mean", style=label)]
        rows: list[list[Text]] = [header]
        for entry in sorted(msf.entries, key=lambda e: (e.basis is None, e.rank or 0)):
            force = forces.get(entry.force)
            home = entry.force == assessment.home_force
            name = literal(force.name if force else entry.force,
                           style=self._style("home") if home else "")
            gap = (entry.basis - msf.comparators_mean
                   if entry.basis is not None and msf.comparators_mean is not None else None)
            gap_text = "–" if gap is None else (
                f"{gap:+,.2f}" if msf.per_population else change_text(unit, gap))
            row = [name, Text(unit.format(entry.value))]
            if msf.per_population:
                row.append(Text("–" if entry.basis is None else f"{entry.basis:,.2f}"))
            row += [Text("–" if entry.rank is None else f"{entry.rank} of {msf.n}"),
                    Text(gap_text)]
            rows.append(row)
        mean = msf.comparators_mean
        mean_text = "–" if mean is None else (
            f"{mean:,.2f}" if msf.per_population else unit.format(mean))
        row = [Text("comparators' mean", style=label)]
        row += [Text(""), Text(mean_text)] if msf.per_population else [Text(mean_text)]
        row += [Text(""), Text("")]
        rows.append(row)
        rank = max(4, len(f"{msf.n} of {msf.n}"))

        def fit(width: int) -> Text:
            # the figures whole; the force names take what is left, the gap goes first
            numbers = [12] + ([11] if msf.per_population else []) + [rank, 11]
            names = width - sum(numbers) - 2 * len(numbers)
            if names < 16:
                numbers, names = numbers[:-1], names + 11 + 2
            widths = [max(8, min(26, names)), *numbers]
            justify = ["left"] + ["right"] * (len(widths) - 1)
            return table_lines([row[:len(widths)] for row in rows], widths, justify)

        table = Fitted(fit)
        basis = (f"rates {msf.basis_words}" if msf.per_population else "values")
        heading = self._heading(f"Most similar forces: {basis}, {msf_heading(msf)}")
        parts: list[RenderableType] = [heading, table]
        for entry in msf.entries:
            if entry.missing:  # no figure for the window: out of the rank and the mean
                force = forces.get(entry.force)
                line = literal(force.name if force else entry.force, style=label)
                line.append(f": {entry.missing}; left out of the rank and the mean",
                            style=label)
                parts.append(line)
        if msf.worst:
            parts.append(Text("▲ the worst of its most similar forces",
                              style=tone_style(self, "amber")))
        return Group(*parts)

    def _values_table(self, status: KpiStatus, assessment: Assessment, history,
                      marks: dict) -> RenderableType:
        unit = status.kpi.unit
        home = assessment.home_force
        revisions = {r.quarter: r for r in assessment.revisions
                     if r.kpi == status.kpi.id and r.force == home}
        if not history:
            commitment = status.commitment_status
            return Text(f"Quarterly values: {commitment.replace('-', ' ') if commitment else '–'}")
        label = self._style("label")
        out = Text()
        twelve = status.twelve_month_only
        heading = "Published 12-month figures" if twelve else "Quarterly values"
        out.append_text(self._heading(f"{heading} ({len(history)}), latest first"))
        out.append("\n")
        out.append_text(table_lines([[Text("12 months to" if twelve else "quarter",
                                           style=label), Text("value", style=label)]],
                                    [10, 14], ["left", "right"]))
        for point in reversed(history):
            note = Text()
            mark = marks.get(point.quarter)
            if mark:
                where = " in the change" if status.spc.on_increments else ""
                note.append(f"◆ special cause{where} ({mark}) ", style=tone_style(
                    self, {"concern": "signal", "improvement": "improvement"}.get(mark,
                                                                                  "monitor")))
            revision = revisions.get(point.quarter)
            value = Text(unit.format(point.value))
            if revision is not None:
                old = unit.format(revision.old_value) if revision.old_value is not None else "–"
                value.append(" ✎", style=tone_style(self, "data"))
                note.append(f"✎ revised from {old} ", style=tone_style(self, "data"))
                note.append_text(literal(f"({Path(revision.old_file).name} → "
                                         f"{Path(revision.new_file).name})", style=label))
            out.append("\n")
            out.append_text(table_lines([[Text(point.quarter.label), value]], [10, 14],
                                        ["left", "right"]))
            if note:
                out.append("  ")
                out.append_text(note)
        return out
