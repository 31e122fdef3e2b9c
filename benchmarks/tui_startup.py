"""Time to the app's first complete frame, against the floor of importing Textual and Polars
(run by hand; not a test).

Each run is a fresh Python process started by this script, timed from the moment it is
spawned: the floor processes only import Textual and Polars; the app processes do what
`pcp-tui` does — read config.toml and data/, assess every quarter (build_app), start the app
headless — and stop at the first screen update that shows the tree, the detail pane and the
alerts filled in. Medians over the runs. Each round starts the app twice: reading everything
afresh (`--no-cache`, as the first start after the config, the data or pcp-tui change) and
from the last start's copy (`start_cache`, as every other start), written once beforehand.

    .venv/bin/python benchmarks/tui_startup.py            # bundled sample data
    .venv/bin/python benchmarks/tui_startup.py --national # 43 forces
    .venv/bin/python benchmarks/tui_startup.py --source   # pcp_tui compiled on every start
    .venv/bin/python benchmarks/tui_startup.py --against /tmp/old-checkout  # runs alternate

Textual and Polars are imported from the bytecode their installation compiled; pcp_tui's own
modules are too (a copy of the package, compiled once in a temporary folder), as an installed
app's would be, unless `--source` is given: then every start compiles them again, as happens
with PYTHONDONTWRITEBYTECODE set and an editable install.

Goal: the first complete frame within 0.2 s of the floor on 2 cores.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOORS = {
    "import textual, polars": "import textual, polars",
    "import textual.app + widgets, polars": "import polars, textual.app, textual.widgets",
}

CHILD = r"""
import argparse, json, sys, time
spawned = float(sys.argv[1])
marks = {}
def mark(name):
    marks[name] = time.time() - spawned
sys.path.insert(0, sys.argv[3])
# an editable install's finder would fill in modules an older checkout lacks from this one
sys.meta_path = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
try:  # as the `pcp-tui` command does first (pcp_tui.launch); older checkouts have no hold
    from pcp_tui import collector
    collector.hold()
except ImportError:
    pass
import polars, textual.app, textual.widgets
mark("imports")
from pcp_tui.cli.context import load
from pcp_tui.tui.app import build_app
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.text_block import ScrollingText
mark("pcp_tui imported")
mode = sys.argv[5]  # afresh, kept (the last start's copy), or keep (write it and stop)
loaded = load(argparse.Namespace(config=sys.argv[2], data=None, notes=sys.argv[4],
                                 no_cache=mode == "afresh"))
mark("config and data loaded")
if mode == "keep":  # as the app keeps its start: the latest quarter assessed
    loaded.assessed().at(None)
    loaded.keep()
    sys.exit()
kept = {"timeline": loaded.timeline} if getattr(loaded, "timeline", None) is not None else {}
app = build_app(loaded.config, loaded.observations, notes_path=sys.argv[4], poll_interval=None,
                **kept)
mark("every quarter assessed (build_app)")

def watch_frames():
    screen = app.screen
    original = screen._compositor_refresh
    def refreshed():
        original()
        body = app.query_one(KpiDetail).query_one(ScrollingText)
        filled = body.line_count and app.query_one(AlertsPanel).shown
        if filled and "first complete frame" not in marks:
            mark("first complete frame")
            app.exit()
    screen._compositor_refresh = refreshed

app.call_later(watch_frames)
app.run(headless=True, size=(120, 40))
print(json.dumps(marks))
"""


def spawn(code: str, *args: str, cache: Path | None = None) -> dict[str, float]:
    spawned = time.time()
    environ = {**os.environ, "PCP_TUI_CACHE": str(cache) if cache else "off"}
    out = subprocess.run([sys.executable, "-c", code, str(spawned), *args],
                         capture_output=True, text=True, check=True, env=environ).stdout
    if code.startswith("import") or "keep" in args:
        return {"done": time.time() - spawned}
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--source", action="store_true",
                        help="do not give pcp_tui bytecode: each start compiles its modules")
    parser.add_argument("--against", type=Path,
                        help="another checkout (an older commit): its start-ups alternate with "
                        "this one's and the floor's, so that the machine's load falls on both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.national:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from tui_national_data import write_national

            config_path = write_national(Path(folder) / "national")
        else:
            config_path = ROOT / "config.toml"
        notes = str(Path(folder) / "notes.jsonl")
        cache = Path(folder) / "cache"
        checkouts = {"this checkout": ROOT}
        if args.against is not None:
            checkouts[str(args.against)] = args.against.resolve()
        code_roots = {}
        for number, (label, root) in enumerate(checkouts.items()):
            code_roots[label] = root
            if not args.source:
                code_roots[label] = Path(folder) / f"compiled-{number}"
                shutil.copytree(root / "pcp_tui", code_roots[label] / "pcp_tui",
                                ignore=shutil.ignore_patterns("__pycache__"))
                compileall.compile_dir(code_roots[label] / "pcp_tui", quiet=1)
        # each start: (checkout, read afresh or from the last start's copy)
        starts = {f"{label}, read afresh": (label, "afresh") for label in checkouts}
        caches = {}  # each checkout keeps its own start (the kept file names the code)
        for number, (label, root) in enumerate(checkouts.items()):
            if (root / "pcp_tui" / "start_cache.py").exists():
                starts[f"{label}, from the last start (start_cache)"] = (label, "kept")
                caches[label] = cache / str(number)
                spawn(CHILD, str(config_path), str(code_roots[label]), notes, "keep",
                      cache=caches[label])
        timings: dict[str, list[float]] = {name: [] for name in FLOORS}
        runs: dict[str, list[dict[str, float]]] = {label: [] for label in starts}
        for _ in range(args.runs):
            for name, code in FLOORS.items():
                timings[name].append(spawn(code)["done"])
            for label, (checkout, mode) in starts.items():
                runs[label].append(spawn(CHILD, str(config_path), str(code_roots[checkout]),
                                         notes, mode, cache=caches.get(checkout)))
    floors = {name: statistics.median(values) for name, values in timings.items()}
    print(f"Start-up, {'national (43 forces)' if args.national else 'bundled sample'}, "
          f"{'pcp_tui compiled at each start' if args.source else 'pcp_tui from bytecode'}, "
          f"median of {args.runs} fresh processes, seconds from spawn:")
    for name, value in floors.items():
        print(f"  floor: {name:44s} {value:6.3f}")
    floor = floors["import textual, polars"]
    for label, found in runs.items():
        steps = {name: statistics.median(run[name] for run in found) for name in found[0]}
        print(f"  {label}:")
        for name, value in steps.items():
            print(f"  app:   {name:44s} {value:6.3f}")
        frame = steps["first complete frame"]
        print(f"  first complete frame − floor (import textual, polars): {frame - floor:6.3f}")


if __name__ == "__main__":
    main()
