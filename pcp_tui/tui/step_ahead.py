"""The quarters either side, drawn while the analyst reads: once the app has been idle for a
moment after a quarter step or a move to another KPI, the tree's lines on screen, the alerts'
rows on screen and the detail of the KPI shown are worked out and rendered for the quarter
before and the quarter after, so that `[` or `]` only has to put them on screen.

Only quarters the timeline has already assessed are drawn ahead (the background assessment
fills it nearest first), a part at a time (a few of the tree's lines or the alerts' rows, or
one part of the detail), each in its own turn of the event loop: a key pressed meanwhile
waits for at most one part (a millisecond or two), and then the drawing ahead starts again
from where the key left the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pcp_tui.periods import Quarter
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

IDLE_BEFORE = 0.15  # seconds without a step or a move before the neighbours are drawn


class StepAhead:
    """A mixin of `PcpApp`: it reads the app's timeline and as-of quarter."""

    timeline: Any
    as_of: Quarter | None
    query_one: Any
    set_timer: Any
    call_later: Any
    _views_gone: Any
    _ahead_timer: Any = None
    _ahead_pending = False

    @property
    def drawing_ahead(self) -> bool:
        """True from a step or a move until the quarters either side are drawn (or given
        up on: the analyst moved again)."""
        return self._ahead_pending

    def draw_ahead_later(self) -> None:
        """Draw the quarters either side once the app has been idle for `IDLE_BEFORE`: each
        step or move puts it off again, so a held key is never slowed by it."""
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_pending = True
        self._ahead_timer = self.set_timer(IDLE_BEFORE, self._draw_ahead, name="draw-ahead")

    def _draw_ahead(self) -> None:
        self._ahead_timer = None
        as_of, timeline = self.as_of, self.timeline
        if as_of is None or as_of not in timeline.quarters or self._views_gone():
            self._ahead_pending = False
            return
        index = timeline.quarters.index(as_of)
        around = [timeline.quarters[i] for i in (index - 1, index + 1)
                  if 0 <= i < len(timeline.quarters)]
        self.call_later(self._draw_next_part, as_of, self._parts(around))

    def _parts(self, quarters: list[Quarter]) -> Iterator[None]:
        """The drawing ahead, a part at a time: each `next` draws a few of the tree's lines,
        or one part of the detail, for one quarter."""
        tree, detail = self.query_one(ObjectiveTree), self.query_one(KpiDetail)
        alerts = self.query_one(AlertsPanel)
        for quarter in quarters:
            assessment = self.timeline.assessed(quarter)
            if assessment is not None:
                yield from tree.prepare(assessment)
                yield from alerts.prepare(assessment)
                yield from detail.prepare(assessment)
                yield

    def _draw_next_part(self, drawn_for: Quarter, parts: Iterator[None]) -> None:
        if self._ahead_timer is not None:
            return  # the analyst moved on: the next idle moment draws around where they are
        if (self.as_of != drawn_for or self._views_gone()  # (the app closing)
                or next(parts, StopIteration) is StopIteration):
            self._ahead_pending = False
            return
        # the next part in a later turn: a key pressed meanwhile is handled first
        self.call_later(self._draw_next_part, drawn_for, parts)
