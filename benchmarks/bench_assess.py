"""How fast is assess() at national scale, against a per-series Python loop in the same run?

    python benchmarks/bench_assess.py [--quarters 20] [--repeat 3] [--no-loop]

Generates a national-scale dataset (43 forces × every KPI of the bundled framework × 20 quarters)
in a temporary folder, then times:

- `build_timeline` (every as-of quarter at once) and `timeline.at()` for the latest quarter;
- a straightforward per-series implementation of the same rules (comparison value, baseline,
  target RAG and the plain `spc.analyse` for each KPI × force × as-of quarter), the way a
  spreadsheet-minded script would do it.

Goals on a 2-core machine: every quarter in under 1 s; at least 20× faster than the loop; 80
quarters (twenty years) in under 2 s and 1 GB. The peak memory is the process's (`ru_maxrss`),
data generation included; `--no-loop` leaves out the loop (which grows as Q² in plain Python).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from pcp_tui.config import load_config  # noqa: E402
from pcp_tui.dataset import Observations, load_observations  # noqa: E402
from pcp_tui.framework import Milestone, Threshold, Trajectory, compare  # noqa: E402
from pcp_tui.periods import Quarter  # noqa: E402
from pcp_tui.rules.assess import build_timeline  # noqa: E402
from pcp_tui.rules.spc import analyse  # noqa: E402

N_FORCES = 43


def national_config(folder: Path) -> Path:
    """The bundled framework with 43 forces: the home force compared with all the others."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    head, framework = text.split("\n[[sections]]\n", 1)
    forces = [f"force-{i:02d}" for i in range(1, N_FORCES + 1)]
    settings = head.split("\n[settings]\n", 1)[1].split("\n[forces.", 1)[0]
    settings = settings.replace(
        'comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
        "comparators = [" + ", ".join(f'"{f}"' for f in forces[1:]) + "]",
    ).replace('home_force = "west-midlands"', f'home_force = "{forces[0]}"')
    blocks = [
        f'[forces.{f}]\nname = "Force {i:02d}"\nshort = "F{i:02d}"\n'
        f"population = {random.Random(i).randint(600_000, 3_000_000)}\n"
        for i, f in enumerate(forces, start=1)
    ]
    path = folder / "config.toml"
    path.write_text("[settings]\n" + settings + "\n" + "\n".join(blocks) + "\n[[sections]]\n"
                    + framework, encoding="utf-8")
    return path


def national_data(config_path: Path, quarters: int) -> None:
    config = load_config(config_path)
    rng = random.Random(7)
    # from 2017 Q1, or earlier where that would run past 2026 Q1 (figures from the future
    # are refused), so that 40 and 80 quarters end in the past too
    first = Quarter.from_ordinal(min(Quarter(2017, 1).ordinal,
                                     Quarter(2026, 1).ordinal - quarters + 1))
    rows = []
    for kpi in config.framework.kpis:
        for force in config.settings.all_forces:
            level = rng.uniform(50, 5000)
            for i in range(quarters):
                quarter = first + i
                if kpi.target.kind == "commitment":
                    rows.append((kpi.id, force, quarter.label, None, None, None, "in-progress"))
                elif kpi.measure == "rate":
                    den = rng.randint(500, 5000)
                    num = int(den * rng.uniform(0.05, 0.6))
                    rows.append((kpi.id, force, quarter.label, None, float(num), float(den),
                                 None))
                else:
                    value = max(level * (1 + 0.01 * i) + rng.gauss(0, level * 0.08), 0)
                    rows.append((kpi.id, force, quarter.label, round(value, 1), None, None,
                                 None))
    frame = pl.DataFrame(rows, schema={"kpi": pl.Utf8, "force": pl.Utf8, "period": pl.Utf8,
                                       "value": pl.Float64, "numerator": pl.Float64,
                                       "denominator": pl.Float64, "status": pl.Utf8},
                         orient="row")
    (config_path.parent / "data").mkdir()
    frame.write_csv(config_path.parent / "data" / "national.csv")


