"""Key press → repaint latency of the terminal app (run by hand; not a test).

For each key the clock starts when the key event is handed to the app and stops at the screen
update that shows its effect: the first update (the tree's cursor has moved) and the last one
(the detail pane has been redrawn too; the detail draws just after the cursor's repaint).
Medians and 95th percentiles over many presses, at 120×40, headless.

    .venv/bin/python benchmarks/tui_latency.py              # bundled sample data
    .venv/bin/python benchmarks/tui_latency.py --national   # 43 forces, every KPI × quarter
    .venv/bin/python benchmarks/tui_latency.py --profile enter-kpi   # cProfile of one case
    .venv/bin/python benchmarks/tui_latency.py --walks 5    # quarter steps over 5 fresh apps

Goals at the 95th percentile: a cursor move repainted within 16 ms; Enter on a KPI or an alert
and a quarter step `[` / `]` settled within 33 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from textual import events  # noqa: E402
from textual.keys import _character_to_key  # noqa: E402

from pcp_tui.config import load_config  # noqa: E402
from pcp_tui.dataset import load_observations  # noqa: E402
from pcp_tui.tui.app import PcpApp, build_app  # noqa: E402
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel  # noqa: E402
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree  # noqa: E402

SETTLE = 0.08  # seconds without a repaint after which a key's effect is complete


class Repaints:
    """Timestamps of the screen's compositor updates."""

    def __init__(self, app: PcpApp) -> None:
        self.stamps: list[float] = []
        self.cpu: list[float] = []
        screen = app.screen
        original = screen._compositor_refresh

        def stamped() -> None:
            original()
            self.stamps.append(time.perf_counter())
            self.cpu.append(time.process_time())

        screen._compositor_refresh = stamped  # type: ignore[method-assign]


async def press(app: PcpApp, pilot, repaints: Repaints, key: str
                ) -> tuple[float, float, float]:
    """(first, last) repaint after the key and the CPU time spent until the last, in ms.

    On a busy machine wall-clock latency includes waiting for a core; the CPU time is what
    the app itself spent."""
    await pilot.pause()
    await asyncio.sleep(SETTLE)
    repaints.stamps.clear()
    repaints.cpu.clear()
    char = key if len(key) == 1 else None
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    event = events.Key(key, char)
    event.set_sender(app)
    start = time.perf_counter()
    cpu_start = time.process_time()
    app._driver.send_message(event)
    last_count = -1
    while True:
        await asyncio.sleep(SETTLE)
        if len(repaints.stamps) == last_count:
            break
        last_count = len(repaints.stamps)
    if not repaints.stamps:
        return (float("nan"), float("nan"), float("nan"))
    return ((repaints.stamps[0] - start) * 1000, (repaints.stamps[-1] - start) * 1000,
            (repaints.cpu[-1] - cpu_start) * 1000)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]


def summary(wall: list[float], cpu: list[float] | None = None) -> tuple[float, float, float]:
    """(median, 95th percentile, median CPU) in ms."""
    return (median(wall), p95(wall), median(cpu) if cpu else float("nan"))


CASES = ("move", "enter-kpi", "enter-alert", "quarter")


