"""One KPI at the as-of quarter: target and result, change, chart, most similar forces, values,
notes. On a plan node or national priority: the rollup and the KPIs under it (and the notes of
a priority).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import var

from pcp_tui.alerts import Alert
from pcp_tui.framework import Framework
from pcp_tui.periods import PeriodError, Quarter
from pcp_tui.render import literal, national_heading
from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.focus_styles import FocusStylesSelf
from pcp_tui.tui.heading_table import HeadingTables
from pcp_tui.tui.kpi_chart import chart_legend, kpi_chart
from pcp_tui.tui.kpi_figures import KpiFigures
from pcp_tui.tui.notes_shelf import NotesShelf
from pcp_tui.tui.plan_items import (
    KIND_WORDS,
    RAG_WORDS,
    PlanItem,
    is_signal,
)
from pcp_tui.tui.series import SeriesIndex
from pcp_tui.tui.tones import (
    TONE_CLASSES,
    Toned,
    component_style,
    rollup_text,
    severity_mark,
    status_mark,
    tone_css,
    tone_style,
)
from pcp_tui.tui.widgets.history_chart import ChartData, HistoryChart
from pcp_tui.tui.widgets.national_panel import national_section
from pcp_tui.tui.widgets.text_block import ScrollingText, TextBlock

POINT_MARKS = {
    spc_plain.SPECIAL_CAUSE_CONCERN: "concern",
    spc_plain.SPECIAL_CAUSE_IMPROVEMENT: "improvement",
    spc_plain.SPECIAL_CAUSE_NEUTRAL_HIGH: "neutral",
    spc_plain.SPECIAL_CAUSE_NEUTRAL_LOW: "neutral",
}
KEPT_VIEWS = 16  # KPI views kept (a step either side, and the KPIs and quarters seen last)


@dataclass(frozen=True)
class KpiView:
    """What the pane shows of a KPI at one quarter: the key it is kept by, the two title
    lines (a function of the width), the chart's data and the figures below it."""

    key: tuple[object, ...]
    title: Callable[[int], Text]
    chart: ChartData
    body: Callable[[int], RenderableType]


