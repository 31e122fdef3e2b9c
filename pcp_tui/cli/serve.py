"""`pcp-tui serve`: the app in a browser, for colleagues who never open a terminal.

Each visit runs `pcp-tui` with the same options as its own process (textual-serve relays its
terminal to the page). The config, data and notes are resolved here, once, so every visit reads
the same files whatever folder it starts in, and a config error stops `serve` before any
browser sees it.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from pcp_tui.cli.context import UsageError, assess_args, load, make_console
from pcp_tui.cli.options import EXIT_OK, add_command

AUTHOR_VARIABLE = "PCP_TUI_AUTHOR"  # read by the app: the author of the notes written in it
MISSING = ("`pcp-tui serve` needs textual-serve, which is not installed; install the extra "
           "with: pip install 'pcp-tui[serve]' (or pip install textual-serve)")


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "serve", common, help="open the app in a web browser",
        description="Serve the app to web browsers: each visit opens its own copy of the app "
        "on the same config, data and notes. It listens on 127.0.0.1 (this machine only) and "
        "prints the link to open, which carries a random access token; a request without it is "
        "refused. There is no TLS: keep it on this machine, or behind the office's own proxy. "
        "Needs the optional extra: pip install 'pcp-tui[serve]'.",
        epilog="Examples:\n"
        "  pcp-tui serve                        # a free port on 127.0.0.1; prints the link\n"
        "  pcp-tui serve --port 8080 --quarter '2021/22 Q1'\n"
        "  pcp-tui serve --author 'J. Analyst' --notes team-notes.jsonl\n"
        "  pcp-tui serve --host 0.0.0.0 --public   # other machines too (read the warning)",
    )
    parser.add_argument("--port", type=port_number, default=0, metavar="N",
                        help="the port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                        help="the address to listen on (default: 127.0.0.1, this machine "
                             "only); any other needs --public")
    parser.add_argument("--public", action="store_true",
                        help="allow an address that other machines can reach")
    parser.add_argument("--author", metavar="NAME",
                        help="the author of notes written in the browser (default: your "
                             "login name)")
    parser.set_defaults(func=run)


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0 to 65535)")
    return value


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no such user in the password database (a container)
        return ""


def app_command(args: argparse.Namespace, config_path: Path, notes_path: Path,
                author: str) -> str:
    """The shell command textual-serve runs for each visit: this Python, `-m pcp_tui`, the
    resolved options; the author in the environment, as the app reads it."""
    argv = [sys.executable, "-m", "pcp_tui", "--config", str(config_path),
            "--notes", str(notes_path)]
    for path in args.data or ():
        argv += ["--data", str(Path(path).expanduser().resolve())]
    if args.quarter is not None:
        argv += ["--quarter", args.quarter.label]
    return f"{AUTHOR_VARIABLE}={shlex.quote(author)} exec {shlex.join(argv)}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """True for an address (or `localhost`) that only this machine can reach."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """`0.0.0.0` or `::`: every interface of the machine."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to `host` and `port` (0: a free port the system picks), listening.
    Bound here, before the server starts, so the URL printed names the port really held."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(False)  # the app processes must not hold the port
    return sock


def page_url(host: str, port: int, token: str) -> str:
    """The address to open. For every interface it names this machine by its host name."""
    if is_wildcard(host):
        host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/?token={token}"


def check_host(args: argparse.Namespace, port: int | None = None) -> str | None:
    """Refuse a host other machines can reach unless `--public`; with it, the warning."""
    if is_loopback(args.host):
        return None
    reach = f"port {port}" if port else "the port"
    if not args.public:
        raise UsageError(
            f"--host {args.host} is reachable from other machines, and anyone who can reach "
            "the port and has the link could use the app and write notes, over a connection "
            "that is not encrypted. Leave out --host to serve this machine only (127.0.0.1), "
            "or add --public if that is what you mean.")
    return (f"Warning: serving on {args.host}: anyone who can reach {reach} and has the link "
            "can use the app and write notes, and nothing is encrypted (no TLS). Prefer "
            "127.0.0.1, or the office's own proxy in front.")


def run(args: argparse.Namespace) -> int:
    check_host(args)
    try:
        from pcp_tui.web_server import TokenServer
    except ImportError as error:
        if error.name and error.name.split(".")[0] in ("textual_serve", "aiohttp",
                                                       "aiohttp_jinja2", "jinja2"):
            raise UsageError(MISSING) from None
        raise
    from pcp_tui.config import locate_config

    loaded = load(args)
    assess_args(args, loaded)  # an unknown --quarter is a usage error now, not in the browser
    config_path = Path(locate_config(args.config)).resolve()
    notes_path = Path(loaded.config.notes_path).expanduser().resolve()
    author = args.author if args.author is not None else login_name()
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as error:
        raise UsageError(f"cannot listen on {args.host} port {args.port}: "
                         f"{error.strerror or error}") from None
    port = sock.getsockname()[1]
    token = new_token()
    out = make_console(args)
    warning = check_host(args, port)
    if warning:
        make_console(args, stderr=True).print(Text(warning, style="bold yellow"),
                                              soft_wrap=True)
    out.print(Text("pcp-tui is serving the app. Open this link in a web browser:",
                   style="bold"), soft_wrap=True)
    out.print(page_url(args.host, port, token), soft_wrap=True, markup=False)
    out.print(Text(f"Each visit opens its own copy of the app. Notes written there go to "
                   f"{notes_path} as {author or 'no author'}. Keep the link to yourself: it "
                   "is the key. Ctrl+C stops serving."), soft_wrap=True)
    sys.stdout.flush()
    server = TokenServer(app_command(args, config_path, notes_path, author), token=token,
                         title="pcp-tui")
    server.serve_on(sock)
    return EXIT_OK
