"""Progress of a long import, reported through a plain callback.

An importer calls `progress(task, done, total)` as it goes; it never prints. `rich_progress`
turns that into a Rich progress bar when given a console and into nothing otherwise, so the
same import runs quietly in tests and scripts and visibly at the command line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pcp_tui.render import visible

# task description, units done, units in all (None while unknown)
ProgressCallback = Callable[[str, float, "float | None"], None]


def no_progress(task: str, done: float, total: float | None) -> None:
    """The default callback: report nothing."""


@contextmanager
def rich_progress(console: Console | None) -> Iterator[ProgressCallback]:
    """A callback that draws one Rich bar per task on `console`; silent when it is None."""
    if console is None:
        yield no_progress
        return
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    tasks: dict[str, TaskID] = {}
    lock = threading.Lock()  # an import may report from a background thread too
    with Progress(*columns, console=console, transient=False) as bar:

        def callback(task: str, done: float, total: float | None) -> None:
            with lock:
                if task not in tasks:
                    # descriptions may hold file names: shown literally, never as markup,
                    # with control characters as escapes
                    tasks[task] = bar.add_task(visible(task), total=total)
                bar.update(tasks[task], completed=done, total=total)

        yield callback
