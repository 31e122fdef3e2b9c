"""The crash log: what an unexpected error leaves behind for the analyst to send on.

The log is private (0600 in a 0700 folder) and holds the traceback and the command line with
the text of any note taken out: a note may be confidential, and a crash log gets attached to
emails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pcp_tui import __version__

REDACTED = "[note text left out]"
# options whose value is the text of a note; argparse also takes any unambiguous prefix
TEXT_OPTIONS = ("--text",)
SHORTEST_PREFIX = 3  # `--t`


def crash_log_folder() -> Path:
    state = os.environ.get("XDG_STATE_HOME", "")
    # the XDG spec: a relative path is not a valid XDG_STATE_HOME and is ignored
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "pcp-tui"


def _is_text_option(word: str) -> bool:
    return len(word) >= SHORTEST_PREFIX and any(
        option.startswith(word) for option in TEXT_OPTIONS)


def redact_argv(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The command line with the value of `--text` (and its prefixes, `--text=...`) replaced,
    and the values taken out (so that they can be taken out of the traceback too)."""
    shown: list[str] = []
    secrets: list[str] = []
    words = [str(w) for w in argv]
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":  # everything after is positional: a subject, not note text
            shown += words[index:]
            break
        name, equals, value = word.partition("=")
        if word.startswith("--") and _is_text_option(name):
            if equals:
                shown.append(f"{name}={REDACTED}")
                secrets.append(value)
            else:
                shown.append(word)
                if index + 1 < len(words):
                    secrets.append(words[index + 1])
                    shown.append(REDACTED)
                    index += 1
        else:
            shown.append(word)
        index += 1
    return shown, [s for s in secrets if s != "-"]


def _without(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret.strip()) >= SHORTEST_PREFIX:  # a word of two letters is not worth hunting
            text = text.replace(secret, REDACTED)
    return text


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:  # an older pcp-tui made it 0755
        os.chmod(folder, 0o700)


def write_crash_log(error: BaseException, argv: Sequence[str] | None) -> Path | None:
    """The traceback and the command line, without note text, in a file only the analyst can
    read; None when it cannot be written (the message then says so)."""
    import traceback
    from datetime import datetime

    try:
        folder = crash_log_folder()
        _private_folder(folder)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        command, secrets = redact_argv(argv if argv is not None else sys.argv[1:])
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        report = (
            f"pcp-tui {__version__}, Python {sys.version.split()[0]}\n"
            f"command: {' '.join(command)}\n\n" + _without(trace, secrets)
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(report)
        return path
    except (OSError, ValueError):
        return None
