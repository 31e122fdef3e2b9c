"""The terminal app: the plan tree, a KPI's detail and the quarter's alerts.

The App owns the config, the observations, the timeline (every quarter assessed once) and the
as-of quarter; it hands the assessment down to the widgets and reacts to their messages.
Reloading runs in a worker thread that posts its result back and never touches a widget.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from pcp_tui.config import Config
from pcp_tui.dataset import Observations
from pcp_tui.notes import NotesLog
from pcp_tui.periods import Quarter
from pcp_tui.render import visible
from pcp_tui.returns import QuarterReturn, newest_return
from pcp_tui.rules.assess import Assessment, Timeline, build_timeline
from pcp_tui.start_cache import StartCache
from pcp_tui.tui.commands import PlanFinder
from pcp_tui.tui.downloads import DownloadActions
from pcp_tui.tui.folder_watch import FolderWatch
from pcp_tui.tui.legible import legible_variables
from pcp_tui.tui.note_actions import NoteActions
from pcp_tui.tui.notes_shelf import NotesShelf
from pcp_tui.tui.plan_items import PlanItem
from pcp_tui.tui.reloading import DataReload, settle_heap
from pcp_tui.tui.screen_actions import ScreenActions
from pcp_tui.tui.screens.main_screen import MainScreen
from pcp_tui.tui.scrollbars import use_whole_cell_scrollbars
from pcp_tui.tui.series import SeriesIndex
from pcp_tui.tui.step_ahead import StepAhead
from pcp_tui.tui.terminal_driver import terminal_driver
from pcp_tui.tui.widgets.alerts_panel import FILTER_WORDS, AlertsPanel, passes
from pcp_tui.tui.widgets.key_footer import KeyFooter
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.plan_header import PlanHeader
from pcp_tui.tui.widgets.tree_filter import TreeFilter

QUARTER_KEYS = Binding.Group("quarter", compact=True)
POLL_SECONDS = 2.0
# quarter steps closer together than this are a held key's repeats (terminals repeat a held key
# after a quarter of a second or more, then some 30 times a second)
HELD_KEY_GAP = 0.2


def default_data_paths(config: Config, observations: Observations) -> tuple[Path, ...]:
    """The config's data folder, unless the data came from elsewhere (`--data`)."""
    folder = config.data_folder.resolve()
    files = [Path(f).resolve() for f in observations.files]
    if not files or any(folder in f.parents for f in files):
        return (config.data_folder,)
    return tuple(sorted({f.parent for f in files}))