async def walk(app: PcpApp, pilot, repaints: Repaints
               ) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Back through every quarter (each shown for the first time), then forward again: the
    (wall, CPU) ms of each first visit and of each step back."""
    app.query_one(ObjectiveTree).focus()
    steps = []
    count = len(app.timeline.quarters) - 1
    for key in ["["] * count + ["]"] * count:
        _, last, cpu = await press(app, pilot, repaints, key)
        steps.append((last, cpu))
    return steps[:count], steps[count:]


@contextlib.asynccontextmanager
async def started(config, observations, notes: str, warm: bool):
    """A new app on its first frame, every quarter assessed first when `warm` (as the
    background assessment does half a second after the start): (app, pilot)."""
    app = build_app(config, observations, notes_path=Path(notes) / "notes.jsonl",
                    poll_interval=None, warm=warm)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if warm:
            await pilot.pause(0.8)  # the background assessment starts after 0.5 s
            await app.workers.wait_for_complete()
        yield app, pilot


async def run(config_path: Path, repeats: int, warm: bool, profile: str | None = None,
              walks: int = 1) -> dict[str, tuple[float, float, float]]:
    config = load_config(config_path)
    observations = load_observations([config.data_folder], config)
    with tempfile.TemporaryDirectory() as notes:
        results: dict[str, tuple[float, float, float]] = {}
        profiler = cProfile.Profile()

        def profiled(case: str):
            """Profile the presses of one case only (`--profile`)."""
            class Section:
                def __enter__(self):
                    if case == profile:
                        profiler.enable()

                def __exit__(self, *exc):
                    if case == profile:
                        profiler.disable()
            return Section()

        async with started(config, observations, notes, warm) as (app, pilot):
            repaints = Repaints(app)
            tree = app.query_one(ObjectiveTree)
            tree.focus()
            tree.move_cursor_to_line(3)

            firsts, lasts, cpus = [], [], []
            with profiled("move"):
                for i in range(repeats):
                    first, last, cpu = await press(app, pilot, repaints,
                                                   "j" if i % 2 == 0 else "k")
                    firsts.append(first)
                    lasts.append(last)
                    cpus.append(cpu)
            results["move (cursor repainted)"] = summary(firsts)
            results["move + detail redrawn"] = summary(lasts, cpus)

            # Enter on a KPI line of the tree: the detail pane takes the focus
            kpi_lines = [line for line in range(tree.last_line + 1)
                         if (node := tree.get_node_at_line(line)) is not None
                         and node.data is not None and node.data.kind == "kpi"]
            opens, cpus = [], []
            for i in range(repeats):
                tree.focus()
                tree.move_cursor_to_line(kpi_lines[i % min(12, len(kpi_lines))])
                with profiled("enter-kpi"):
                    _, last, cpu = await press(app, pilot, repaints, "enter")
                opens.append(last)
                cpus.append(cpu)
            results["Enter on a KPI (tree → detail)"] = summary(opens, cpus)

            alerts = app.query_one(AlertsPanel)
            alerts.focus()
            selects, cpus = [], []
            for i in range(repeats):
                alerts.move_cursor(i % max(1, min(12, len(alerts.shown))))
                with profiled("enter-alert"):
                    _, last, cpu = await press(app, pilot, repaints, "enter")
                selects.append(last)
                cpus.append(cpu)
            results["Enter on an alert (its KPI)"] = summary(selects, cpus)

            with profiled("quarter"):
                walked = [await walk(app, pilot, repaints)]
        for _ in range(walks - 1):  # each walk in a new app: its first visits are first again
            app = pilot = repaints = None
            gc.collect()  # the last app's garbage, which would fall on this one's keys
            async with started(config, observations, notes, warm) as (app, pilot):
                with profiled("quarter"):
                    walked.append(await walk(app, pilot, Repaints(app)))
        firsts = [press for first, _ in walked for press in first]
        backs = [press for _, back in walked for press in back]
        results["quarter step (first visits)"] = summary(*map(list, zip(*firsts)))
        results["quarter step (back again)"] = summary(*map(list, zip(*backs)))
        if profile:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(30)

    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true",
                        help="43 forces, data for every KPI × force × 18 quarters")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--walks", type=int, default=3,
                        help="walks back and forth through every quarter, each in a new app "
                        "(the first visits of one walk are one per quarter: 17 on the sample)")
    parser.add_argument("--cold", action="store_true",
                        help="do not assess the quarters in the background first (each first "
                        "step then assesses its quarter)")
    parser.add_argument("--profile", choices=CASES,
                        help="print a cProfile of the presses of one case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.national:
            from tui_national_data import write_national

            config_path = write_national(Path(folder) / "national")
            label = "national (43 forces)"
        else:
            config_path = ROOT / "config.toml"
            label = "bundled sample"
        results = asyncio.run(run(config_path, args.repeats, warm=not args.cold,
                                  profile=args.profile, walks=args.walks))
    print(f"Key → repaint latency, {label}, 120×40, {args.repeats} presses, quarter steps "
          f"over {args.walks} walks (wall clock: median, 95th percentile; the app's median "
          f"CPU time in brackets):")
    for name, (wall, high, cpu) in results.items():
        cpu_text = f"  ({cpu:5.1f} ms CPU)" if cpu == cpu else ""
        print(f"  {name:42s} {wall:7.1f} ms  p95 {high:7.1f} ms{cpu_text}")


if __name__ == "__main__":
    main()
