"""The app for browsers: textual-serve's server behind an access token.

textual-serve starts one app process per websocket connection and relays the terminal between
it and xterm.js in the page. This subclass changes how it is reached, not how it relays:

- the page (`/?token=…`) and the websocket (`/ws/<token>`) need the random token that pcp-tui
  prints in its URL; without it (or with another) the answer is 403. The page's script adds
  `?width=…` to the websocket address itself, so there the token goes in the path;
- a websocket opened from a page of another origin is refused (403), so that a page on another
  port of the same machine cannot drive a session even in a browser that once held the link;
- downloads (`/download/<key>`) stay as textual-serve has them: each key is a random, single-use
  name that the app sends only over its own websocket;
- the page is pcp-tui's own copy of textual-serve's, with no web fonts fetched from elsewhere,
  sent with no referrer (the token is in its address) and never framed or cached.

Imported only by `pcp-tui serve`, once it knows textual-serve is installed.
"""

from __future__ import annotations

import hmac
import logging
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

TEMPLATES = Path(__file__).resolve().parent / "web_templates"

SHUTDOWN_SECONDS = 2.0
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


class TokenServer(Server):
    """textual-serve's server, reached only with the token."""

    def __init__(self, command: str, *, token: str, title: str) -> None:
        super().__init__(command, title=title, templates_path=TEMPLATES)
        self.token = token

    def token_matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws/{token}", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_response_prepare.append(self._add_headers)
        return app

    @staticmethod
    async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if not self.token_matches(request.query.get("token")):
            raise web.HTTPForbidden(text="This pcp-tui address needs its access token: open "
                                         "the full link that `pcp-tui serve` printed.\n")
        # addresses relative to the one the browser used, so that a name, an IP address or
        # the office's proxy in front all work
        scheme = "wss" if (request.secure or request.headers.get(
            "X-Forwarded-Proto", "").casefold() == "https") else "ws"
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws/{self.token}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.token_matches(request.match_info.get("token")):
            raise web.HTTPForbidden(text="wrong or missing access token\n")
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc.casefold() != request.host.casefold():
            raise web.HTTPForbidden(text="a page of another origin may not open this session\n")
        return await super().handle_websocket(request)

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints its banner here; pcp-tui prints its own before starting.)"""

    def initialize_logging(self) -> None:
        # textual-serve logs an app that fails to start, and its stderr; requests are not
        # logged at all (their addresses carry the token)
        logging.basicConfig(level=logging.WARNING, format="pcp-tui serve: %(message)s")

    def serve_on(self, sock: socket.socket) -> None:
        """Serve on a bound socket until Ctrl+C (or SIGTERM)."""
        self.initialize_logging()
        # on Ctrl+C open sessions get a moment to close before their handlers are cancelled,
        # which tells each app process to quit (aiohttp would wait a minute)
        web.run_app(self._make_app(), sock=sock, print=None, access_log=None,
                    handle_signals=True, shutdown_timeout=SHUTDOWN_SECONDS)
