"""The top line: the tool, the home force, the as-of quarter and how fresh the data is."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from pcp_tui.provenance import sample_notice
from pcp_tui.render import literal
from pcp_tui.returns import QuarterReturn
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
    partial: var[QuarterReturn | None] = var(None)  # the newest quarter's return
    _notice_for: object = None  # the observations the sample notice was looked for in
    _notice: str | None = None
    _freshness_for: object = None  # the assessment the freshness counts are of
    _freshness_words = ""

    def watch_assessment(self) -> None:
        self.refresh()

    def watch_partial(self) -> None:
        self.refresh()

    def watch_reloading(self) -> None:
        self.refresh()

    def _style(self, name: str):
        return component_style(self, f"plan-header--{name}")

    def _sample_notice(self, assessment: Assessment) -> str | None:
        """The sample notice for the loaded files, looked for once per load (each look opens
        every data file; a line is tried in several widths on every quarter step)."""
        observations = assessment.timeline.observations
        if self._notice_for is not observations:
            self._notice = sample_notice(observations.files)
            self._notice_for = observations
        return self._notice

    def _freshness(self, assessment: Assessment) -> str:
        """` (70 current, 4 stale)`: counted once per assessment (a line is tried in several
        widths on every quarter step)."""
        if self._freshness_for is not assessment:
            freshness = Counter(s.freshness for s in assessment.home_statuses.values())
            parts = [f"{freshness[key]} {key}" for key in ("current", "lagging", "stale",
                                                            "none") if freshness[key]]
            self._freshness_words = f" ({', '.join(parts)})"
            self._freshness_for = assessment
        return self._freshness_words

    def render(self) -> Text:
        """The richest line that fits the width: optional parts are left out whole (the
        months, the freshness counts, the long wording), never cut off mid-phrase."""
        room = max(1, self.size.width - 2)  # the padding
        variants = [
            dict(long_notice=True, months=True, long_behind=True, counts=True),
            # the whole sample notice ("not official statistics") before the extras
            dict(long_notice=True, months=False, long_behind=True, counts=True),
            dict(long_notice=True, months=False, long_behind=True, counts=False),
            dict(long_notice=False, months=True, long_behind=True, counts=True),
            dict(long_notice=False, months=False, long_behind=True, counts=True),
            # "◂ 3 quarters before the latest (2021/22 Q2)" names the latest already
            dict(long_notice=False, months=False, long_behind=True, counts=False, data=False),
            dict(long_notice=False, months=False, long_behind=True, counts=False, data=False,
                 short_force=True),
            dict(long_notice=False, months=False, long_behind=False, counts=True),
            dict(long_notice=False, months=False, long_behind=False, counts=False),
            dict(long_notice=False, months=False, long_behind=False, counts=False,
                 short_force=True),
            dict(long_notice=False, months=False, long_behind=False, counts=False,
                 short_force=True, tool=False),
            dict(long_notice=False, months=False, long_behind=False, counts=False,
                 short_force=True, tool=False, data=False),
        ]
        text = Text()
        for variant in variants:
            text = self._line(**variant)
            if text.cell_len <= room:
                return text
        text.truncate(room, overflow="ellipsis")
        return text

    def _line(self, *, long_notice: bool, months: bool, long_behind: bool,
              counts: bool, short_force: bool = False, tool: bool = True,
              data: bool = True) -> Text:
        text = Text(no_wrap=True)
        assessment = self.assessment
        if tool or assessment is None:
            text.append("pcp-tui", style=self._style("tool"))
        if assessment is None:
            return text
        settings = assessment.config.settings
        force = settings.forces.get(settings.home_force)
        if tool:
            text.append(" ─ ")
        name = (force.short if short_force else force.name) if force else settings.home_force
        text.append_text(literal(name))
        text.append(" ─ ")
        notice = self._sample_notice(assessment)
        if notice:
            text.append(notice if long_notice else "ILLUSTRATIVE SAMPLE DATA",
                        style=tone_style(self, "amber"))
            text.append(" ─ ")
        if assessment.as_of is None:
            text.append("no data loaded", style=tone_style(self, "amber"))
            return text
        text.append(f" as of {assessment.as_of.label} ", style=self._style("quarter"))
        latest = assessment.timeline.latest
        if months:
            text.append(f" {assessment.as_of.months_label}", style=self._style("label"))
        if latest is not None and latest != assessment.as_of:
            behind = latest.ordinal - assessment.as_of.ordinal
            words = (f" ◂ {behind} quarter{'s' if behind != 1 else ''} before the latest "
                     f"({latest.label})") if long_behind else f" ◂ {behind} back"
            text.append(words, style=tone_style(self, "amber"))
        if not data and latest is not None and latest != assessment.as_of:
            return text  # "◂ 3 quarters before the latest (…)" or "◂ 1 back" says it
        text.append(" ─ ")
        text.append(f"data to {latest.label if latest else '–'}", style=self._style("label"))
        if self.partial is not None and self.partial.partial:
            text.append(f" ─ {self.partial.headline}", style=tone_style(self, "amber"))
        if counts:
            text.append(self._freshness(assessment), style=self._style("label"))
        if self.reloading:
            text.append("  ⟳ reloading…", style=tone_style(self, "data"))
        return text
