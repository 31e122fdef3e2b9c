"""The `pcp-tui` parser and the way every command ends: its exit status, a one-line message for
a usage or config error, and a short message with a crash log for anything unforeseen."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.text import Text

from pcp_tui import __version__, collector
from pcp_tui.cli.alerts import add_parser as add_alerts
from pcp_tui.cli.app import cmd_open
from pcp_tui.cli.context import UsageError, make_console
from pcp_tui.cli.export import add_parser as add_export
from pcp_tui.cli.import_command import add_import_parser
from pcp_tui.cli.notes import add_parser as add_notes
from pcp_tui.cli.options import (
    EXIT_OK,
    EXIT_SOFTWARE,
    EXIT_USAGE,
    HelpFormatter,
    common_options,
)
from pcp_tui.cli.report import add_parser as add_report
from pcp_tui.cli.serve import add_parser as add_serve
from pcp_tui.cli.sources import add_parser as add_sources
from pcp_tui.cli.summary import add_parsers as add_summary_and_show
from pcp_tui.cli.template import add_parser as add_template
from pcp_tui.cli.validate import add_parser as add_validate
from pcp_tui.config import ConfigError
from pcp_tui.crash import write_crash_log
from pcp_tui.notes import NotesError
from pcp_tui.render import literal, plural


def build_parser() -> argparse.ArgumentParser:
    below = common_options(top=False)
    parser = argparse.ArgumentParser(
        prog="pcp-tui",
        parents=[common_options(top=True)],
        description="Hold a police force to account against its Police and Crime Plan.",
        epilog="With no command, opens the terminal app. The common options go before or "
        "after the command. Examples:\n"
        "  pcp-tui                                 # the terminal app, latest quarter\n"
        "  pcp-tui alerts                          # what needs attention; exit 1 on a breach\n"
        "  pcp-tui --quarter '2020/21 Q4' alerts   # as the plan stood then\n"
        "  pcp-tui summary --depth 2               # statuses by objective\n"
        "  pcp-tui show rape-positive-outcome-rate # one KPI in full\n"
        "  pcp-tui report --output board.html      # the quarterly board report\n"
        "  pcp-tui note add priority:homicide --kind reflection --text '...'\n"
        "  pcp-tui serve                           # the app in a web browser\n"
        "  pcp-tui validate\n"
        "  pcp-tui sources                         # where each KPI's figures come from\n"
        "  pcp-tui template --quarter '2021/22 Q3' --output 2021-22_Q3.xlsx\n"
        "  pcp-tui export --kpi residential-burglary --format csv > burglary.csv\n"
        "  pcp-tui import ons-pfa pfatablesdec19.xlsx --out data/   # ONS PFA tables\n"
        "  pcp-tui import police-uk ~/police-uk/2021-09/ --out data/\n"
        "\n"
        "Exit status: 0 fine, 1 problems or alerts found (validate, alerts), 2 usage or "
        "config error, 70 an unexpected error (with a crash log).",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pcp-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_validate(sub, below)
    add_export(sub, below)
    add_alerts(sub, below)
    add_summary_and_show(sub, below)
    add_report(sub, below)
    add_notes(sub, below)
    add_template(sub, below)
    add_sources(sub, below)
    add_serve(sub, below)
    add_import_parser(sub, below, HelpFormatter)
    parser.set_defaults(func=cmd_open, usage_parser=parser)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options, in either position; an unknown one is reported with the usage of the
    command it was given to."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        args.usage_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.func is not cmd_open:
        collector.release()  # the app releases it after its first frame
    err = make_console(args, stderr=True)
    try:
        return args.func(args)
    except ConfigError as error:
        err.print(Text(f"The config cannot be used ({plural(len(error.problems), 'problem')}):",
                       style="bold red"), soft_wrap=True)
        for problem in error.problems:
            err.print(literal(f"  {problem}"), soft_wrap=True)
        return EXIT_USAGE
    except (UsageError, NotesError) as error:
        err.print(Text.assemble(("pcp-tui: ", "red"), literal(str(error), "red")),
                  soft_wrap=True)
        return getattr(error, "exit_status", EXIT_USAGE)  # a notes file the disk refused: 1
    except BrokenPipeError:
        # `pcp-tui export | head` closes the pipe early; that is not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # anything unforeseen: a short message and a full log
        log = write_crash_log(error, argv)
        err.print(Text.assemble(
            ("pcp-tui stopped on an unexpected error: ", "bold red"),
            literal(f"{type(error).__name__}: {error}"),
            "\nNotes saved before the error are safe. The full report is in ",
            literal(str(log) if log else "(it could not be written)"),
            ".",
        ), soft_wrap=True)
        return EXIT_SOFTWARE
