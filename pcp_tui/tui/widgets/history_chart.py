"""A KPI's whole history as a braille line, with the target, SPC mean and process limits.

Drawn in plain characters so that it needs no plotting library and reads without colour:
the series is braille dots, `━` is the target, `─` the mean, `┄` the process limits, `·` a
milestone's planned path and `◆` a point that SPC marks as special cause.
"""

from __future__ import annotations

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
MARK_TONES = {"concern": "signal", "improvement": "improvement", "neutral": "monitor"}
# a mark the chart does not know is drawn as a concern


@dataclass(frozen=True)
class ChartData:
    """What to draw: the points (with SPC marks) and the reference lines."""

    unit: Unit
    points: tuple[tuple[Quarter, float, str | None], ...]  # quarter, value, special-cause mark
    mean: float | None = None
    lower: float | None = None
    upper: float | None = None
    target: float | None = None
    planned: tuple[tuple[Quarter, float], ...] = field(default=())


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
    }
    """
        + tone_css("HistoryChart")
    )

    data: var[ChartData | None] = var(None, always_update=True)

    def watch_data(self) -> None:
        self._drawn = None
        self.refresh()

    def notify_style_update(self) -> None:
        self._drawn = None
        super().notify_style_update()

    def line_style(self, name: str) -> Style:
        """The themed style of a chart element: series, mean, limits, target or axis."""
        return component_style(self, f"history-chart--{name}")

    def render(self) -> Text:
        data = self.data
        width, height = self.size.width, self.size.height
        if data is None or not data.points or width < 12 or height < 3:
            return Text("no figures to chart", style=self.line_style("axis"))
        drawn = getattr(self, "_drawn", None)
        if drawn is None or drawn[0] != (width, height):
            drawn = self._drawn = ((width, height), self.draw(data, width, height))
        return drawn[1]

    def draw(self, data: ChartData, width: int, height: int) -> Text:
        unit = data.unit
        values = [v for _, v, _ in data.points]
        refs = [r for r in (data.mean, data.lower, data.upper, data.target) if r is not None]
        refs += [v for _, v in data.planned]
        low, high = min(values + refs), max(values + refs)
        if high == low:
            high, low = high + 1, low - 1
        pad = (high - low) * 0.05
        low, high = low - pad, high + pad

        labels = {0: compact_value(unit, high - pad), height - 2: compact_value(unit, low + pad)}
        gutter = max(len(label) for label in labels.values()) + 1
        plot_w, plot_h = width - gutter, height - 1
        if plot_w < 4 or plot_h < 1:
            return Text("too small for a chart", style=self.line_style("axis"))
        dots_w, dots_h = plot_w * 2, plot_h * 4

        first = data.points[0][0].ordinal
        span = max(1, data.points[-1][0].ordinal - first)

        def dot_x(quarter: Quarter) -> int:
            if len(data.points) == 1:
                return dots_w // 2
            return round((quarter.ordinal - first) / span * (dots_w - 1))

        def dot_y(value: float) -> int:
            return min(dots_h - 1, max(0, round((high - value) / (high - low) * (dots_h - 1))))

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
                                   (data.mean, "─", "mean"), (data.target, "━", "target")):
            if value is not None:
                lines[dot_y(value) // 4] = (char, style)
        planned = {}
        for quarter, value in data.planned:
            if data.points[0][0] <= quarter <= data.points[-1][0]:
                planned[(dot_y(value) // 4, dot_x(quarter) // 2)] = True
        if data.target is not None:
            labels.setdefault(dot_y(data.target) // 4, compact_value(unit, data.target))

        styles = {name: self.line_style(name)
                  for name in ("series", "mean", "limits", "target", "axis")}
        styles.update({f"mark-{mark}": tone_style(self, tone) for mark, tone in MARK_TONES.items()})
        text = Text(no_wrap=True, overflow="crop")
        axis = styles["axis"]
        for row in range(plot_h):
            label = labels.get(row, "")
            text.append(label[: gutter - 1].rjust(gutter - 1) + " ", style=axis)
            line = lines.get(row)
            run_style, run = "", []
            for col in range(plot_w):
                if (row, col) in marks:
                    mark = marks[(row, col)]
                    char, style = "◆", f"mark-{mark if mark in MARK_TONES else 'concern'}"
                elif bits[row][col]:
                    char, style = chr(0x2800 + bits[row][col]), "series"
                elif (row, col) in planned:
                    char, style = "·", "target"
                elif line is not None:
                    char, style = line
                else:
                    char, style = " ", ""
                if style != run_style and run:
                    text.append("".join(run), style=styles.get(run_style, ""))
                    run = []
                run_style = style
                run.append(char)
            if run:
                text.append("".join(run), style=styles.get(run_style, ""))
            text.append("\n")
        start, end = data.points[0][0].label, data.points[-1][0].label
        room = plot_w - len(start) - len(end)
        axis_line = start + " " * room + end if room >= 1 else end.rjust(plot_w)
        text.append(" " * gutter + axis_line, style=axis)
        return text
