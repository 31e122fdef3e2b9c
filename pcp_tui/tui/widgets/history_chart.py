"""A KPI's whole history as a braille line, with what the analyst manages it to.

Drawn in plain characters so that it needs no plotting library and reads without colour:
the series is braille dots on a value axis of round ticks, over a quarter axis ticked (`┬`) at
each financial year's Q1; `━` is the target, `─` the mean, `┄` the process limits, `·` a
milestone's planned path to its goal `╌` (`◎` at the deadline), `░` a survey estimate's
confidence interval, `┆` a quarter the limits start afresh from, `◆` a point that SPC marks as
special cause; on the quarter axis `═` is a trajectory's baseline window and `✎` a quarter with
a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from pcp_tui.framework import Unit
from pcp_tui.periods import Quarter
from pcp_tui.tui.plan_items import compact_value
from pcp_tui.tui.tones import TONE_CLASSES, Toned, component_style, tone_css, tone_style

# braille dot bits by (x, y) inside a 2 × 4 cell
_DOTS = {
    (0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40,
    (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80,
}
KEPT_CHARTS = 4  # charts drawn ahead and kept (the quarters either side, twice)
MARK_TONES = {"concern": "signal", "improvement": "improvement", "neutral": "monitor"}
# a mark the chart does not know is drawn as a concern


@dataclass(frozen=True)
class ChartData:
    """What to draw: the points (with SPC marks), the reference lines and the plan's marks."""

    unit: Unit
    points: tuple[tuple[Quarter, float, str | None], ...]  # quarter, value, special-cause mark
    mean: float | None = None
    lower: float | None = None
    upper: float | None = None
    target: float | None = None
    planned: tuple[tuple[Quarter, float], ...] = field(default=())
    # a milestone: its goal, reached by the deadline (the last quarter of `planned`)
    goal: float | None = None
    baseline: tuple[Quarter, Quarter] | None = None  # a trajectory's baseline window
    band: tuple[tuple[Quarter, float, float], ...] = field(default=())  # lower, upper
    rebased: tuple[Quarter, ...] = field(default=())  # the limits start afresh here
    notes: tuple[Quarter, ...] = field(default=())  # quarters with a note

    @property
    def first(self) -> Quarter:
        quarters = [self.points[0][0]] + [q for q, _ in self.planned[:1]]
        return min(quarters)

    @property
    def last(self) -> Quarter:
        quarters = [self.points[-1][0]] + [q for q, _ in self.planned[-1:]]
        return max(quarters)


def value_ticks(low: float, high: float, at_least: int = 3, at_most: int = 6) -> list[float]:
    """Round values between `low` and `high` (steps of 1, 2, 2.5 or 5 × 10^k): at least
    `at_least` of them, no more than `at_most` where a finer step would give more."""
    span = high - low
    if span <= 0:
        return [low]
    steps = sorted({m * 10.0 ** e for e in range(math.floor(math.log10(span)) - 3,
                                                 math.floor(math.log10(span)) + 2)
                    for m in (1, 2, 2.5, 5)}, reverse=True)
    best: list[float] = []
    for step in steps:
        ticks = [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1)]
        if len(ticks) > at_most and len(best) >= at_least:
            break
        best = ticks
        if len(ticks) >= at_least + 1:
            break
    return best


def _line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """Bresenham's line between two dots."""
    dots = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        dots.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return dots
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


