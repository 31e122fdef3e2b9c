"""The options every command takes, defined once, and the help layout.

The common options are accepted before the command and after it (`pcp-tui --quarter Q alerts`
and `pcp-tui alerts --quarter Q`); when both are given, the command's own value wins. The top
level parser gives them their defaults; below it they default to "not given", so a value typed
before the command is never overwritten by a subcommand's default.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Callable
from typing import Any

from pcp_tui.periods import PeriodError, Quarter

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error


def parse_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


# (flags, argparse keywords) for every common option, in the order --help lists them
COMMON_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--config",), dict(metavar="FILE",
                         help="the framework (default: ./config.toml, else the bundled one)")),
    (("--data",), dict(metavar="PATH", action="append",
                       help="a data file or folder (repeatable; default: the config's "
                            "data_folder)")),
    (("--quarter",), dict(type=parse_quarter, metavar="Q",
                          help="the as-of quarter, e.g. '2021/22 Q2' (default: the latest)")),
    (("--notes",), dict(metavar="FILE",
                        help="the notes file (default: settings.notes_file, else notes.jsonl "
                             "beside the config, or ~/.local/share/pcp-tui/ for the bundled "
                             "one)")),
    (("--no-cache",), dict(action="store_true",
                           help="read the config and data afresh, without the last start's "
                                "copy (as PCP_TUI_CACHE=off)")),
    (("--no-color",), dict(action="store_true",
                           help="plain text, no colour or bold (as NO_COLOR=1)")),
    (("--width",), dict(type=positive_int, metavar="N",
                        help="wrap printouts at N columns (piped output: 80)")),
)


def common_options(*, top: bool) -> argparse.ArgumentParser:
    """A parent parser holding the common options.

    `top=True` for the parser before the command (real defaults); `top=False` for every
    subcommand, where an option not typed leaves the namespace alone."""
    parent = argparse.ArgumentParser(add_help=False)
    for flags, keywords in COMMON_OPTIONS:
        if not top:
            keywords = {**keywords, "default": argparse.SUPPRESS}
        parent.add_argument(*flags, **keywords)
    return parent


class HelpFormatter(argparse.HelpFormatter):
    """Prose wraps at the terminal width; indented lines (examples) are kept as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        prose: list[str] = []

        def flush() -> None:
            if prose:
                out.append(textwrap.fill(" ".join(prose), width, initial_indent=indent,
                                         subsequent_indent=indent))
                prose.clear()

        for line in text.splitlines():
            if not line.strip():
                flush()
                out.append("")
            elif re.match(r"\s", line):
                flush()
                out.append(indent + line)
            else:
                prose.append(line.strip())
        flush()
        return "\n".join(out)


Formatter = Callable[[str], argparse.HelpFormatter]


def add_command(sub: Any, name: str, common: argparse.ArgumentParser, **keywords: Any,
                ) -> argparse.ArgumentParser:
    """A subcommand with the common options, the help layout and its own usage on errors."""
    parser = sub.add_parser(name, parents=[common], formatter_class=HelpFormatter, **keywords)
    parser.set_defaults(usage_parser=parser)
    return parser