class PcpApp(DataReload, NoteActions, DownloadActions, StepAhead, ScreenActions,
             App[int]):
    """pcp-tui: the Police and Crime Plan at a quarter."""

    @property
    def crash(self) -> BaseException | None:
        """The unhandled error that closed the app (at start-up or later), if any."""
        return self._exception

    def _print_error_renderables(self) -> None:
        # An unhandled error is reported by the command line as a short message and a crash
        # log (exit 70); Textual's own full-screen traceback would hide that message.
        if self._exception is None:
            super()._print_error_renderables()
        else:
            self._exit_renderables.clear()

    CSS_PATH = "app.tcss"
    TITLE = "pcp-tui"
    COMMANDS = App.COMMANDS | {PlanFinder}
    NOTIFICATION_TIMEOUT = 6

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("[", "step(-1)", "earlier", id="quarter.earlier", group=QUARTER_KEYS,
                tooltip="Step the as-of quarter one back"),
        Binding("]", "step(1)", "later", id="quarter.later", group=QUARTER_KEYS,
                tooltip="Step the as-of quarter one forward"),
        Binding("L", "latest", "latest", show=False, id="quarter.latest",
                tooltip="Back to the latest quarter"),
        Binding("C", "complete", "complete", show=False, id="quarter.complete",
                tooltip="Go to the last complete quarter (when the newest is a partial return)"),
        Binding("p", "regroup", "group", id="view.group",
                tooltip="Group the tree by the plan or by national priority"),
        Binding("a", "alerts_only", "alerted", id="view.alerts-only",
                tooltip="Show only the KPIs with alerts (at the severity filter) in the tree"),
        Binding("s", "severity", "severity", id="alerts.severity",
                tooltip="Cycle the alerts' minimum severity: all, signal, warning, breach"),
        Binding("m", "mdc_summary", "summary", show=False, id="view.mdc-summary",
                tooltip="The Making Data Count summary: every KPI by its variation and "
                        "assurance icons; Enter opens one"),
        Binding("slash", "filter", "filter", id="view.filter",
                tooltip="Filter the tree by words in the KPI titles"),
        Binding("n", "note", "note", id="notes.write",
                tooltip="Write a reflection or planned action on the KPI or priority"),
        Binding("e", "change_note", "edit note", show=False, id="notes.change",
                tooltip="Edit or withdraw one of the notes shown for the KPI or priority"),
        Binding("d", "problems", "problems", show=False, id="data.problems",
                tooltip="List the problems found in the data files"),
        Binding("M", "missing", "missing", show=False, id="data.missing",
                tooltip="The KPIs still missing a figure in the newest quarter, with their "
                        "usual source"),
        Binding("r", "reload", "reload", id="data.reload",
                tooltip="Reload the config and the data files"),
        # shown in the footer only in a browser (`on_mount`), where there is no shell
        Binding("b", "download_report", "report", show=False, id="download.report",
                tooltip="Download the quarter's board report (HTML); in a terminal it is "
                        "saved in the downloads folder"),
        Binding("c", "download_alerts", "alerts csv", show=False, id="download.alerts",
                tooltip="Download the quarter's alerts (CSV); in a terminal it is saved in "
                        "the downloads folder"),
        Binding("question_mark", "help", "help", id="app.help",
                tooltip="Every key, by pane"),
        Binding("escape", "back", "back", show=False, id="app.back",
                tooltip="Back to the plan tree"),
        Binding("q", "quit", "quit", id="app.quit", tooltip="Quit pcp-tui"),
    ]

    assessment: var[Assessment | None] = var(None, always_update=True)
    grouping: var[str] = var("plan")
    alerts_only: var[bool] = var(False)

    def __init__(
        self,
        config: Config,
        observations: Observations,
        timeline: Timeline,
        *,
        quarter: Quarter | None = None,
        notes_path: str | Path | None = None,
        data_paths: Sequence[str | Path] | None = None,
        poll_interval: float | None = POLL_SECONDS,
        today: date | None = None,
        warm: bool = True,
        author: str | None = None,
        remember: Callable[[Timeline], None] | None = None,
        reopen: Callable[[], StartCache] | None = None,
    ) -> None:
        super().__init__()
        self._remember = remember
        self._reopen = reopen
        use_whole_cell_scrollbars()
        self.warm = warm
        self.author = author
        self.config = config
        self.observations = observations
        self.timeline = timeline
        self.series = SeriesIndex(observations.frame)
        self._notes_override = Path(notes_path) if notes_path is not None else None
        self.notes_log = NotesLog(self._notes_override or config.notes_path)
        self.notes = NotesShelf(lambda: self.notes_log.read()[0])
        self._data_paths_given = data_paths is not None
        self.data_paths = tuple(Path(p) for p in data_paths) if data_paths is not None else (
            default_data_paths(config, observations))
        self.poll_interval = poll_interval
        self.today = today
        self.as_of = self._valid_quarter(quarter)
        self.watch_folder = FolderWatch(self.data_paths)
        self._asked_quarter = quarter
        self._last_step = float("-inf")
        #: the clock that tells a held key's repeats from single presses
        self.step_clock = time.monotonic
        self._started = False
        self._views: tuple[Widget, ...] = ()  # the panes `_views_gone` looks at, once mounted
        self.notices: list[tuple[str, str, str]] = []
        self.quarter_return = self._quarter_return(config, observations)

    @staticmethod
    def _quarter_return(config: Config, observations: Observations) -> QuarterReturn:
        return newest_return(config, observations)

    def _offer_complete_quarter(self) -> None:
        found = self.quarter_return
        if not found.partial:
            return
        message = f"{found.headline}: a partial return. Press M for the missing list"
        if found.last_complete is not None:
            message += f", C for the last complete quarter ({found.last_complete.label})"
        self.tell(message + ".", title="Partial return", severity="warning", timeout=12)

    def get_css_variables(self) -> dict[str, str]:
        # every theme, its text colours brought up to 4.5:1 on the app's backgrounds
        return legible_variables(super().get_css_variables())

    def tell(self, message: str, *, title: str = "", severity: str = "information",
             timeout: float | None = None) -> None:
        """A notification, always literal (messages quote file names and config errors);
        kept in `notices` too, so that tests and the log can read what was said."""
        message, title = visible(message, newlines=True), visible(title)
        self.notices.append((severity, title, message))
        self.notify(message, title=title, severity=severity,  # type: ignore[arg-type]
                    timeout=timeout, markup=False)

    # layout ----------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        home = self.config.settings.home_force
        yield PlanHeader(id="header")
        yield Static(id="problems-banner")
        with Horizontal(id="body"):
            with Vertical(id="plan-pane"):
                yield TreeFilter(id="tree-filter")
                yield ObjectiveTree(self.config.framework, self.series, home, id="plan-tree")
            yield KpiDetail(self.config.framework, self.series, self.notes, id="detail")
        yield AlertsPanel(self.config.framework, id="alerts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._started = True
        self._views = (self.query_one(PlanHeader), self.query_one(KpiDetail))
        self.set_keymap(self.config.keys)
        self.query_one(ObjectiveTree).border_title = "Plan"
        self.query_one(KpiDetail).border_title = "KPI"
        self._show_problems_banner()
        # the tree's first line in the detail pane at once (its highlight message would come
        # after the first frame)
        self.query_one(KpiDetail).item = self.query_one(ObjectiveTree).cursor_item
        self.show_quarter(self.as_of)
        if self._asked_quarter is not None and self._asked_quarter != self.as_of:
            self.tell(f"No data for {self._asked_quarter.label}; showing "
                        f"{self.as_of.label if self.as_of else 'nothing'}.",
                        severity="warning")
        self.query_one(ObjectiveTree).focus()
        self.query_one(PlanHeader).partial = self.quarter_return
        self._offer_complete_quarter()
        self.watch_folder.start()
        if self.is_web:
            self.show_download_keys()
        if self.warm:
            # after the first frames: the worker holds the GIL in stretches, which would
            # otherwise hold up the first paint
            self.set_timer(0.5, lambda: self._warm_quarters(self.timeline, self.as_of))
        if self._remember is not None:
            remember, timeline = self._remember, self.timeline
            self.set_timer(0.5, lambda: self.keep_start(remember, timeline))
        if self.poll_interval:
            self.set_interval(self.poll_interval, self._poll_data, name="data-poll")
        self._fit_to_size()

    def on_unmount(self) -> None:
        gc.unfreeze()  # an app that ends (in a test, say) leaves nothing frozen behind

    def on_resize(self) -> None:
        self._fit_to_size()

    def _fit_to_size(self) -> None:
        """Small terminals: the panes shrink and the alerts panel gets fewer lines."""
        width, height = self.size
        self.screen.set_class(width < 100, "-narrow")
        self.screen.set_class(height < 30, "-short")
        # the footer keeps every key, `? help` and `q quit` last, at 80 columns: closer
        # together, and the palette's key (which `?` lists) only where there is room
        footer = self.query_one(Footer)
        footer.compact = width < 120
        footer.show_command_palette = width >= 120

    # state -----------------------------------------------------------------------------------

    def _valid_quarter(self, quarter: Quarter | None) -> Quarter | None:
        quarters = self.timeline.quarters
        if not quarters:
            return None
        if quarter is None or quarter in quarters:
            return quarter or quarters[-1]
        return quarters[-1] if quarter > quarters[-1] else quarters[0]

    def show_quarter(self, quarter: Quarter | None) -> None:
        """Make `quarter` the as-of quarter: every pane follows."""
        self.as_of = quarter
        self.assessment = self.timeline.at(quarter)
        self.settle_first_drawing(quarter)
        self.draw_ahead_later()

    def watch_assessment(self, assessment: Assessment | None) -> None:
        if not self._started:
            return
        self.query_one(PlanHeader).assessment = assessment
        self.query_one(ObjectiveTree).assessment = assessment
        self.query_one(KpiDetail).assessment = assessment
        alerts = self.query_one(AlertsPanel)
        alerts.assessment = assessment
        self._update_alert_filter()

    def _update_alert_filter(self) -> None:
        tree = self.query_one(ObjectiveTree)
        if not self.alerts_only or self.assessment is None:
            tree.alert_kpis = None
            return
        severity = self.query_one(AlertsPanel).min_severity
        tree.alert_kpis = frozenset(
            a.kpi for a in self.assessment.alerts if passes(a, severity))

    def watch_grouping(self, grouping: str) -> None:
        if self._started:
            self.query_one(ObjectiveTree).grouping = grouping

    def watch_alerts_only(self) -> None:
        if self._started:
            self._update_alert_filter()

    # messages from the widgets ---------------------------------------------------------------

    def _views_gone(self) -> bool:
        """True once the main screen's widgets are gone or going: a reload (or a tree
        highlight it caused) that arrives while the app closes has nothing left to show its
        result in. (Textual's `display` is false from the moment a widget starts to be
        removed, `is_attached` once it has been or the app exits; these two panes are never
        hidden.) Asked on every cursor move: a query of the DOM cost about 1 ms."""
        return not self._views or any(not view.is_attached or not view.display
                                      for view in self._views)

    @on(ObjectiveTree.ItemHighlighted)
    def _item_highlighted(self, event: ObjectiveTree.ItemHighlighted) -> None:
        # (no refresh_bindings here: the footer rebuilds all its keys when it runs, which
        # costs more than the rest of a cursor move; `n` explains itself where it cannot work)
        if self._views_gone():  # a highlight still queued when the app closes
            return
        self.query_one(KpiDetail).item = event.item
        self.draw_ahead_later()

    @on(ObjectiveTree.ItemChosen)
    def _item_chosen(self, event: ObjectiveTree.ItemChosen) -> None:
        if self._views_gone():
            return
        detail = self.query_one(KpiDetail)
        detail.item = event.item
        if event.item.kind == "kpi":
            detail.focus()

    @on(AlertsPanel.AlertChosen)
    def _alert_chosen(self, event: AlertsPanel.AlertChosen) -> None:
        kpi = next((k for k in self.config.framework.kpis if k.id == event.alert.kpi), None)
        if kpi is not None:
            self.jump_to(PlanItem("kpi", kpi.id, kpi.title, kpi=kpi), focus_tree=False)
            self.query_one(KpiDetail).draw_now()

    @on(TreeFilter.Changed)
    def _filter_changed(self, event: TreeFilter.Changed) -> None:
        self.query_one(ObjectiveTree).filter_text = event.value

    @on(TreeFilter.Closed)
    def _filter_closed(self, event: TreeFilter.Closed) -> None:
        tree = self.query_one(ObjectiveTree)
        if event.cleared:
            tree.filter_text = ""
        elif tree.filter_text.strip():
            first = tree.first_kpi_node()
            if first is None:
                self.tell(tree.nothing_shown() or "No KPI matches.", severity="warning",
                          timeout=3)
            else:
                tree.move_cursor(first)
                tree.scroll_to_node(first, animate=False)
                tree.keep_place()
        tree.focus()

    def jump_to(self, item: PlanItem, *, focus_tree: bool = True) -> None:
        """Show an item in the tree (regrouping or clearing filters if it is hidden there)."""
        tree = self.query_one(ObjectiveTree)
        if item.kind == "priority" and self.grouping != "priority":
            self.grouping = "priority"
        elif item.kind in ("section", "objective", "sub_objective", "unplaced") and (
                self.grouping != "plan"):
            self.grouping = "plan"
        if not tree.select_item(item.key):
            filter_input = self.query_one(TreeFilter)
            if filter_input.value:
                filter_input.action_clear_filter()
                tree.filter_text = ""
            self.alerts_only = False
            if not tree.select_item(item.key) and self.grouping != "plan":
                self.grouping = "plan"
                tree.select_item(item.key)
        self.query_one(KpiDetail).item = item
        if focus_tree:
            tree.focus()

    # actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # every key always works, and one that can do nothing says why (the footer's keys
        # are not refreshed on every cursor move or quarter step: that is costly)
        return True

    def action_step(self, step: int) -> None:
        quarters = self.timeline.quarters
        if self.as_of is None:
            return
        index = quarters.index(self.as_of) + step
        if not 0 <= index < len(quarters):
            self.tell(f"Already at the {'latest' if step > 0 else 'earliest'} quarter "
                      f"({self.as_of.label}).", timeout=3)
            return
        self.show_quarter(quarters[index])
        # a single press draws the detail with the rest; a held key's repeats leave it to
        # the next refresh, drawn once where the steps stop
        now = self.step_clock()
        if now - self._last_step > HELD_KEY_GAP:
            self.query_one(KpiDetail).draw_now()
        self._last_step = now

    def action_latest(self) -> None:
        if self.timeline.latest is None:
            self.tell("No quarters: no data loaded.", timeout=3)
        elif self.as_of == self.timeline.latest:
            self.tell(f"Already at the latest quarter ({self.as_of.label}).", timeout=3)
        else:
            self.show_quarter(self.timeline.latest)

    def action_complete(self) -> None:
        found = self.quarter_return
        if not found.partial or found.last_complete is None:
            self.tell(f"{found.headline}: the newest quarter is not a partial return.",
                      timeout=3)
        elif found.last_complete not in self.timeline.quarters:
            self.tell(f"No assessment for {found.last_complete.label}.", timeout=3)
        else:
            self.show_quarter(found.last_complete)

    def action_regroup(self) -> None:
        tree = self.query_one(ObjectiveTree)
        kept = tree.cursor_item
        self.grouping = "priority" if self.grouping == "plan" else "plan"
        message = ("Grouped by national priority" if self.grouping == "priority"
                   else "Grouped by the plan")
        if kept is not None and kept.kind == "kpi":
            # the same KPI stays under the cursor, unfolding its new parents if need be
            if tree.select_item(kept.key):
                self.query_one(KpiDetail).item = kept
            else:
                message += f"; {kept.title} is under no national priority"
        self.tell(message, timeout=2)

    def action_alerts_only(self) -> None:
        self.alerts_only = not self.alerts_only
        tree = self.query_one(ObjectiveTree)
        tree.border_title = "Plan · only KPIs with alerts" if self.alerts_only else "Plan"

    def action_severity(self) -> None:
        severity = self.query_one(AlertsPanel).cycle_filter()
        self._update_alert_filter()
        self.tell(f"Alerts shown: {FILTER_WORDS[severity]}", timeout=2)

    def action_filter(self) -> None:
        self.query_one(TreeFilter).open()

    def action_back(self) -> None:
        tree = self.query_one(ObjectiveTree)
        filter_input = self.query_one(TreeFilter)
        if tree.has_focus and filter_input.value:
            filter_input.value = ""
            tree.filter_text = ""
            self.tell("Filter cleared.", timeout=2)
        tree.focus()

    # keeping time travel instant -------------------------------------------------------------

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm_quarters(self, timeline: Timeline, around: Quarter | None) -> None:
        """Assess every quarter in the background, nearest the as-of quarter first, so that
        `[` and `]` find each one in the timeline's cache (at national scale one quarter's
        alerts and statuses take a good part of a second to build)."""
        worker = get_current_worker()
        centre = around.ordinal if around is not None else 0
        for quarter in sorted(timeline.quarters, key=lambda q: abs(q.ordinal - centre)):
            if worker.is_cancelled or timeline is not self.timeline:
                return
            timeline.at(quarter).home_statuses  # noqa: B018 - fills the caches
        settle_heap()  # the quarters' assessments stay until the next reload

def build_app(
    config: Config,
    observations: Observations,
    *,
    quarter: Quarter | None = None,
    notes_path: str | Path | None = None,
    data_paths: Sequence[str | Path] | None = None,
    poll_interval: float | None = POLL_SECONDS,
    today: date | None = None,
    warm: bool = True,
    author: str | None = None,
    timeline: Timeline | None = None,
    remember: Callable[[Timeline], None] | None = None,
    reopen: Callable[[], StartCache] | None = None,
) -> PcpApp:
    """The one app factory: the CLI, the tests and the benchmarks all start here.

    Every quarter is assessed once here (`build_timeline`), unless the last start's
    `timeline` is given (`start_cache`); stepping through quarters later only picks an
    assessment from the timeline's cache. `remember` keeps this start for the next one;
    `reopen` gives where a reload keeps its own.
    """
    timeline = timeline or build_timeline(config, observations)
    return PcpApp(config, observations, timeline, quarter=quarter, notes_path=notes_path,
                  data_paths=data_paths, poll_interval=poll_interval, today=today, warm=warm,
                  author=author, remember=remember, reopen=reopen)


def run_app(
    config: Config, observations: Observations, quarter: Quarter | None = None,
    data_paths: Sequence[str | Path] | None = None, author: str | None = None,
    timeline: Timeline | None = None, remember: Callable[[Timeline], None] | None = None,
    notes_path: str | Path | None = None, reopen: Callable[[], StartCache] | None = None,
) -> int:
    """Open the app in the terminal; the exit status once it closes. `notes_path` (the
    `--notes` option) stays the notes file through reloads, which read the config afresh."""
    app = build_app(config, observations, quarter=quarter, data_paths=data_paths,
                    author=author, timeline=timeline, remember=remember, notes_path=notes_path,
                    reopen=reopen)
    driver = terminal_driver()
    if driver is not None:  # error output sent to a file: draw on standard output
        app.driver_class = driver
    app.run()
    if app.crash is not None:
        # the command line's handler turns it into the short message, the log and exit 70
        raise app.crash
    return app.return_code or 0
