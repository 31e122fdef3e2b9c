"""Headless Chromium driven over the DevTools protocol, for the browser test of `pcp-tui
serve`: a page to load, keys to press, the terminal's text to read, a screenshot to take.

The protocol is JSON over a websocket; aiohttp (which `pcp-tui serve` needs anyway) is the
client, so the test needs Debian's `chromium` and nothing else.

The served page draws the terminal with xterm.js on a canvas: there is no text in the DOM.
A script run before the page's own catches the xterm `Terminal` as textual-serve's page
stores it (`this.terminal = new Terminal(…)`), so the test can read the screen through
xterm's public buffer API, as the user sees it.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer) { window.__terminal = value; }
  },
});
"""

SCREEN_TEXT = """
(() => {
  const term = window.__terminal;
  if (!term) { return null; }
  const buffer = term.buffer.active, lines = [];
  for (let row = 0; row < term.rows; row++) {
    const line = buffer.getLine(buffer.viewportY + row);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()
"""

KEY_CODES = {"[": ("BracketLeft", 219), "]": ("BracketRight", 221)}


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless Chromium with one page, for `async with`."""

    def __init__(self, profile: Path, *, width: int = 1280, height: int = 800) -> None:
        self.profile = profile
        self.width, self.height = width, height
        self.process: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self.events: list[dict[str, Any]] = []

    async def __aenter__(self) -> Chromium:
        binary = chromium_binary()
        assert binary, "no chromium on PATH"
        self.profile.mkdir(parents=True, exist_ok=True)
        with open(self.profile / "chromium.log", "wb") as log:  # never a pipe left to fill
            self.process = subprocess.Popen(
                [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-extensions", "--remote-debugging-port=0",
                 f"--user-data-dir={self.profile}",
                 f"--window-size={self.width},{self.height}", "about:blank"],
                stdout=log, stderr=log)
        port = await self._devtools_port()
        import aiohttp  # comes with textual-serve; the test skips (or fails in CI) without it

        self.session = aiohttp.ClientSession()
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as answer:
            pages = [t for t in await answer.json() if t["type"] == "page"]
        self.socket = await self.session.ws_connect(pages[0]["webSocketDebuggerUrl"],
                                                    max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        await self.send("Emulation.setDeviceMetricsOverride", width=self.width,
                        height=self.height, deviceScaleFactor=1, mobile=False)
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
        return self

    async def _devtools_port(self) -> int:
        """The port Chromium chose, from the file it writes into its profile once listening."""
        assert self.process is not None
        written = self.profile / "DevToolsActivePort"
        for _ in range(600):
            if written.exists() and written.read_text().strip():
                return int(written.read_text().split()[0])
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        log = (self.profile / "chromium.log").read_text(errors="replace")
        raise RuntimeError(f"chromium did not open its DevTools port:\n{log[-2000:]}")

    async def __aexit__(self, *exc: object) -> None:
        self._reader.cancel()
        await self.socket.close()
        await self.session.close()
        assert self.process is not None
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, 20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    async def _read(self) -> None:
        async for message in self.socket:
            data = json.loads(message.data)
            future = self._pending.pop(data.get("id", -1), None)
            if future is None:
                self.events.append(data)
            elif "error" in data:
                future.set_exception(RuntimeError(f"DevTools: {data['error']}"))
            else:
                future.set_result(data.get("result", {}))

    async def send(self, method: str, **params: Any) -> Any:
        number = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        await self.socket.send_json({"id": number, "method": method, "params": params})
        return await asyncio.wait_for(future, 60)

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def body_text(self) -> str:
        return await self.evaluate("document.body ? document.body.innerText : ''") or ""

    async def screen(self) -> str:
        """The terminal's lines as the page shows them ('' before it has started)."""
        return await self.evaluate(SCREEN_TEXT) or ""

    async def wait_for_screen(self, wanted: str, *, row: int | None = None,
                              seconds: float = 60) -> str:
        """The screen once `wanted` is on it (on line `row` if given); an AssertionError with
        the last screen if it never is."""
        text = ""
        for _ in range(int(seconds * 10)):
            text = await self.screen()
            lines = text.splitlines()
            where = text if row is None else (lines[row] if row < len(lines) else "")
            if wanted in where:
                return text
            await asyncio.sleep(0.1)
        raise AssertionError(f"{wanted!r} never appeared; the screen:\n{text}")

    async def press(self, key: str) -> None:
        """A key typed on the page's terminal, as a keyboard sends it."""
        await self.evaluate("window.__terminal && window.__terminal.focus()")
        code, number = KEY_CODES.get(key, (f"Key{key.upper()}", ord(key.upper())))
        common = {"key": key, "code": code, "windowsVirtualKeyCode": number}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=key, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self) -> bytes:
        shot = await self.send("Page.captureScreenshot", format="png")
        return base64.b64decode(shot["data"])
