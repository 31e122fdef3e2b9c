"""Does `pcp-tui validate` stay in bounded memory on a large file of bad rows?

    python benchmarks/validate_memory.py [--sizes 100 200] [--dir DIR]

Writes one CSV per size (in MB) of the same return row repeated, so that every row after the
first is a repeat and reported, then runs `python -m pcp_tui validate` on each in a fresh process
of its own and reads that process's peak memory with `resource.getrusage(RUSAGE_CHILDREN)
.ru_maxrss` (each measurement from a separate parent, so one run's peak cannot hide another's).
Then the same for a file of distinct unknown KPI ids, where the time goes into the "did you
mean" suggestions. Goal: the peaks of the two duplicate files within 200 MB of each other (the
memory flat in the file's size). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "pcp_tui", "validate", "--no-color",
                       "--config", sys.argv[1], "--data", sys.argv[2]],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if done.returncode not in (0, 1):
    sys.exit(done.stderr.decode()[-500:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def repeated_rows(path: Path, megabytes: int) -> Path:
    line = "residential-burglary,West Midlands,2019/20 Q1,100\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("kpi,force,period,value\n")
        for _ in range(megabytes * 1_000_000 // len(line) // 10_000):
            handle.write(line * 10_000)
    return path


def unknown_ids(path: Path, megabytes: int) -> Path:
    width = len("unknown-kpi-00000000,West Midlands,2019/20 Q1,1\n")
    with path.open("w", encoding="utf-8") as handle:
        handle.write("kpi,force,period,value\n")
        handle.writelines(f"unknown-kpi-{i:08d},West Midlands,2019/20 Q1,1\n"
                          for i in range(megabytes * 1_000_000 // width))
    return path


def measure(path: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of `validate` on `path` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEASURE, str(ROOT / "config.toml"), str(path)],
                         capture_output=True, text=True, check=True, env=env).stdout
    return int(out.split()[-1]) / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200], help="MB")
    parser.add_argument("--unknown", type=int, default=20, help="MB of unknown KPI ids")
    parser.add_argument("--dir", type=Path, help="where to write the files (default: a temp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        peaks = []
        print("| input | peak memory | seconds |\n|---|---|---|")
        for size in args.sizes:
            path = repeated_rows(Path(folder) / f"repeats-{size}.csv", size)
            peak, seconds = measure(path)
            path.unlink()
            peaks.append(peak)
            print(f"| {size} MB of one row repeated | {peak:,.0f} MB | {seconds:.1f} |")
        path = unknown_ids(Path(folder) / "unknown.csv", args.unknown)
        peak, seconds = measure(path)
        print(f"| {args.unknown} MB of distinct unknown KPI ids | {peak:,.0f} MB | "
              f"{seconds:.1f} |")
    spread = max(peaks) - min(peaks)
    print(f"\npeak memory spread over the repeated-row files: {spread:,.0f} MB "
          f"(goal: within 200 MB: {'met' if spread <= 200 else 'missed'})")


if __name__ == "__main__":
    main()
