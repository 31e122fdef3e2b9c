"""Reloading while the app runs: on request (`r`) and when the data folder changes, in a
worker, keeping what is shown until the new config, data and timeline are ready (or keeping it
for good, with a message, when they cannot be loaded). And what the app keeps out of the
cyclic collector's sight between loads (`settle_heap`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from pcp_tui import collector
from pcp_tui.config import Config, ConfigError, load_config
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.notes import NotesLog
from pcp_tui.render import plural
from pcp_tui.rules.assess import Timeline, build_timeline
from pcp_tui.start_cache import data_key
from pcp_tui.tui.folder_watch import describe_change, folder_signature
from pcp_tui.tui.plan_items import PlanItem
from pcp_tui.tui.series import SeriesIndex
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.plan_header import PlanHeader


def settle_heap() -> None:
    """Move every object alive now out of the cyclic collector's sight (`gc.freeze`).

    The app keeps what it loads for its whole life (the framework, the timeline's caches, the
    widgets), and the collector's full passes over all of it took up to 200 ms, landing on
    whichever key press was being drawn. Objects created later are collected as usual; a reload
    lets the frozen ones be seen again first (`gc.unfreeze`), so old data can go. The first
    call, after the first frame, also turns the collector back on when the command held it off
    for the start (`pcp_tui.collector`)."""
    collector.release()


class Reloaded(Message):
    """A reload worker finished: new config, data and timeline."""

    def __init__(self, config: Config, observations: Observations, timeline: Timeline,
                 reason: str, signature: tuple) -> None:
        self.config = config
        self.observations = observations
        self.timeline = timeline
        self.reason = reason
        self.signature = signature
        super().__init__()


class ReloadFailed(Message):
    """A reload worker could not load the config or the data; the old state stays."""

    def __init__(self, error: str, signature: tuple) -> None:
        self.error = error
        self.signature = signature
        super().__init__()


class DataReload:
    """The app's reloading. A mixin of `PcpApp`: it uses the app's config, data, timeline,
    notes, folder watch and panes, and sets them anew when a reload succeeds."""

    config: Config
    observations: Observations
    timeline: Timeline
    series: SeriesIndex
    notes_log: NotesLog
    notes: Any
    quarter_return: Any
    data_paths: tuple[Any, ...]
    watch_folder: Any
    warm: bool
    today: Any
    as_of: Any
    _data_paths_given: bool
    _notes_override: Any
    query_one: Any
    tell: Any
    post_message: Any
    call_after_refresh: Any
    set_keymap: Any
    show_quarter: Any
    refresh_bindings: Any
    _valid_quarter: Any
    _views_gone: Any
    _warm_quarters: Any
    _quarter_return: Any
    _reopen: Any

    _settled: tuple[Any, set[Any]] = (None, set())  # (timeline, quarters drawn and settled)

    def settle_first_drawing(self, quarter: Any) -> None:
        """Once a quarter is drawn for the first time, what its drawing keeps (the tree's
        labels, the detail's figures, the alerts' lines) lives as long as the data: out of the
        collector's sight with the rest, so that its full passes stay short and do not land
        on a later key (a pass over the first visits' caches took 10-15 ms of one step)."""
        timeline, seen = self._settled
        if timeline is not self.timeline:
            timeline, seen = self._settled = (self.timeline, set())
        if quarter not in seen:
            seen.add(quarter)
            self.call_after_refresh(settle_heap)

    @work(thread=True, group="keep", exit_on_error=False)
    def keep_start(self, remember: Callable[[Timeline], None], timeline: Timeline) -> None:
        """Keep what this start read and assessed for the next one (`start_cache`), after the
        first frames: pickling the frames holds the interpreter for a while."""
        remember(timeline)

    def action_reload(self) -> None:
        self.reload_data("reloaded on request")

    def reload_data(self, reason: str) -> None:
        self.query_one(PlanHeader).reloading = True
        self._reload(reason)

    @work(thread=True, exclusive=True, group="reload")
    def _reload(self, reason: str) -> None:
        config_path = self.config.path
        paths = self.data_paths
        signature = folder_signature(paths)
        cache = self._reopen() if self._reopen is not None else None  # before reading too
        if cache is not None and cache.path is None:
            cache = None
        try:
            config = load_config(config_path)
            if not self._data_paths_given:
                paths = (config.data_folder,)
            key = data_key(list(paths), self.today) if cache is not None else ""
            observations = load_observations(list(paths), config, today=self.today)
            timeline = build_timeline(config, observations)
        except ConfigError as err:
            self.post_message(ReloadFailed(
                f"The config cannot be used ({plural(len(err.problems), 'problem')}): "
                + "; ".join(str(p) for p in err.problems[:3]), signature))
        except Exception as err:  # keep the old state whatever went wrong
            self.post_message(ReloadFailed(f"Reload failed: {err}", signature))
        else:
            self.post_message(Reloaded(config, observations, timeline, reason, signature))
            if cache is not None:  # the next start opens on what this reload read
                cache.store(key, config, observations, timeline)

    def on_reloaded(self, event: Reloaded) -> None:
        if self._views_gone():
            return
        self.query_one(PlanHeader).reloading = False
        # the old data go: let the collector see them again (what replaces them is settled
        # once drawn, by `show_quarter` below)
        gc.unfreeze()
        was_latest = self.as_of is None or self.as_of == self.timeline.latest
        previous_problems = len(self.observations.problems)
        self.config, self.observations, self.timeline = (
            event.config, event.observations, event.timeline)
        self.set_keymap(event.config.keys)
        self.series = SeriesIndex(event.observations.frame)
        self.quarter_return = self._quarter_return(event.config, event.observations)
        self.query_one(PlanHeader).partial = self.quarter_return
        if not self._data_paths_given:
            self.data_paths = (event.config.data_folder,)
            self.watch_folder.paths = self.data_paths
        self.watch_folder.accept(event.signature)
        self.notes_log = NotesLog(self._notes_override or event.config.notes_path)
        self.notes.invalidate()
        framework = event.config.framework
        home = event.config.settings.home_force
        self.query_one(ObjectiveTree).set_data(framework, self.series, home)
        self.query_one(KpiDetail).set_data(framework, self.series)
        self.query_one(AlertsPanel).set_data(framework)
        quarter = None if was_latest else self._valid_quarter(self.as_of)
        self.show_quarter(self._valid_quarter(quarter))
        if self.warm:
            self._warm_quarters(self.timeline, self.as_of)
        self._refresh_detail_item()
        self._show_problems_banner()
        latest = self.timeline.latest.label if self.timeline.latest else "no quarters"
        problems = len(self.observations.problems)
        # only the first letter: `capitalize` would lowercase the file names the reason quotes
        reason = event.reason[:1].upper() + event.reason[1:]
        message = f"{reason}: {len(self.observations.files)} files, data to {latest}."
        if problems:
            message += f" {problems} problem{'s' if problems != 1 else ''} (press d)."
        self.tell(message, title="Data reloaded",
                    severity="warning" if problems > previous_problems else "information")

    def _refresh_detail_item(self) -> None:
        """After a reload the detail's item may point at an old framework's KPI."""
        detail = self.query_one(KpiDetail)
        item = detail.item
        if item is None or item.kind != "kpi":
            detail.item = self.query_one(ObjectiveTree).cursor_item
            return
        kpi = next((k for k in self.config.framework.kpis if k.id == item.id), None)
        detail.item = PlanItem("kpi", kpi.id, kpi.title, kpi=kpi) if kpi else (
            self.query_one(ObjectiveTree).cursor_item)

    def on_reload_failed(self, event: ReloadFailed) -> None:
        if self._views_gone():
            return
        self.query_one(PlanHeader).reloading = False
        self.watch_folder.accept(event.signature)
        self.tell(event.error + " The data shown is unchanged.", title="Reload failed",
                    severity="error", timeout=12)

    def _poll_data(self) -> None:
        before = self.watch_folder.loaded
        signature = self.watch_folder.poll()
        if signature is None:
            return
        change = describe_change(before, signature)
        self.tell(f"{change}: reloading.", title="New data", timeout=4)
        self.reload_data(f"picked up {change}")

    def _show_problems_banner(self) -> None:
        banner = self.query_one("#problems-banner", Static)
        count = len(self.observations.problems)
        banner.set_class(count > 0, "-shown")
        if count:
            banner.update(Text(
                f"⚠ {count} problem{'s' if count != 1 else ''} in the data files: those rows "
                "were left out. Press d to see them."))
        else:
            banner.update("")
        self.refresh_bindings()
