"""Every alert of the as-of quarter, most urgent first; Enter or a click opens its KPI.

Drawn line by line from pre-built rows (not a DataTable): a quarter step replaces every row,
and a DataTable measures and lays out its rows again each time, which cost more than the step.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from pcp_tui.alerts import SEVERITIES, SEVERITY_RANK, Alert
from pcp_tui.framework import Framework
from pcp_tui.render import SEVERITY_GLYPHS, literal
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.focus_styles import FocusStylesSelf
from pcp_tui.tui.tones import (
    SEVERITY_TONES,
    TONE_CLASSES,
    Toned,
    severity_mark,
    tone_css,
    tone_style,
)
from pcp_tui.tui.widgets.text_block import blank, styled_strip

# The minimum-severity filter steps through these: everything, what needs attention, what
# misses a target, breaches only.
KEPT_QUARTERS = 8  # quarters (at a filter and width) whose drawn rows are kept
PREPARED_ROWS = 4  # the rows drawn ahead in one turn of the event loop (about 2 ms)
SEVERITY_FILTERS = ("data", "signal", "warning", "breach")
FILTER_WORDS = {
    "data": "all",
    "signal": "breach, warning, signal",
    "warning": "breach, warning",
    "breach": "breach only",
}


def passes(alert: Alert, min_severity: str) -> bool:
    return alert.rank <= SEVERITY_RANK[min_severity]


def _cell(text: Text, width: int) -> Text:
    text = text.copy()
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def _place_of(keep: Alert | None, shown: list[Alert]) -> int:
    """The row of the alert the cursor was on (or of the same rule on the same KPI) among
    `shown`; the first row when it is not there."""
    if keep is not None:
        for index, alert in enumerate(shown):
            if alert.id == keep.id or (alert.kpi, alert.rule) == (keep.kpi, keep.rule):
                return index
    return 0


def _first_row(cursor: int, first: int, rows: int, total: int) -> int:
    """The first row shown: `first`, moved as little as keeps the cursor's row in the
    `rows` shown, and no further down than fills them."""
    if cursor < first:
        first = cursor
    elif cursor >= first + rows:
        first = cursor - rows + 1
    return max(0, min(first, max(0, total - rows)))


class AlertsPanel(FocusStylesSelf, Toned, Widget, can_focus=True):
    """The alerts list below the plan: a header line, then one line per alert."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Down", show=False, id="alerts.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="alerts.up"),
        Binding("g,home", "move_to('first')", "First alert", show=False, id="alerts.top"),
        Binding("G,end", "move_to('last')", "Last alert", show=False, id="alerts.bottom"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="alerts.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="alerts.page-down"),
        Binding("enter", "choose", "Open the alert's KPI", show=False, id="alerts.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = TONE_CLASSES | {
        "alerts-panel--header",
        "alerts-panel--cursor",
        "alerts-panel--thumb",
        "alerts-panel--track",
    }

    DEFAULT_CSS = (
        """
    AlertsPanel {
        border: round $primary-muted;
        border-title-align: left;
        background: $surface;
        & > .alerts-panel--header { color: $pcp-text-muted; text-style: bold; }
        & > .alerts-panel--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .alerts-panel--thumb { color: $primary-muted; }
        & > .alerts-panel--track { color: $surface-lighten-1; }
        &:focus {
            border: round $primary;
            & > .alerts-panel--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    AlertsPanel:ansi:nocolor > .alerts-panel--cursor { text-style: reverse; }
    """
        + tone_css("AlertsPanel")
    )

    assessment: var[Assessment | None] = var(None, always_update=True)
    min_severity: var[str] = var("data")

    class AlertChosen(Message):
        """Enter or a click on an alert."""

        def __init__(self, alert: Alert) -> None:
            self.alert = alert
            super().__init__()

    def __init__(self, framework: Framework, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.framework = framework
        self._shown: list[Alert] = []
        self._strips: dict[int, Strip] = {}
        # drawn rows by (assessment, filter, width), with the assessment they show:
        # a step back to a quarter, or one drawn ahead (`prepare`), draws no row again
        self._kept_rows: dict[tuple[object, ...], tuple[Assessment | None, dict[int, Strip]]] = {}
        self._columns: list[tuple[str, int]] = []
        self._text_width = 0
        self._kpis: dict = {}
        self._header = Strip.blank(0)
        self._drawn_width = 0
        self.cursor_row = 0
        self.first_row = 0

    def set_data(self, framework: Framework) -> None:
        self.framework = framework

    def watch_assessment(self) -> None:
        self.rebuild()

    def watch_min_severity(self) -> None:
        self.rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._drawn_width:
            self.rebuild()
        self._keep_cursor_visible()

    @property
    def shown(self) -> list[Alert]:
        """The alerts in the list, in order (after the severity filter)."""
        return list(self._shown)

    @property
    def lines(self) -> list[str]:
        """The rows as plain text, as drawn (cut to the width)."""
        return [self.row_text(index).plain for index in range(len(self._shown))]

    @property
    def cursor_alert(self) -> Alert | None:
        if 0 <= self.cursor_row < len(self._shown):
            return self._shown[self.cursor_row]
        return None

    def cycle_filter(self) -> str:
        index = SEVERITY_FILTERS.index(self.min_severity)
        self.min_severity = SEVERITY_FILTERS[(index + 1) % len(SEVERITY_FILTERS)]
        return self.min_severity

    # drawing ---------------------------------------------------------------------------------

    def _title(self, alerts: tuple[Alert, ...]) -> Text:
        counts = {severity: 0 for severity in SEVERITIES}
        for alert in alerts:
            counts[alert.severity] += 1
        title = Text(f"Alerts {len(alerts)}")
        quarter = self.assessment.as_of if self.assessment is not None else None
        if quarter is not None:
            title.append(f" in {quarter.label}")
        title.append(":")
        for severity in SEVERITIES:
            if counts[severity]:
                glyph, style = severity_mark(self, severity)
                title.append(" ")
                title.append(f"{glyph.char}{counts[severity]}", style=style)
                title.append(f" {severity}")
        if self.min_severity != "data":
            title.append(f" · showing {FILTER_WORDS[self.min_severity]} ({len(self._shown)})",
                         style=tone_style(self, "amber"))
        return title

    def rebuild(self) -> None:
        """Lay out the rows again (new quarter, filter or width); keep the cursor's alert."""
        if not self.is_mounted:
            return
        keep = self.cursor_alert
        alerts = self.assessment.alerts if self.assessment is not None else ()
        self._shown = [a for a in alerts if passes(a, self.min_severity)]
        self.border_title = self._title(alerts)
        width = self.size.width
        self._drawn_width = width
        text_width = max(10, width - 1)  # the last column holds the scroll thumb
        narrow = text_width < 100
        kpi_width = 18 if narrow else 26
        when_width = 16
        columns = [("", 1)]
        if not narrow:
            columns.append(("severity", 11))
        columns += [("KPI", kpi_width), ("when", when_width)]
        used = sum(w for _, w in columns) + 2 * len(columns)
        columns.append(("alert", max(10, text_width - used)))
        header = Text(no_wrap=True)
        for index, (name, column_width) in enumerate(columns):
            if index:
                header.append("  ")
            header.append_text(_cell(Text(name), column_width))
        self._header = self._strip(header, text_width,
                                   self.get_component_rich_style("alerts-panel--header"))
        self._columns = columns
        self._text_width = text_width
        self._kpis = {kpi.id: kpi for kpi in self.framework.kpis}
        self._strips = self._rows_of(self.assessment)
        self.cursor_row = _place_of(keep, self._shown)
        self._keep_cursor_visible()
        self.refresh()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, *_: object) -> None:
        # the theme's styles are in place (Textual refreshes the CSS before it tells): the
        # header and the rows are drawn again in its colours
        self._kept_rows.clear()
        self.rebuild()

    def _rows_of(self, assessment: Assessment | None) -> dict[int, Strip]:
        """The rows drawn for an assessment at the filter and width of now (a new theme
        forgets them all)."""
        key = (id(assessment), self.min_severity, self._text_width)
        kept = self._kept_rows.get(key)
        if kept is not None and kept[0] is assessment:
            return kept[1]
        if len(self._kept_rows) >= KEPT_QUARTERS:
            del self._kept_rows[next(iter(self._kept_rows))]
        rows: dict[int, Strip] = {}
        self._kept_rows[key] = (assessment, rows)
        return rows

    def prepare(self, assessment: Assessment) -> Iterator[None]:
        """Draw the rows a step to another quarter's assessment would show, without showing
        them (the cursor kept on its alert, as `rebuild` keeps it): a generator, a few rows
        drawn by each `next`."""
        if not self.is_mounted or not self._columns or self._drawn_width != self.size.width:
            return
        shown = [a for a in assessment.alerts if passes(a, self.min_severity)]
        rows = self._visible_rows
        cursor = _place_of(self.cursor_alert, shown)
        first = _first_row(cursor, self.first_row, rows, len(shown))
        drawn = self._rows_of(assessment)
        for index in range(first, min(first + rows, len(shown))):
            if index not in drawn:
                drawn[index] = self._strip(self._row_text(shown[index]), self._text_width)
            if index % PREPARED_ROWS == PREPARED_ROWS - 1:
                yield

    def row_text(self, index: int) -> Text:
        """One alert's line: glyph, severity, KPI, new or since when, the message."""
        return self._row_text(self._shown[index])

    def _row_text(self, alert: Alert) -> Text:
        glyph = SEVERITY_GLYPHS.get(alert.severity, SEVERITY_GLYPHS["data"])
        style = tone_style(self, SEVERITY_TONES.get(alert.severity, "data"))
        kpi = self._kpis.get(alert.kpi)
        cells = [Text(glyph.char, style=style)]
        if self._columns[1][0] == "severity":
            cells.append(Text(alert.severity, style=style))
        cells.append(literal(kpi.short if kpi else alert.kpi))
        cells.append(Text("new", style=tone_style(self, "amber")) if alert.is_new
                     else Text(f"since {alert.since.label}"))
        cells.append(literal(alert.message))
        line = Text(no_wrap=True)
        for number, (value, (_, column_width)) in enumerate(zip(cells, self._columns)):
            if number:
                line.append("  ")
            line.append_text(_cell(value, column_width))
        return line

    def _row_strip(self, index: int) -> Strip:
        """Rows are drawn when first shown (a quarter step replaces them all)."""
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = self._strip(self.row_text(index), self._text_width)
        return strip

    def _strip(self, text: Text, width: int, style: Style | None = None) -> Strip:
        strip = styled_strip(text.render(self.app.console), width)
        return strip.apply_style(style) if style else strip

    @property
    def _visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _keep_cursor_visible(self) -> None:
        self.first_row = _first_row(self.cursor_row, self.first_row, self._visible_rows,
                                    len(self._shown))

    def render_line(self, y: int) -> Strip:
        # the panel's own colours under the text, as a widget's `render` would have them
        return self._line(y).apply_style(self.visual_style.rich_style)

    def _line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return Strip.join([self._header, blank(1)])
        index = self.first_row + y - 1
        if index >= len(self._shown):
            if not self._shown and y == 1:
                empty = Text("No alerts at this filter." if self.assessment else "No data.",
                             style=tone_style(self, "muted"))
                return Strip.join([self._strip(empty, width - 1), blank(1)])
            return blank(width)
        row = self._row_strip(index)
        if index == self.cursor_row:
            # the cursor's colours over the whole line (a status colour on the cursor's
            # background would not be legible; the glyph and the severity word stay)
            cursor = self.get_component_rich_style("alerts-panel--cursor")
            row = Strip([Segment(text, (style or Style()) + cursor, control)
                         for text, style, control in row], row.cell_length)
        return Strip.join([row, self._thumb(y - 1)])

    def _thumb(self, y: int) -> Strip:
        rows, total = self._visible_rows, len(self._shown)
        if total <= rows:
            return blank(1)
        size = max(1, rows * rows // total)
        top = (rows - size) * self.first_row // max(1, total - rows)
        if top <= y < top + size:
            return Strip([Segment("▐", self.get_component_rich_style("alerts-panel--thumb"))], 1)
        return Strip([Segment("│", self.get_component_rich_style("alerts-panel--track"))], 1)

    # moving and choosing ---------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self._shown:
            return
        self.cursor_row = max(0, min(row, len(self._shown) - 1))
        self._keep_cursor_visible()
        self.refresh()

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_move_to(self, where: str) -> None:
        self.move_cursor(0 if where == "first" else len(self._shown) - 1)

    def action_page(self, pages: int) -> None:
        self.move_cursor(self.cursor_row + pages * max(1, self._visible_rows - 1))

    def action_choose(self) -> None:
        alert = self.cursor_alert
        if alert is not None:
            self.post_message(self.AlertChosen(alert))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = self.first_row + offset.y - 1
        if 0 <= row < len(self._shown):
            self.move_cursor(row)
            self.post_message(self.AlertChosen(self._shown[row]))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.first_row = min(max(0, len(self._shown) - self._visible_rows), self.first_row + 3)
        self.refresh()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.first_row = max(0, self.first_row - 3)
        self.refresh()
