"""How long do the Home Office imports take on every published edition?

    python benchmarks/import_home_office.py [--repeat 5] [--realdata ../shared/realdata]

For the workforce tables (four editions) and the use of force tables (two editions), measures:

- `cold`: a fresh process that imports pcp-tui and runs the import once (what an analyst
  waits for at the command line, less writing the return), median of `--repeat` processes;
- `warm`: the import again in one process, median of `--repeat` runs;
- `read floor`: reading every sheet of the same workbooks as text (`workbooks.read_grids`),
  the part of the import that is the spreadsheet reader's, warm, median.

Goal: each import of all editions under a second (cold). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = {
    "ho-workforce": ("home-office-workforce", "pcp_tui.importers.ho_workforce",
                     "import_ho_workforce"),
    "ho-use-of-force": ("home-office-use-of-force", "pcp_tui.importers.ho_use_of_force",
                        "import_ho_use_of_force"),
}
COLD = """
import sys, time
start = time.perf_counter()
from importlib import import_module
from pcp_tui.config import bundled_config_path, load_config
run = getattr(import_module(sys.argv[1]), sys.argv[2])
run(sys.argv[3], load_config(bundled_config_path()))
print(time.perf_counter() - start)
"""


def timed(task, *args) -> float:
    start = time.perf_counter()
    task(*args)
    return time.perf_counter() - start


def read_all(files: list[Path]) -> None:
    from pcp_tui.workbooks import read_grids

    for file in files:
        read_grids(file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from importlib import import_module

    from pcp_tui.config import bundled_config_path, load_config

    config = load_config(bundled_config_path())
    print("| import | editions | cold (fresh process) | warm | read floor |")
    print("|---|---|---|---|---|")
    for name, (folder, module, function) in IMPORTS.items():
        source = args.realdata / folder
        files = sorted(source.glob("*.ods")) + sorted(source.glob("*.xlsx"))
        if not files:
            print(f"| {name} | no files in {source} | | | |")
            continue
        cold = statistics.median(
            float(subprocess.run(
                [sys.executable, "-c", COLD, module, function, str(source)],
                capture_output=True, text=True, check=True, cwd=ROOT,
                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            ).stdout.strip())
            for _ in range(args.repeat)
        )
        run = getattr(import_module(module), function)
        run(source, config)  # the spreadsheet reader's first use costs extra once
        warm = statistics.median(timed(run, source, config) for _ in range(args.repeat))
        floor = statistics.median(timed(read_all, files) for _ in range(args.repeat))
        print(f"| {name} | {len(files)} | {cold:.2f} s | {warm * 1000:.0f} ms | "
              f"{floor * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