class KpiDetail(KpiFigures, FocusStylesSelf, Toned, Vertical, can_focus=True):
    """The right-hand pane: a two-line title, the chart, and the figures scrolling below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="detail.bottom"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="detail.page-up"),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False,
                id="detail.page-down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = TONE_CLASSES | {
        "kpi-detail--title",
        "kpi-detail--label",
        "kpi-detail--heading",
        "kpi-detail--home",
    }

    DEFAULT_CSS = (
        """
    KpiDetail {
        padding: 0 1;
        background: $surface;
        & > .kpi-detail--title { text-style: bold; }
        & > .kpi-detail--label { color: $pcp-text-muted; }
        & > .kpi-detail--heading { text-style: bold; color: $text-accent; }
        & > .kpi-detail--home { text-style: bold; }
        & > #detail-title { height: 2; }
        & > HistoryChart { margin: 1 0 0 0; }
        &.-node > HistoryChart { display: none; }
    }
    """
        + tone_css("KpiDetail")
    )

    item: var[PlanItem | None] = var(None, always_update=True)
    assessment: var[Assessment | None] = var(None, always_update=True)

    def __init__(self, framework: Framework, series: SeriesIndex, notes: NotesShelf,
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.framework = framework
        self.series = series
        self.notes = notes
        self._pending = False
        self._drawn: tuple[object, ...] | None = None
        self._tables = HeadingTables()
        # a KPI's title, chart and figures by what they are drawn from (`_body_key`): kept
        # for the quarters either side of the one shown (`prepare`) and those seen last
        self._views: dict[tuple[object, ...], KpiView] = {}
        self.draws = 0  # how often the pane was drawn (read by the tests)

    def compose(self) -> ComposeResult:
        yield TextBlock(id="detail-title")
        yield HistoryChart(id="detail-chart")
        yield ScrollingText(id="detail-body")

    def action_scroll(self, where: str) -> None:
        body = self.query_one(ScrollingText)
        page = max(1, body.size.height - 1)
        lines = {"down": 1, "up": -1, "page_down": page, "page_up": -page,
                 "home": -body.line_count, "end": body.line_count}[where]
        body.scroll_by_lines(lines)

    @property
    def body_text(self) -> str:
        """The figures below the chart as plain text (what the pane would show if tall)."""
        return self.query_one(ScrollingText).plain

    @property
    def title_text(self) -> str:
        return self.query_one("#detail-title", TextBlock).plain

    def set_data(self, framework: Framework, series: SeriesIndex) -> None:
        self.framework = framework
        self.series = series
        self._forget_drawn()

    def watch_item(self) -> None:
        self._schedule()

    def watch_assessment(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        """Draw after the next screen refresh, once however many changes came before it: the
        tree's cursor repaints first, and holding `j` draws only where the cursor stops."""
        if not self.draws and self.assessment is not None and self.item is not None:
            self.show()  # the first frame shows the first item: no frame without it
        elif not self._pending:
            self._pending = True
            self.call_after_refresh(self._draw_pending)

    def draw_now(self) -> None:
        """Draw now what a pending draw would draw after the next screen refresh: for a change
        no held key repeats (Enter on an alert, a single quarter step), so that the pane and
        what moved it reach the screen in one update."""
        if self._drawn != self._showing():
            self.show()

    def _draw_pending(self) -> None:
        self._pending = False
        self.draw_now()

    def _showing(self, assessment: Assessment | None = None) -> tuple[object, ...]:
        """What the pane shows: Enter on the KPI already shown (the cursor's move drew it)
        draws nothing again."""
        item = self.item
        return (None if item is None else (item.kind, item.id, item.title, id(item.kpi),
                                           id(item.node)),
                id(assessment or self.assessment), id(self.framework), id(self.series))

    def _forget_drawn(self, *_: object) -> None:
        self._drawn = None
        self._views.clear()
        self.query_one(ScrollingText).forget_rendered()

    def _body_key(self, assessment: Assessment | None = None) -> tuple[object, ...]:
        """What the figures below the chart are drawn from (with the width, the key the
        body's rendered lines are kept by)."""
        return (*self._showing(assessment), self.notes.generation)

    # styles ----------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return component_style(self, f"kpi-detail--{name}")

    def _heading(self, words: str) -> Text:
        return Text(words, style=self._style("heading"))

    # drawing ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        # the drawn styles come from the theme
        self.app.theme_changed_signal.subscribe(self, self._forget_drawn)

    def show(self) -> None:
        """Draw the current item at the current assessment."""
        if not self.is_mounted:
            return
        self._drawn = self._showing()
        self.draws += 1
        item, assessment = self.item, self.assessment
        title = self.query_one("#detail-title", TextBlock)
        if item is None or assessment is None or assessment.as_of is None:
            self.add_class("-node")
            title.update(Text("No data loaded" if assessment is None or assessment.as_of is None
                              else "Choose a KPI in the plan"))
            self.query_one(ScrollingText).update("")
            return
        if item.kpi is None:
            self._show_node(item, assessment)
        else:
            self._show_kpi(item, assessment)

    def _title_lines(self, title: str, mark: Text, where: str):
        """Two lines, each cut to the width: the title with its status, and where it sits."""
        label = self._style("label")

        def draw(width: int) -> Text:
            head = literal(title, style=self._style("title"))
            room = max(4, width - mark.cell_len - 2)
            head.truncate(room, overflow="ellipsis")
            head.append("  ")
            head.append_text(mark)
            line = literal(where, style=label)
            line.truncate(width, overflow="ellipsis")
            return Text("\n").join([head, line])

        return draw

    def _show_node(self, item: PlanItem, assessment: Assessment) -> None:
        self.add_class("-node")
        title, body = self._node_parts(item, assessment)
        self.query_one("#detail-title", TextBlock).update(title)
        self.query_one(ScrollingText).update(body, key=self._body_key(assessment))

    def _node_parts(self, item: PlanItem, assessment: Assessment
                    ) -> tuple[Callable[[int], Text], Callable[[int], Group]]:
        """A heading's title lines and its figures (counts, its KPIs' table, alerts, notes),
        each a function of the width."""
        node = item.node
        assert node is not None
        counts = assessment.rollup(node)
        worst = assessment.worst(node)
        glyph, style = status_mark(self, worst)
        mark = Text(f"{glyph.char} {RAG_WORDS.get(worst or '', 'monitor only')}", style=style)
        where = f"{KIND_WORDS[item.kind]} · as of {assessment.as_of.label}"
        facts = Text()
        facts.append_text(rollup_text(self, counts) or Text("no KPIs with a RAG status"))
        monitor = counts.get("monitor", 0)
        if monitor:
            facts.append(f"  ○{monitor} monitored", style=tone_style(self, "monitor"))
        table = self._tables.table(self, node, assessment, self._style("label"))
        alerts = self._alerts_text(assessment, {k.id for k in node.walk_kpis()})
        notes = self._notes_text(item, assessment)
        return self._title_lines(item.title, mark, where), lambda width: Group(
            facts, Text(), table(width), Text(), alerts, *([Text(), notes] if notes else []))

    def _show_kpi(self, item: PlanItem, assessment: Assessment) -> None:
        self.remove_class("-node")
        view = self._view(item, assessment)
        self.query_one("#detail-title", TextBlock).update(view.title)
        self.query_one(HistoryChart).data = view.chart
        self.query_one(ScrollingText).update(view.body, key=view.key)

    def prepare(self, assessment: Assessment) -> Iterator[None]:
        """Work out and render, without showing it, what the KPI shown would show at another
        quarter's assessment, a step to it then only puts it on screen: a generator, each
        part (the figures, the chart, their rendering) done by one `next`. A heading's
        figures are rendered ahead too (its title is a line or two: drawn when shown)."""
        item = self.item
        if item is None or assessment.as_of is None or not self.is_mounted:
            return
        if item.kpi is None:
            _, body = self._node_parts(item, assessment)
            yield
            self.query_one(ScrollingText).prepare(body, key=self._body_key(assessment))
            return
        view = self._view(item, assessment)
        yield
        self.query_one(HistoryChart).prepare(view.chart)
        yield
        self.query_one(ScrollingText).prepare(view.body, key=view.key)

    def _view(self, item: PlanItem, assessment: Assessment) -> KpiView:
        key = self._body_key(assessment)
        view = self._views.get(key)
        if view is None:
            if len(self._views) >= KEPT_VIEWS:
                self._views.pop(next(iter(self._views)))
            view = self._views[key] = self._kpi_view(item, assessment, key)
        return view

    def _kpi_view(self, item: PlanItem, assessment: Assessment,
                  key: tuple[object, ...]) -> KpiView:
        kpi = item.kpi
        assert kpi is not None
        status = assessment.home_statuses[kpi.id]
        signal = is_signal(status)
        glyph, style = status_mark(self, status.rag, signal)
        word = RAG_WORDS.get(status.rag or "", "signal" if signal else "monitor")
        title = self._title_lines(kpi.title, Text(f"{glyph.char} {word}", style=style),
                                  self.framework.location(kpi))
        facts = self._facts(status, assessment)

        home = assessment.home_force
        points = assessment.spc_points(kpi.id, home)
        marks = {p.quarter: POINT_MARKS.get(p.point_type) for p in points}
        history = self.series.up_to(kpi.id, home, assessment.as_of)
        chart = kpi_chart(status, history, marks, self._noted_quarters(item))
        line_style = self.query_one(HistoryChart).line_style
        legend = chart_legend(status, chart, line_style, self._style("label"),
                              tone_style(self, "signal"))
        parts: list[RenderableType | Callable[[int], RenderableType]] = []
        if status.msf is not None:
            parts += [Text(), self._msf_table(status, assessment)]
        if status.national is not None:
            position = status.national
            names = {f.id: f.name for f in assessment.config.settings.forces.values()}
            heading = self._heading(f"All forces: {national_heading(position)}")
            label = self._style("label")
            national = lambda width: national_section(  # noqa: E731 - drawn at the pane's width
                position, kpi, names, heading, label, Style(bold=True), width)
            parts += [Text(), national]
        parts += [Text(), self._values_table(status, assessment, history, marks)]
        parts += [Text(), self._alerts_text(assessment, {kpi.id})]
        notes = self._notes_text(item, assessment)
        if notes:
            parts += [Text(), notes]
        return KpiView(
            key, title, chart,
            lambda width: Group(legend, Text(), facts(width),
                                *(part(width) if callable(part) else part for part in parts)))

    def _noted_quarters(self, item: PlanItem) -> tuple[Quarter, ...]:
        """The quarters the subject's notes are for (withdrawn ones aside)."""
        subject = item.note_subject
        if subject is None or self.notes.error:
            return ()
        quarters = set()
        for note in self.notes.for_subject(subject):
            if note.withdrawn:
                continue
            try:
                quarters.add(note.as_quarter)
            except PeriodError:
                continue
        return tuple(sorted(quarters))

    def _alerts_text(self, assessment: Assessment, kpis: set[str]) -> RenderableType:
        alerts: list[Alert] = [a for a in assessment.alerts if a.kpi in kpis]
        if not alerts:
            return Text("No alerts this quarter.", style=self._style("label"))
        lines = [self._heading(f"Alerts in {assessment.as_of.label} ({len(alerts)})")]
        for alert in alerts:
            glyph, style = severity_mark(self, alert.severity)
            line = Text.assemble((f"{glyph.char} {alert.severity} ", style))
            line.append_text(literal(alert.message))
            since = "new" if alert.is_new else f"since {alert.since.label}"
            line.append(f" ({since})", style=self._style("label"))
            lines.append(line)
        return Group(*lines)

    def _notes_text(self, item: PlanItem, assessment: Assessment) -> RenderableType | None:
        subject = item.note_subject
        if subject is None:
            return None
        notes = self.notes.for_subject(subject)
        heading = self._heading(f"Notes ({len(notes)})")
        if self.notes.error:
            return Group(heading, literal(f"The notes cannot be read: {self.notes.error}",
                                          style=tone_style(self, "red")))
        if not notes:
            return Group(heading, Text("No notes yet: press n to write a reflection or an "
                                       "action for this quarter.", style=self._style("label")))
        heading.append("  e edits or withdraws one", style=self._style("label"))
        ordered = self.notes.shown(subject, assessment.as_of.label if assessment.as_of else "")
        lines: list[RenderableType] = [heading]
        for note in ordered:
            head = Text(f"{note.quarter} · {note.kind}", style=self._style("label"))
            if note.author:
                head.append_text(literal(f" · {note.author}", style=self._style("label")))
            head.append(f" · {note.written_at[:10]}", style=self._style("label"))
            lines.append(head)
            lines.append(literal(note.text, newlines=True))
        return Group(*lines)

