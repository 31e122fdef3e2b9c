"""The core never imports Textual; only the terminal app does."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "pcp_tui.periods", "pcp_tui.framework", "pcp_tui.config", "pcp_tui.dataset",
    "pcp_tui.rules.spc", "pcp_tui.rules.spc_frame", "pcp_tui.rules.assess",
    "pcp_tui.rules.explain", "pcp_tui.alerts", "pcp_tui.notes", "pcp_tui.render",
    "pcp_tui.printouts", "pcp_tui.report", "pcp_tui.cli", "pcp_tui.importers.ons_pfa",
    "pcp_tui.importers.police_uk",
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


def test_the_rules_import_no_cycle():
    """Every import inside the rules (and `pcp_tui.alerts`), also the ones for type checking
    only or inside functions, points one way: assess → alerts → explain → status."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "pcp_tui"
    files = {f"pcp_tui.rules.{p.stem}": p for p in (package / "rules").glob("*.py")}
    files["pcp_tui.alerts"] = package / "alerts.py"
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
        graph[name] = {t for t in targets if t in files and t != name}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(t == goal or (t not in seen and reaches(t, goal, seen | {t}))
                   for t in graph[start])

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    assert cycles == []