class HistoryChart(Toned, Widget):
    """The history of one KPI at the as-of quarter."""

    COMPONENT_CLASSES: ClassVar[set[str]] = TONE_CLASSES | {
        "history-chart--series",
        "history-chart--mean",
        "history-chart--limits",
        "history-chart--target",
        "history-chart--axis",
        "history-chart--band",
        "history-chart--rebase",
        "history-chart--note",
    }

    DEFAULT_CSS = (
        """
    HistoryChart {
        height: 10;
        width: 1fr;
        & > .history-chart--series { color: $text-primary; }
        & > .history-chart--mean { color: $foreground; }
        & > .history-chart--limits { color: $pcp-text-muted; }
        & > .history-chart--target { color: $text-warning; }
        & > .history-chart--axis { color: $pcp-text-muted; }
        & > .history-chart--band { color: $pcp-text-muted; }
        & > .history-chart--rebase { color: $text-accent; }
        & > .history-chart--note { color: $text-accent; }
    }
    """
        + tone_css("HistoryChart")
    )

    data: var[ChartData | None] = var(None, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: tuple[tuple[int, int], Text] | None = None
        # charts drawn ahead (`prepare`): (data, size, drawing), the newest last
        self._prepared: list[tuple[ChartData, tuple[int, int], Text]] = []

    def watch_data(self) -> None:
        self._drawn = None
        self.refresh()

    def notify_style_update(self) -> None:
        self._drawn = None
        self._prepared.clear()
        super().notify_style_update()

    def prepare(self, data: ChartData) -> None:
        """Draw `data` at the size shown, without showing it: showing that very data next
        (the quarter step it was drawn for) reuses the drawing."""
        size = (self.size.width, self.size.height)
        if (not data.points or size[0] < 12 or size[1] < 3
                or any(kept is data and at == size for kept, at, _ in self._prepared)):
            return
        self._prepared = [*self._prepared[-(KEPT_CHARTS - 1):],
                          (data, size, self.draw(data, *size))]

    def line_style(self, name: str) -> Style:
        """The themed style of a chart element: series, mean, limits, target, axis, band,
        rebase or note."""
        return component_style(self, f"history-chart--{name}")

    def render(self) -> Text:
        data = self.data
        width, height = self.size.width, self.size.height
        if data is None or not data.points or width < 12 or height < 3:
            return Text("no figures to chart", style=self.line_style("axis"))
        drawn = self._drawn
        if drawn is None or drawn[0] != (width, height):
            size = (width, height)
            ahead = next((text for kept, at, text in self._prepared
                          if kept is data and at == size), None)
            drawn = self._drawn = (size, ahead or self.draw(data, width, height))
        return drawn[1]

    def draw(self, data: ChartData, width: int, height: int) -> Text:
        unit = data.unit
        values = [v for _, v, _ in data.points]
        refs = [r for r in (data.mean, data.lower, data.upper, data.target, data.goal)
                if r is not None]
        refs += [v for _, v in data.planned]
        refs += [b for _, lower, upper in data.band for b in (lower, upper)]
        low, high = min(values + refs), max(values + refs)
        if high == low:
            high, low = high + 1, low - 1
        pad = (high - low) * 0.05
        low, high = low - pad, high + pad

        plot_h = height - 2  # the quarter ticks and their labels below
        ticks = value_ticks(low, high, at_most=max(3, plot_h // 2))
        labels = tick_labels(unit, ticks)
        gutter = max((len(label) for label in labels), default=0) + 2  # label, space, axis
        plot_w = width - gutter
        if plot_w < 4 or plot_h < 1:
            return Text("too small for a chart", style=self.line_style("axis"))
        dots_w, dots_h = plot_w * 2, plot_h * 4

        first, last = data.first.ordinal, data.last.ordinal
        span = max(1, last - first)

        def dot_x(quarter: Quarter) -> int:
            if first == last:
                return dots_w // 2
            return round((quarter.ordinal - first) / span * (dots_w - 1))

        def col(quarter: Quarter) -> int:
            return dot_x(quarter) // 2

        def edge(ordinal: int) -> int:
            """The first column nearer to this quarter than to the one before."""
            if ordinal <= first:
                return 0
            if ordinal > last:
                return plot_w
            before, at = (dot_x(Quarter.from_ordinal(o)) for o in (ordinal - 1, ordinal))
            return math.ceil(((before + at) / 2 - 0.5) / 2)

        def columns(quarter: Quarter) -> range:
            """The columns nearer to this quarter than to the quarters either side."""
            start, stop = edge(quarter.ordinal), edge(quarter.ordinal + 1)
            return range(min(start, col(quarter)), max(stop, col(quarter) + 1))

        def dot_y(value: float) -> int:
            return min(dots_h - 1, max(0, round((high - value) / (high - low) * (dots_h - 1))))

        def row(value: float) -> int:
            return dot_y(value) // 4

        def shown(quarter: Quarter) -> bool:
            return first <= quarter.ordinal <= last

        bits = [[0] * plot_w for _ in range(plot_h)]
        marks: dict[tuple[int, int], str] = {}
        previous: tuple[int, int] | None = None
        for quarter, value, mark in data.points:
            here = (dot_x(quarter), dot_y(value))
            segment = _line(*previous, *here) if previous else [here]
            for x, y in segment:
                bits[y // 4][x // 2] |= _DOTS[(x % 2, y % 4)]
            if mark:
                marks[(here[1] // 4, here[0] // 2)] = mark
            previous = here

        lines: dict[int, tuple[str, str]] = {}
        for value, char, style in ((data.lower, "┄", "limits"), (data.upper, "┄", "limits"),
                                   (data.mean, "─", "mean"), (data.target, "━", "target"),
                                   (data.goal, "╌", "target")):
            if value is not None:
                lines[row(value)] = (char, style)
        # cells drawn under the series, by what they show
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        for quarter, lower, upper in data.band:
            if shown(quarter):
                for c in columns(quarter):
                    for r in range(row(upper), row(lower) + 1):
                        cells[(r, c)] = ("░", "band")
        for quarter in data.rebased:
            if shown(quarter):
                for r in range(plot_h):
                    cells[(r, col(quarter))] = ("┆", "rebase")
        for quarter, value in data.planned:
            cells[(row(value), col(quarter))] = ("·", "target")
        if data.goal is not None and data.planned:
            cells[(row(data.goal), col(data.planned[-1][0]))] = ("◎", "target")

        tick_rows = {row(value): label for value, label in zip(ticks, labels)}
        styles = {name: self.line_style(name)
                  for name in ("series", "mean", "limits", "target", "axis", "band", "rebase",
                               "note")}
        styles.update({f"mark-{mark}": tone_style(self, tone) for mark, tone in MARK_TONES.items()})
        text = Text(no_wrap=True, overflow="crop")
        axis = styles["axis"]
        for r in range(plot_h):
            label = tick_rows.get(r)
            text.append((label or "").rjust(gutter - 2) + (" ┤" if label else " │"), style=axis)
            line = lines.get(r)
            cells_row = []
            for c in range(plot_w):
                if (r, c) in marks:
                    mark = marks[(r, c)]
                    cells_row.append(("◆", f"mark-{mark if mark in MARK_TONES else 'concern'}"))
                elif bits[r][c]:
                    cells_row.append((chr(0x2800 + bits[r][c]), "series"))
                elif (r, c) in cells:
                    cells_row.append(cells[(r, c)])
                elif line is not None:
                    cells_row.append(line)
                else:
                    cells_row.append((" ", ""))
            _append_runs(text, cells_row, styles)
            text.append("\n")

        # the quarter axis: a tick at each financial year's Q1, the baseline as ═, notes as ✎
        axis_row = [("─", "axis")] * plot_w
        if data.baseline is not None:
            for ordinal in range(data.baseline[0].ordinal, data.baseline[1].ordinal + 1):
                quarter = Quarter.from_ordinal(ordinal)
                if shown(quarter):
                    for c in columns(quarter):
                        axis_row[c] = ("═", "target")
        year_starts = [Quarter.from_ordinal(o) for o in range(first, last + 1)
                       if Quarter.from_ordinal(o).q == 1]
        for quarter in year_starts:
            at = col(quarter)
            axis_row[at] = ("╤", "target") if axis_row[at][0] == "═" else ("┬", "axis")
        for quarter in data.notes:
            if shown(quarter):
                axis_row[col(quarter)] = ("✎", "note")
        text.append(" " * (gutter - 1) + "└", style=axis)
        _append_runs(text, axis_row, styles)
        text.append("\n")
        label_row = [" "] * plot_w
        taken = -1
        for quarter in year_starts:
            label = quarter.fy_label
            at = min(col(quarter), plot_w - len(label))  # the last one may end at the edge
            if at > taken:
                label_row[at: at + len(label)] = label
                taken = at + len(label)
        if not year_starts or taken < 0:  # no financial year starts in view: the ends
            start_label, end_label = data.first.label, data.last.label
            room = plot_w - len(start_label) - len(end_label)
            label_row = list(start_label + " " * room + end_label if room >= 1
                             else end_label.rjust(plot_w))
        text.append(" " * gutter + "".join(label_row), style=axis)
        return text


def tick_labels(unit: Unit, ticks: list[float]) -> list[str]:
    """The ticks as the tree shows values, with more decimals where those would repeat."""
    labels = [compact_value(unit, value) for value in ticks]
    decimals = unit.decimals
    while len(set(labels)) < len(labels) and decimals < 6:
        decimals += 1
        suffix = compact_value(unit, 0.0).removeprefix(f"{0:,.{unit.decimals}f}")
        labels = [f"{value:,.{decimals}f}{suffix}" for value in ticks]
    return labels


def _append_runs(text: Text, cells: list[tuple[str, str]], styles: dict[str, Style]) -> None:
    """Cells as runs of one style each."""
    run_style, run = "", []
    for char, style in cells:
        if style != run_style and run:
            text.append("".join(run), style=styles.get(run_style, ""))
            run = []
        run_style = style
        run.append(char)
    if run:
        text.append("".join(run), style=styles.get(run_style, ""))
