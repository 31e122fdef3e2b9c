"""The core never imports Textual; only the terminal app does."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "pcp_tui.periods", "pcp_tui.framework", "pcp_tui.config", "pcp_tui.dataset",
    "pcp_tui.rules.spc", "pcp_tui.rules.spc_frame", "pcp_tui.rules.assess",
    "pcp_tui.rules.explain", "pcp_tui.alerts", "pcp_tui.notes", "pcp_tui.render",
    "pcp_tui.printouts", "pcp_tui.report", "pcp_tui.cli", "pcp_tui.importers.ons_pfa",
    "pcp_tui.importers.police_uk", "pcp_tui.crash",
]


def test_core_modules_do_not_import_textual():
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
