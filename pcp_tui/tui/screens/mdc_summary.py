"""`m`: the NHS "Making Data Count" summary matrix of the home force's KPIs at the as-of
quarter: one row per SPC variation icon, one column per assurance icon, each cell listing its
KPIs. Enter on a KPI closes the matrix and opens the KPI in the main screen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pcp_tui.rules import spc as spc_plain
from pcp_tui.rules.status import KpiStatus

NO_ICON = "none"
NO_TARGET = "no_target"

# rows: concern first (what needs attention), then common cause, improvement, and the rest
VARIATION_ROWS: tuple[tuple[str, str], ...] = (
    (spc_plain.ICON_CONCERN_HIGH, "Special cause concern · high"),
    (spc_plain.ICON_CONCERN_LOW, "Special cause concern · low"),
    (spc_plain.ICON_COMMON_CAUSE, "Common cause"),
    (spc_plain.ICON_IMPROVEMENT_HIGH, "Special cause improvement · high"),
    (spc_plain.ICON_IMPROVEMENT_LOW, "Special cause improvement · low"),
    (spc_plain.ICON_NEUTRAL_HIGH, "Special cause, neither · high"),
    (spc_plain.ICON_NEUTRAL_LOW, "Special cause, neither · low"),
    (NO_ICON, "No SPC (too few points, or not charted)"),
)
# the rows every matrix shows; the "neither" rows (a KPI with no better direction) only
# when a KPI is in them
ALWAYS_SHOWN = frozenset({spc_plain.ICON_CONCERN_HIGH, spc_plain.ICON_CONCERN_LOW,
                          spc_plain.ICON_COMMON_CAUSE, spc_plain.ICON_IMPROVEMENT_HIGH,
                          spc_plain.ICON_IMPROVEMENT_LOW, NO_ICON})
ASSURANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    (spc_plain.ASSURANCE_PASS, "Consistently pass"),
    (spc_plain.ASSURANCE_INCONSISTENT, "Hit and miss"),
    (spc_plain.ASSURANCE_FAIL, "Consistently fail"),
    (NO_TARGET, "No target"),
)


def mdc_cell(status: KpiStatus) -> tuple[str, str]:
    """(variation row, assurance column) of one KPI's status."""
    variation = status.spc.variation_icon
    assurance = status.spc.assurance
    row = variation if variation in dict(VARIATION_ROWS) else NO_ICON
    column = assurance if assurance in dict(ASSURANCE_COLUMNS) else NO_TARGET
    return row, column


def mdc_matrix(statuses: Iterable[KpiStatus]) -> dict[tuple[str, str], list[KpiStatus]]:
    """Every (row, column) cell of the matrix with its KPIs, in the order given."""
    cells: dict[tuple[str, str], list[KpiStatus]] = {
        (row, column): [] for row, _ in VARIATION_ROWS for column, _ in ASSURANCE_COLUMNS}
    for status in statuses:
        cells[mdc_cell(status)].append(status)
    return cells


def shown_rows(cells: Mapping[tuple[str, str], list[KpiStatus]]) -> list[tuple[str, str]]:
    return [(row, label) for row, label in VARIATION_ROWS
            if row in ALWAYS_SHOWN or any(cells[row, column] for column, _ in ASSURANCE_COLUMNS)]


class MdcCell(OptionList):
    """One cell of the matrix: its KPIs, one per line."""


class MdcSummaryScreen(ModalScreen[str | None]):
    """The matrix; dismissed with the chosen KPI's id (None: closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,m", "dismiss", "Close the summary", id="mdc.close"),
    ]

    DEFAULT_CSS = """
    MdcSummaryScreen {
        align: center middle;
        & > VerticalScroll {
            width: 100%;
            height: 100%;
            border: round $primary;
            border-title-align: left;
            border-title-color: $text-primary;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
        }
        & Grid {
            grid-size: 5;
            grid-columns: 22 1fr 1fr 1fr 1fr;
            grid-rows: auto;
            grid-gutter: 0 1;
            height: auto;
            padding: 0 1;
        }
        & .mdc-head { text-style: bold; height: auto; }
        & .mdc-row-label { text-style: bold; height: auto; padding: 0 0 1 0; }
        & MdcCell {
            height: auto;
            max-height: 12;
            border: none;
            padding: 0;
            margin: 0 0 1 0;
            background: $surface;
        }
        & MdcCell:focus { border: none; background: $boost; }
        & .mdc-empty { color: $pcp-text-muted; height: auto; }
    }
    """

    def __init__(self, statuses: Iterable[KpiStatus], quarter: str) -> None:
        super().__init__()
        self.statuses = list(statuses)
        self.quarter = quarter
        self.cells = mdc_matrix(self.statuses)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="mdc-body") as body:
            body.border_title = (f"Making Data Count summary · {self.quarter} · "
                                 f"{len(self.statuses)} KPIs")
            body.border_subtitle = "Tab next cell · Enter opens a KPI · Esc closes"
            with Grid(id="mdc-grid"):
                yield Static(Text("variation ╲ assurance"), classes="mdc-head")
                for _, label in ASSURANCE_COLUMNS:
                    yield Static(Text(label), classes="mdc-head")
                for row, label in shown_rows(self.cells):
                    count = sum(len(self.cells[row, c]) for c, _ in ASSURANCE_COLUMNS)
                    yield Static(Text(f"{label} ({count})"), classes="mdc-row-label")
                    for column, _ in ASSURANCE_COLUMNS:
                        kpis = self.cells[row, column]
                        if not kpis:
                            yield Static(Text("–"), classes="mdc-empty")
                            continue
                        yield MdcCell(*(Option(Text(s.kpi.short or s.kpi.title), id=s.kpi.id)
                                        for s in kpis), id=f"mdc-{row}-{column}")

    def on_mount(self) -> None:
        cells = list(self.query(MdcCell))
        if cells:
            cells[0].focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
