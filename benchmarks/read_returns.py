"""Reading the returns: plain CSVs through Polars' reader against record by record (run by
hand; not a test).

Loads the national-scale returns (`tui_national_data`: 18 CSVs of 4,644 rows, 83,592 in all)
with `load_observations` as every command does, and the same files with the plain reading
turned off (`csv_plain`: every file then read by Python's csv reader, as before), alternating in
one process with the garbage collector held, as the `pcp-tui` command holds it while it starts.
Prints the medians, the reading of the files alone (`read_batches`) and the ratio.

    .venv/bin/python benchmarks/read_returns.py --repeat 9
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_national_data import write_national  # noqa: E402

from pcp_tui import reading  # noqa: E402
from pcp_tui.config import load_config  # noqa: E402
from pcp_tui.dataset import load_observations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_national(Path(folder) / "national"))
        files = sorted(config.data_folder.glob("*.csv"))
        plain = reading.plain_text
        ways = {"plain CSVs through Polars": plain, "record by record": lambda *_: None}
        loads: dict[str, list[float]] = {name: [] for name in ways}
        reads: dict[str, list[float]] = {name: [] for name in ways}
        frames = {}
        gc.collect()
        gc.disable()
        for _ in range(args.repeat):
            for name, way in ways.items():
                reading.plain_text = way
                start = time.perf_counter()
                for path in files:
                    for _batch in reading.read_batches(path, []):
                        pass
                reads[name].append(time.perf_counter() - start)
                start = time.perf_counter()
                frames[name] = load_observations([config.data_folder], config).frame
                loads[name].append(time.perf_counter() - start)
        gc.enable()
        reading.plain_text = plain
        first, second = ways
        assert frames[first].equals(frames[second]), "the two readings differ"
        rows = frames[first].height
    print(f"{len(files)} returns, {rows:,} figures, median of {args.repeat}, seconds:")
    print(f"  {'':28s} {'read_batches':>13s} {'load_observations':>18s}")
    for name in ways:
        print(f"  {name:28s} {statistics.median(reads[name]):13.3f} "
              f"{statistics.median(loads[name]):18.3f}")
    ratio = statistics.median(loads[second]) / statistics.median(loads[first])
    print(f"  load_observations, record by record / plain: {ratio:.2f}×")


if __name__ == "__main__":
    main()
