"""`pcp-tui` and its subcommands: one module per command (or family), the common options
defined once in `options`, what they share in `context`, the parser and exit handling in
`main`. Textual is imported only when the terminal app opens, so the printouts start quickly.
"""

from pcp_tui.cli.main import main
from pcp_tui.cli.options import EXIT_OK, EXIT_PROBLEMS, EXIT_SOFTWARE, EXIT_USAGE

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_SOFTWARE", "EXIT_USAGE", "main"]