def per_series_loop(config, observations: Observations) -> int:
    """The same rules, one KPI × force × as-of quarter at a time, in plain Python."""
    framework, settings = config.framework, config.settings
    series: dict[tuple[str, str], dict[int, tuple]] = {}
    for kpi, force, period, value, num, den, status in observations.frame.select(
        "kpi", "force", "period", "value", "numerator", "denominator", "status"
    ).iter_rows():
        series.setdefault((kpi, force), {})[Quarter.from_date(period).ordinal] = (
            value, num, den, status)
    quarters = sorted({o for s in series.values() for o in s})
    judged = 0
    for (kpi_id, _force), points in series.items():
        kpi = framework.kpi(kpi_id)
        target = kpi.target
        window = target.baseline if isinstance(target, Trajectory) else settings.baselines["plan"]
        direction = {"higher": "increase", "lower": "decrease"}.get(kpi.better, "neutral")
        for as_of in quarters:
            known = {o: p for o, p in points.items() if o <= as_of}
            if not known:
                continue
            latest = known[max(known)][0]
            if kpi.target.kind == "commitment":
                judged += 1
                continue

            def window_value(first: int, last: int, known=known, kpi=kpi) -> float | None:
                inside = [known.get(o) for o in range(first, last + 1)]
                if any(p is None for p in inside):
                    return None
                if kpi.measure == "flow":
                    return sum(p[0] for p in inside)
                if kpi.measure == "stock":
                    return inside[-1][0]
                return sum(p[1] for p in inside) / sum(p[2] for p in inside) * kpi.unit.scale

            comparison = window_value(as_of - 3, as_of)
            baseline = window_value(window.first.ordinal, window.last.ordinal)
            values = [known[o][0] for o in sorted(known)]
            result = analyse(values, improvement_direction=direction,
                             target=target.value if isinstance(target, Threshold) else None)
            rag = None
            if isinstance(target, Threshold) and latest is not None:
                rag = "green" if compare(latest, target.op, target.value) else "red"
                if rag == "green" and result.assurance_type == "inconsistent":
                    rag = "amber"
            elif isinstance(target, Trajectory) and comparison and baseline:
                change = (comparison - baseline) / abs(baseline) * 100
                sign = -1 if target.direction in ("decrease", "not-increase") else 1
                rag = ("green" if change * sign > target.tolerance_pct else
                       "red" if change * sign < -target.tolerance_pct else "amber")
            elif isinstance(target, Milestone):
                rag = "grey"
            judged += rag is not None or True
    return judged


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-loop", action="store_true", help="skip the per-series loop")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config_path = national_config(Path(tmp))
        national_data(config_path, args.quarters)
        config = load_config(config_path)
        observations = load_observations(config.data_folder, config)
        frame = observations.frame
        print(f"data: {frame.height:,} rows, {frame['kpi'].n_unique()} KPIs × "
              f"{frame['force'].n_unique()} forces × {len(observations.quarters)} quarters")
        loaded = peak_mb()
        # one build alone first, for its memory: the process's peak with it alive
        start = time.perf_counter()
        timeline = build_timeline(config, observations)
        first = time.perf_counter() - start
        alone = peak_mb()
        latest = timeline.latest
        del timeline
        every, _ = timed(lambda: build_timeline(config, observations), args.repeat)

        def one_quarter():
            return build_timeline(config, observations).at(latest)

        one, _ = timed(one_quarter, args.repeat)
        print(f"assess, every quarter (build_timeline): {every:.3f} s "
              f"(median of {args.repeat}; the first {first:.3f} s)")
        print(f"assess, one quarter (timeline + at):   {one:.3f} s")
        print(f"peak memory: {loaded:,.0f} MB with the data loaded, {alone:,.0f} MB with one "
              f"timeline built ({alone - loaded:,.0f} MB more), {peak_mb():,.0f} MB in all")
        if args.no_loop:
            return
        loop, judged = timed(lambda: per_series_loop(config, observations), 1)
        print(f"per-series Python loop, every quarter:  {loop:.3f} s ({judged:,} judgements)")
        print(f"speed-up, every quarter: {loop / every:.1f}×")


if __name__ == "__main__":
    main()
