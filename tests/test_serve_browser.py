"""`pcp-tui serve` in a real browser: headless Chromium opens the printed link, the plan tree
is drawn, `]` and `[` step the quarter in the header forward and back; without the token the
page and the websocket are refused.

Needs Debian's `chromium` (`.ci/run` installs it). Outside CI the test skips when it is
missing; in CI (CI=true) a missing browser is a failure, never a skip.

`PCP_TUI_SCREENSHOT=shot.png python -m pytest tests/test_serve_browser.py` also saves the
screenshot the test takes; the README's docs/serve.png is one, made small with
`pngquant --quality 60-90 --strip`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless_chromium import Chromium, chromium_binary

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"


def needed(what: str, present: bool) -> None:
    if not present:
        message = f"{what} is not installed"
        if IN_CI:
            pytest.fail(message + " (CI must install it: see .ci/run)")
        pytest.skip(message)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`pcp-tui serve` on a free port of 127.0.0.1: the printed link and the notes file."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        needed("textual-serve (the [serve] extra)", False)
    notes = tmp_path / "notes.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    server = subprocess.Popen(
        [sys.executable, "-m", "pcp_tui", "serve", "--config", str(ROOT / "config.toml"),
         "--notes", str(notes), "--quarter", "2021/22 Q1", "--author", "Browser Analyst"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        assert server.stdout is not None
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith("http://"):
                break
        url = printed[-1].strip() if printed else ""
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{20,}", url), printed
        yield url, notes
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the app processes it started
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_served_app_steps_through_quarters_in_chromium(served, tmp_path):
    needed("chromium", chromium_binary() is not None)
    url, _notes = served

    downloaded = tmp_path / "downloaded"

    async def scenario() -> tuple[str, str, str, bytes]:
        async with Chromium(tmp_path / "profile") as browser:
            await browser.send("Browser.setDownloadBehavior", behavior="allow",
                               downloadPath=str(downloaded))
            await browser.open(url)
            # the plan tree: its border and the plan's first objective with a KPI under it
            first = await browser.wait_for_screen("Officer uplift")
            await browser.press("]")
            later = await browser.wait_for_screen("as of 2021/22 Q2", row=0)
            await browser.press("[")
            back = await browser.wait_for_screen("as of 2021/22 Q1", row=0)
            await browser.wait_for_screen("c alerts csv")  # the download keys, in the footer
            png = await browser.screenshot()
            await browser.press("c")  # the alerts as CSV, downloaded by the browser
            csv_file = downloaded / "alerts-2021-22-Q1.csv"
            for _ in range(600):
                if csv_file.exists():
                    break
                await asyncio.sleep(0.1)
            return first, later, back, png

    first, later, back, png = asyncio.run(scenario())
    assert "╭─ Plan" in first and "Rebuilding community policing" in first
    # the header's first line, up to what it says of the data's extent
    header = [screen.splitlines()[0].split(" ─ data to")[0] for screen in (first, later, back)]
    assert "West Midlands Police" in header[0]
    assert "as of 2021/22 Q1" in header[0]
    assert "as of 2021/22 Q2" in header[1] and "2021/22 Q1" not in header[1]
    assert "as of 2021/22 Q1" in header[2]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    text = (downloaded / "alerts-2021-22-Q1.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    firing = [row for row in rows if row["state"] == "firing"]
    assert len(firing) > 10 and {row["quarter"] for row in firing} == {"2021/22 Q1"}
    if os.environ.get("PCP_TUI_SCREENSHOT"):
        Path(os.environ["PCP_TUI_SCREENSHOT"]).write_bytes(png)


def test_a_request_without_the_token_is_refused(served):
    url, _notes = served
    base = url.split("?", 1)[0]
    assert status_of(url) == 200
    assert status_of(base) == 403
    assert status_of(base + "?token=not-the-token") == 403

    async def websocket_statuses() -> list[int]:
        import aiohttp

        token = url.rsplit("=", 1)[1]
        ws = base.replace("http://", "ws://") + "ws/"
        statuses = []
        async with aiohttp.ClientSession() as session:
            for address, headers in [(ws + "not-the-token", {}), (base + "ws", {}),
                                     (ws + token, {"Origin": "http://127.0.0.1:1"})]:
                try:
                    async with session.ws_connect(address, headers=headers):
                        statuses.append(101)
                except aiohttp.WSServerHandshakeError as error:
                    statuses.append(error.status)
        return statuses

    # a wrong token and no token at all; the right token from a page of another origin
    assert asyncio.run(websocket_statuses()) == [403, 404, 403]
