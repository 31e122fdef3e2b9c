"""The screens the app opens over the plan on a key: the keys (`?`), the Making Data Count
summary (`m`), the data problems (`d`) and the KPIs missing a figure (`M`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from pcp_tui.render import status_legend
from pcp_tui.tui.plan_items import PlanItem
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.tree_filter import TreeFilter

if TYPE_CHECKING:
    from pcp_tui.tui.screens.help import Pane


class ScreenActions:
    """A mixin of `PcpApp`: it reads the app's config, data, assessment and bindings."""

    BINDINGS: Any
    COMMAND_PALETTE_BINDING: Any
    config: Any
    observations: Any
    assessment: Any
    quarter_return: Any
    get_key_display: Any
    push_screen: Any
    query_one: Any
    tell: Any
    jump_to: Any

    def action_missing(self) -> None:
        from pcp_tui.tui.screens.missing import MissingScreen

        self.push_screen(MissingScreen(self.quarter_return))

    # The pushed screens are imported when first opened: their widgets (TextArea, DataTable,
    # RadioSet) cost start-up time that the first frame does not need.

    def action_help(self) -> None:
        from pcp_tui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_panes(), symbols=status_legend()))

    def help_panes(self) -> list[Pane]:
        """The keys of each pane, from the BINDINGS of its class."""
        from pcp_tui.tui.screens.help import Pane, key_lines
        from pcp_tui.tui.screens.note_choice import ConfirmWithdraw, NoteChoiceScreen
        from pcp_tui.tui.screens.note_editor import NoteEditor

        keys = self.config.keys

        def display(binding: Binding) -> str:
            return self.get_key_display(binding)
        palette = [Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "find",
                           id="app.palette",
                           tooltip="Find a KPI, objective or national priority by title")]
        return [
            Pane("Everywhere", key_lines([*self.BINDINGS, *palette], display, keys)),
            Pane("Plan tree", key_lines(ObjectiveTree.BINDINGS, display, keys)),
            Pane("KPI detail", key_lines(KpiDetail.BINDINGS, display, keys)),
            Pane("Alerts", key_lines(AlertsPanel.BINDINGS, display, keys)),
            Pane("Plan filter (/)", key_lines(TreeFilter.BINDINGS, display)),
            Pane("Note editor (n)", key_lines(NoteEditor.BINDINGS, display)),
            Pane("Changing a note (e)", key_lines(
                [*NoteChoiceScreen.BINDINGS, *ConfirmWithdraw.BINDINGS], display)),
            Pane("Panes", key_lines([Binding("tab", "focus_next", "Next pane", id="focus.next"),
                                     Binding("shift+tab", "focus_previous", "Previous pane",
                                             id="focus.previous")], display)),
        ]

    def action_mdc_summary(self) -> None:
        from pcp_tui.tui.screens.mdc_summary import MdcSummaryScreen

        assessment = self.assessment
        if assessment is None or assessment.as_of is None:
            self.tell("No quarters: no data loaded.", timeout=3)
            return
        statuses = [assessment.home_statuses[kpi.id] for kpi in self.config.framework.kpis
                    if kpi.id in assessment.home_statuses]

        def chosen(kpi_id: str | None) -> None:
            kpi = next((k for k in self.config.framework.kpis if k.id == kpi_id), None)
            if kpi is not None:
                self.jump_to(PlanItem("kpi", kpi.id, kpi.title, kpi=kpi), focus_tree=False)
                self.query_one(KpiDetail).focus()

        self.push_screen(MdcSummaryScreen(statuses, assessment.as_of.label), chosen)

    def action_problems(self) -> None:
        from pcp_tui.tui.screens.problems import ProblemsScreen

        if self.observations.problems:
            self.push_screen(ProblemsScreen(self.observations.problems))
        else:
            self.tell("No data problems: every row of the data files loaded.", timeout=3)
