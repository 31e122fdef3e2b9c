"""Fixtures for the terminal app: the bundled framework and sample data, apps made by the one
factory (`build_app`) with notes in `tmp_path`, and a way to read the screen as text.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import Config, load_config
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.tui.app import PcpApp, build_app

ROOT = Path(__file__).resolve().parents[2]
# "Today" for the app's tests: the sample data ends in 2021/22 Q2, so nothing is in the future.
TODAY = date(2021, 11, 26)
THEME = "textual-dark"


@pytest.fixture(scope="session")
def bundled_config() -> Config:
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="session")
def bundled_observations(bundled_config: Config) -> Observations:
    return load_observations([bundled_config.data_folder], bundled_config, today=TODAY)


@pytest.fixture
def notes_path(tmp_path: Path) -> Path:
    return tmp_path / "notes.jsonl"


@pytest.fixture
def make_app(
    bundled_config: Config, bundled_observations: Observations, notes_path: Path
) -> Callable[..., PcpApp]:
    """An app on the bundled data, notes in tmp_path, no folder polling, a pinned theme."""

    def make(**options) -> PcpApp:
        config = options.pop("config", bundled_config)
        observations = options.pop("observations", bundled_observations)
        options.setdefault("notes_path", notes_path)
        options.setdefault("poll_interval", None)
        options.setdefault("today", TODAY)
        options.setdefault("warm", False)
        app = build_app(config, observations, **options)
        app.theme = THEME
        return app

    return make


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of config.toml and data/ in tmp_path; returns the config's path."""
    shutil.copy2(ROOT / "config.toml", tmp_path / "config.toml")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "config.toml"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Pilot needs one; no plugin needed)."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    arguments = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(function(**arguments))
    return True


_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-[\w-]*?line-(\d+)\)">(.*?)</text>'
)
CELL_WIDTH = 12.2  # Rich's SVG export: one terminal cell is 12.2 units wide


def screen_lines(app: PcpApp) -> list[str]:
    """What the terminal shows, line by line, read from the app's own SVG screenshot."""
    svg = app.export_screenshot()
    width = app.size.width
    rows: dict[int, list[str]] = {}
    for x, line, content in _TEXT.findall(svg):
        row = rows.setdefault(int(line), [" "] * width)
        column = round(float(x) / CELL_WIDTH)
        for offset, char in enumerate(html.unescape(content).replace("\xa0", " ")):
            if 0 <= column + offset < width:
                row[column + offset] = char
    return ["".join(rows.get(i, [])).rstrip() for i in range(max(rows, default=-1) + 1)]


def screen_text(app: PcpApp) -> str:
    return "\n".join(screen_lines(app))


def title_of(widget) -> str:
    """A widget's border title as plain text (the property gives it back as markup)."""
    from rich.text import Text

    return Text.from_markup(widget.border_title or "").plain


async def footer_drawn(pilot, app: PcpApp, *, tries: int = 40) -> None:
    """Wait until the footer's keys are mounted and drawn: Textual's footer composes its keys
    only once the screen's bindings are known, a refresh or more after the first frame (on a
    busy machine, more than one `pilot.pause()`)."""
    from pcp_tui.tui.widgets.key_footer import KeyFooter

    for _ in range(tries):
        await pilot.pause()
        if app.query_one(KeyFooter).rebuilds and "quit" in screen_lines(app)[-1]:
            return
        await pilot.pause(0.05)
    raise AssertionError("the footer was never drawn: " + screen_lines(app)[-1])
