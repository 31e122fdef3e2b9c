"""The top line: the tool, the home force, the as-of quarter and how fresh the data is."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from pcp_tui.provenance import sample_notice
from pcp_tui.render import literal
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.tones import TONE_CLASSES, Toned, component_style, tone_css, tone_style


class PlanHeader(Toned, Widget):
    """`pcp-tui ─ West Midlands Police ─ as of 2021/22 Q2 ─ data to 2021/22 Q2: …`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = TONE_CLASSES | {
        "plan-header--tool",
        "plan-header--quarter",
        "plan-header--label",
    }

    DEFAULT_CSS = (
        """
    PlanHeader {
        height: 1;
        width: 1fr;
        background: $panel;
        padding: 0 1;
        & > .plan-header--tool { text-style: bold; color: $text-accent; }
        & > .plan-header--quarter { text-style: bold reverse; }
        & > .plan-header--label { color: $pcp-text-muted; }
    }
    """
        + tone_css("PlanHeader")
    )

    assessment: var[Assessment | None] = var(None, always_update=True)
    reloading: var[bool] = var(False)

    def watch_assessment(self) -> None:
        self.refresh()

    def watch_reloading(self) -> None:
        self.refresh()

    def _style(self, name: str):
        return component_style(self, f"plan-header--{name}")

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("pcp-tui", style=self._style("tool"))
        assessment = self.assessment
        if assessment is None:
            return text
        settings = assessment.config.settings
        force = settings.forces.get(settings.home_force)
        text.append(" ─ ")
        text.append_text(literal(force.name if force else settings.home_force))
        text.append(" ─ ")
        wide = self.size.width >= 110
        notice = sample_notice(assessment.timeline.observations.files)
        if notice:
            words = notice if self.size.width >= 150 else "ILLUSTRATIVE SAMPLE DATA"
            text.append(words, style=tone_style(self, "amber"))
            text.append(" ─ ")
        if assessment.as_of is None:
            text.append("no data loaded", style=tone_style(self, "amber"))
            return text
        text.append(f" as of {assessment.as_of.label} ", style=self._style("quarter"))
        latest = assessment.timeline.latest
        if wide and (not notice or self.size.width >= 150):
            text.append(f" {assessment.as_of.months_label}", style=self._style("label"))
        if latest is not None and latest != assessment.as_of:
            behind = latest.ordinal - assessment.as_of.ordinal
            words = (f" ◂ {behind} quarter{'s' if behind != 1 else ''} before the latest "
                     f"({latest.label})") if wide else f" ◂ {behind} back"
            text.append(words, style=tone_style(self, "amber"))
        text.append(" ─ ")
        if not wide:
            text.append(f"data to {latest.label if latest else '–'}",
                        style=self._style("label"))
            return text
        counts = Counter(s.freshness for s in assessment.home_statuses.values())
        parts = [f"{counts[key]} {word}" for key, word in (
            ("current", "current"), ("lagging", "lagging"), ("stale", "stale"),
            ("none", "none")) if counts[key]]
        text.append(f"data to {latest.label if latest else '–'}", style=self._style("label"))
        text.append(f" ({', '.join(parts)})", style=self._style("label"))
        if self.reloading:
            text.append("  ⟳ reloading…", style=tone_style(self, "data"))
        return text
