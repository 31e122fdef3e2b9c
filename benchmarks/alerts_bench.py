"""How long does `pcp-tui alerts` take end to end, against starting Python with its libraries?

    .venv/bin/python benchmarks/alerts_bench.py [--runs 7]

Each command runs in a fresh interpreter (as a scheduled job would run it), output to /dev/null:

- `python -c "import polars, rich"`: the floor, the cost of starting Python and the two
  libraries every printout needs;
- `pcp-tui alerts` (table and JSON) on the bundled config and sample data (4 forces, 18 quarters);
- the same on a national-scale copy: 43 forces, every KPI × force × 18 quarters, written to a
  temporary folder by `tui_national_data.write_national` (shared with the app's benchmarks).

The runs are interleaved, so a busy machine slows every command alike; the medians and their
ratio to the floor are printed, then where the time goes in one national run (in-process).
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tui_national_data import write_national  # noqa: E402


def time_command(argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stderr.decode()}")
    return elapsed, result.returncode


def phases(config_path: Path, data: Path) -> dict[str, float]:
    """Where the time of one `alerts` run goes, measured in this process."""
    from pcp_tui.cli import main
    from pcp_tui.config import load_config
    from pcp_tui.dataset import load_observations
    from pcp_tui.rules.assess import build_timeline

    out: dict[str, float] = {}
    start = time.perf_counter()
    config = load_config(config_path)
    out["config"] = time.perf_counter() - start
    start = time.perf_counter()
    observations = load_observations([data], config)
    out["read data"] = time.perf_counter() - start
    start = time.perf_counter()
    timeline = build_timeline(config, observations)
    out["assess every quarter"] = time.perf_counter() - start
    start = time.perf_counter()
    assessment = timeline.at()
    out["alerts of the latest quarter"] = time.perf_counter() - start
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        main(["alerts", "--config", str(config_path), "--data", str(data)])
    out["whole command in-process"] = time.perf_counter() - start
    out["alerts"] = len(assessment.alerts)
    out["rows"] = observations.frame.height
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable

    with tempfile.TemporaryDirectory(prefix="pcp-tui-alerts-bench-") as tmp:
        national = write_national(Path(tmp) / "national")
        national_data = national.parent / "data"
        bundled = ["--config", str(ROOT / "config.toml"), "--data", str(ROOT / "data")]
        big = ["--config", str(national), "--data", str(national_data)]
        commands = {
            "python -c 'import polars, rich'": [python, "-c", "import polars, rich"],
            "alerts, bundled, table": [python, "-m", "pcp_tui", "alerts", *bundled],
            "alerts, bundled, json": [python, "-m", "pcp_tui", "alerts", "--format", "json",
                                      *bundled],
            "alerts, national, table": [python, "-m", "pcp_tui", "alerts", *big],
            "alerts, national, json": [python, "-m", "pcp_tui", "alerts", "--format", "json",
                                       *big],
        }
        json_out = subprocess.run(commands["alerts, national, json"], capture_output=True,
                                  cwd=ROOT, check=False).stdout
        counts = json.loads(json_out)["counts"]

        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():  # interleaved
                times[name].append(time_command(argv)[0])

        floor = statistics.median(times["python -c 'import polars, rich'"])
        print(f"{args.runs} runs each, interleaved; Python {sys.version.split()[0]}")
        print(f"{'command':<34}{'median':>9}{'min':>9}{'max':>9}{'× floor':>9}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<34}{median:>8.2f}s{min(values):>8.2f}s{max(values):>8.2f}s"
                  f"{median / floor:>9.2f}")
        print(f"national alerts by severity: {counts}")

        print("\nOne national run, in-process:")
        for name, value in phases(national, national_data).items():
            shown = f"{value:,.0f}" if name in ("alerts", "rows") else f"{value:.2f}s"
            print(f"  {name:<30}{shown:>10}")


if __name__ == "__main__":
    main()
