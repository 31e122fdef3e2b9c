"""The app and the last start kept on disk (`start_cache`): a start that read everything keeps
it once its first frames are drawn, and the next start opens on what was kept."""

from __future__ import annotations

import argparse
import os
import threading

from pcp_tui.cli.context import load
from pcp_tui.tui.app import build_app
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

from .conftest import screen_text

SIZE = (120, 40)


def arguments() -> argparse.Namespace:
    return argparse.Namespace(config="config.toml", data=None, notes="notes.jsonl",
                              no_cache=False)


async def test_the_app_keeps_its_start_after_the_first_frames(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy.parent)
    monkeypatch.setenv("PCP_TUI_CACHE", str(project_copy.parent / "kept"))
    first = load(arguments())
    assert first.timeline is None
    kept: list[object] = []
    remember = first.remember

    threads: list[threading.Thread] = []

    def keep(timeline: object) -> None:
        kept.append(timeline)
        threads.append(threading.current_thread())
        remember(timeline)

    app = build_app(first.config, first.observations, notes_path="notes.jsonl",
                    poll_interval=None, warm=False, remember=keep)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        assert kept == [app.timeline]
        # in a worker, after a timer: pickling the frames does not hold up the first frames
        assert threads[0] is not threading.main_thread()
        first_screen = screen_text(app)

    again = load(arguments())
    assert again.timeline is not None and again.remember is None
    app = build_app(again.config, again.observations, notes_path="notes.jsonl",
                    poll_interval=None, warm=False, timeline=again.timeline)
    assert app.timeline is again.timeline
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(ObjectiveTree).cursor_item is not None
        assert screen_text(app) == first_screen
    assert len(os.listdir(project_copy.parent / "kept")) == 1


async def test_a_reload_keeps_what_it_read_for_the_next_start(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy.parent)
    monkeypatch.setenv("PCP_TUI_CACHE", str(project_copy.parent / "kept"))
    first = load(arguments())
    app = build_app(first.config, first.observations, notes_path="notes.jsonl",
                    poll_interval=None, warm=False, reopen=first.reopen)
    new = project_copy.parent / "data" / "2021-22_Q3.csv"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        new.write_text("kpi,force,period,value\nasb-incidents,West Midlands,2021/22 Q3,9000\n")
        app.reload_data("test")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.timeline.latest.label == "2021/22 Q3"
    again = load(arguments())
    assert again.timeline is not None  # kept by the reload, not read again
    assert str(new.relative_to(project_copy.parent)) in again.observations.files
    assert again.timeline.latest.label == "2021/22 Q3"
