"""The core never imports Textual; only the terminal app does. No module imports itself back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = [
    "pcp_tui.periods", "pcp_tui.framework", "pcp_tui.config", "pcp_tui.dataset", "pcp_tui.reading",
    "pcp_tui.rules.spc", "pcp_tui.rules.spc_frame", "pcp_tui.rules.assess",
    "pcp_tui.rules.explain", "pcp_tui.alerts", "pcp_tui.notes", "pcp_tui.render",
    "pcp_tui.printouts", "pcp_tui.report", "pcp_tui.records", "pcp_tui.provenance",
    "pcp_tui.cli", "pcp_tui.cli.main", "pcp_tui.importers.ons_pfa",
    "pcp_tui.importers.police_uk", "pcp_tui.crash",
    "pcp_tui.config_reader", "pcp_tui.config_settings", "pcp_tui.config_framework",
    "pcp_tui.dataset_schema", "pcp_tui.dataset_checks", "pcp_tui.dataset_rollup",
    "pcp_tui.render_alerts", "pcp_tui.render_tree", "pcp_tui.render_kpi",
    "pcp_tui.importers.police_uk_files", "pcp_tui.importers.police_uk_scan",
    "pcp_tui.importers.police_uk_rows", "pcp_tui.importers.ons_pfa_edition",
    "pcp_tui.importers.ons_pfa_tables",
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


def module_imports() -> dict[str, set[str]]:
    """Every pcp_tui module and the pcp_tui modules it imports, anywhere in its body (an
    import inside a function still ties the two modules together)."""
    modules = {}
    for path in (ROOT / "pcp_tui").rglob("*.py"):
        if "bundled" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    found.add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_cycle_between_the_command_line_and_the_importers():
    graph = module_imports()
    assert "pcp_tui.cli.import_command" in graph
    involved = [c for c in cycles(graph)
                if any(m.startswith(("pcp_tui.cli", "pcp_tui.importers")) for m in c)]
    assert involved == []


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
