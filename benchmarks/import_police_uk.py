"""How fast, and in how much memory, does the police.uk import run at national scale?

    python benchmarks/import_police_uk.py [--rows 10000000] [--months 18] [--parts 0.5,1]
        [--dir DIR] [--keep]

Writes police.uk-shaped street files once to a temporary folder (all 43 territorial forces, one
file per force and month, about --rows rows in all over --months months: 10 million rows is about
18 months of national data), then, on the first part of the months that each of --parts gives
(by default the first half and all, so the input doubles; `--rows 20000000 --months 36 --parts
0.25,0.5,1` measures 5, 10 and 20 million rows in one run; each part should be whole
quarters, as the months counted are those of complete quarters), runs each of these in its own
subprocess and reads its peak memory with `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`:

- `bare-scan`: `pl.scan_csv(glob).select(pl.len()).collect()`. Polars answers this by
  counting line ends without splitting a single field, so it is a floor for reading the bytes,
  not for reading a column;
- `parse-floor`: the least work that does split the fields: the null count of the one column the
  import reads (`Crime type`), all columns as text, streaming;
- `pcp-tui`: `import_police_uk` with the bundled config (sha256 of every file computed in the
  background, as a real import does);
- `pcp-tui-nohash`: the same without the sha256;
- `pcp-tui-cached`: the import again over the same, unchanged files with the digest cache of an
  earlier import (`.source-digests.json`, filled before the clock starts): what a second
  import of an archive costs, each file hashed once in its life;
- `duckdb`: the same aggregation (rows per file and crime type, rolled up to complete quarters)
  as one DuckDB query over the same files, all columns as text (optional);
- `pandas`: the same aggregation with pandas, one file at a time, as a straightforward script
  would (optional, the reference implementation).

Goals on 2 cores: memory flat when the input doubles, at least as fast as DuckDB, and within
1.25x of the parse floor. pandas and DuckDB are needed for this benchmark only (`pip install
pandas duckdb`, or a folder of them on PYTHONPATH); they are not dependencies of pcp-tui and a
kind whose package is missing is left out. `--kinds` chooses what runs. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CRIME_TYPES = (
    ("Anti-social behaviour", 30), ("Violence and sexual offences", 25),
    ("Criminal damage and arson", 8), ("Other theft", 7), ("Public order", 6),
    ("Vehicle crime", 6), ("Burglary", 5), ("Shoplifting", 5), ("Drugs", 2),
    ("Other crime", 2), ("Robbery", 1), ("Bicycle theft", 1), ("Theft from the person", 1),
    ("Possession of weapons", 1),
)
OUTCOMES = (
    "Investigation complete; no suspect identified", "Under investigation",
    "Unable to prosecute suspect", "Status update unavailable", "Court result unavailable",
    "Local resolution", "Awaiting court outcome", "Offender given a caution",
)
BYTES_PER_ROW = 230  # what the generator writes, for the disk check
KINDS = ("bare-scan", "parse-floor", "pcp-tui", "pcp-tui-nohash", "pcp-tui-cached", "duckdb",
         "pandas")

# Runs a command and prints its peak memory: RUSAGE_CHILDREN of a process with one child.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def months_from(start: tuple[int, int], count: int) -> list[str]:
    year, month = start
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def generate(root: Path, rows: int, months: int) -> int:
    """police.uk street files for every territorial force; returns the rows written."""
    import polars as pl

    from pcp_tui.importers.areas import TERRITORIAL_FORCES

    names = [name for name, _ in CRIME_TYPES]
    bounds = []
    total = 0
    for _, weight in CRIME_TYPES:
        total += weight
        bounds.append(total)
    # forces of different sizes, roughly as national data has them
    sizes = [1.0 + (i * 37) % 11 for i in range(len(TERRITORIAL_FORCES))]
    per_month = rows / months
    written = 0
    for k, month in enumerate(months_from((2019, 4), months)):
        folder = root / month
        folder.mkdir(parents=True, exist_ok=True)
        for i, force in enumerate(TERRITORIAL_FORCES):
            n = int(per_month * sizes[i] / sum(sizes))
            h = pl.int_range(n, eager=True).hash(k * 1000 + i)
            pick = sum(((h % total) >= b).cast(pl.Int32) for b in bounds[:-1])
            frame = pl.DataFrame({"h": h, "pick": pick}).with_columns(
                pl.col("pick").replace_strict(list(range(len(names))), names).alias("ct")
            )
            asb = pl.col("ct") == "Anti-social behaviour"
            frame = frame.select(
                pl.when(asb).then(None).otherwise(
                    pl.format("{}{}{}", pl.col("h"), pl.col("h").hash(1), pl.col("h").hash(2))
                ).alias("Crime ID"),
                pl.lit(month).alias("Month"),
                pl.lit(force.police_uk_name).alias("Reported by"),
                pl.lit(force.police_uk_name).alias("Falls within"),
                (-(pl.col("h") % 300000).cast(pl.Float64) / 100000 - 0.5).round(6)
                .alias("Longitude"),
                ((pl.col("h") % 400000).cast(pl.Float64) / 100000 + 50.5).round(6)
                .alias("Latitude"),
                pl.format("On or near Street {}", pl.col("h") % 5000).alias("Location"),
                pl.format("E0100{}", pl.col("h") % 9000 + 1000).alias("LSOA code"),
                pl.format("{} {}", pl.lit(force.name), pl.col("h") % 300).alias("LSOA name"),
                pl.col("ct").alias("Crime type"),
                pl.when(asb).then(None).otherwise(
                    pl.lit(OUTCOMES[(i + k) % len(OUTCOMES)])
                ).alias("Last outcome category"),
                pl.lit(None, pl.String).alias("Context"),
            )
            frame.write_csv(folder / f"{month}-{force.slug}-street.csv")
            written += n
    return written


# The measured programs (each runs in its own subprocess) ---------------------------------------


# every implementation reports the rows it counted in complete quarters of every force (the
# import keeps forces outside the config for the national picture), to check they agree


def child_bare(folders: list[str]) -> Callable[[], int]:
    import polars as pl

    pattern = [f"{folder}/*.csv" for folder in folders]
    return lambda: pl.scan_csv(pattern).select(pl.len()).collect().item()


def child_parse(folders: list[str]) -> Callable[[], int]:
    import polars as pl

    files = sorted(str(p) for folder in folders for p in Path(folder).glob("*.csv"))
    return lambda: pl.scan_csv(files, infer_schema=False).select(
        pl.col("Crime type").null_count()
    ).collect(engine="streaming").item()


def child_pcp(folders: list[str], *, hash_sources: bool) -> Callable[[], int]:
    from pcp_tui.config import load_config
    from pcp_tui.importers.police_uk import import_police_uk

    config = load_config(ROOT / "config.toml")

    def work() -> int:
        result = import_police_uk(folders, config, hash_sources=hash_sources)
        counts = result.context["crime_types"]
        return int(counts.get_column("count").sum()) if not result.problems else -1

    return work


def child_pcp_cached(folders: list[str]) -> Callable[[], int]:
    from pcp_tui.config import load_config
    from pcp_tui.importers.digests import CACHE_NAME, DigestCache
    from pcp_tui.importers.police_uk import import_police_uk

    config = load_config(ROOT / "config.toml")
    cache_path = Path(tempfile.mkdtemp(prefix="pcp-digests-")) / CACHE_NAME
    earlier = DigestCache(cache_path)  # an earlier import's digests, before the clock starts
    for folder in folders:
        for path in sorted(Path(folder).glob("*.csv")):
            earlier.digest(path)
    earlier.save()

    def work() -> int:
        cache = DigestCache(cache_path)
        result = import_police_uk(folders, config, digest_cache=cache)
        assert cache.misses == 0, "the digests were not reused"
        counts = result.context["crime_types"]
        return int(counts.get_column("count").sum()) if not result.problems else -1

    return work


def child_duckdb(folders: list[str]) -> Callable[[], int]:
    import re

    import duckdb

    files = sorted(str(p) for folder in folders for p in Path(folder).glob("*-street.csv"))
    name = re.compile(r"(\d{4})-(\d{2})-(.+)-street\.csv$")
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")

    def work() -> int:
        rows = connection.execute(
            'SELECT filename, "Crime type", count(*) FROM read_csv(?, all_varchar = true, '
            'filename = true, header = true) GROUP BY ALL', [files]
        ).fetchall()
        months: dict[tuple[str, str], set[str]] = {}
        counts: dict[tuple[str, str], int] = {}
        for path, _crime_type, n in rows:
            match = name.search(path)
            year, month, force = int(match.group(1)), int(match.group(2)), match.group(3)
            fy = year if month >= 4 else year - 1
            quarter = f"{fy}/{(fy + 1) % 100:02d} Q{(month - 4) % 12 // 3 + 1}"
            months.setdefault((force, quarter), set()).add(f"{year}-{month:02d}")
            counts[(force, quarter)] = counts.get((force, quarter), 0) + n
        return sum(n for key, n in counts.items() if len(months[key]) == 3)

    return work


def child_pandas(folders: list[str]) -> Callable[[], int]:
    import re

    import pandas as pd

    name = re.compile(r"(\d{4})-(\d{2})-(.+)-street\.csv$")

    def work() -> int:
        parts = []
        for folder in folders:
            for path in sorted(Path(folder).glob("*-street.csv")):
                match = name.search(path.name)
                year, month, force = int(match.group(1)), int(match.group(2)), match.group(3)
                frame = pd.read_csv(path, usecols=["Crime type"], dtype=str)
                counts = frame["Crime type"].value_counts().rename("count").reset_index()
                fy = year if month >= 4 else year - 1
                counts["force"] = force
                counts["quarter"] = f"{fy}/{(fy + 1) % 100:02d} Q{(month - 4) % 12 // 3 + 1}"
                counts["month"] = f"{year}-{month:02d}"
                parts.append(counts)
        table = pd.concat(parts, ignore_index=True)
        months = table.groupby(["force", "quarter"])["month"].nunique()
        complete = months[months == 3].index
        quarterly = table.groupby(["force", "quarter", "Crime type"])["count"].sum()
        quarterly = quarterly[quarterly.index.droplevel("Crime type").isin(complete)]
        return int(quarterly.sum())

    return work


def run_child(kind: str, folders: list[str]) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, *folders]
    wrapped = [sys.executable, "-c", WRAPPER, *command]
    started = time.perf_counter()
    done = subprocess.run(wrapped, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    report = {}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            report = json.loads(line[len("RESULT "):])
        elif line.startswith("MAXRSS_KB "):
            report["peak_mb"] = int(line.split()[1]) / 1024
    report["wall"] = wall
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--dir", help="where to write the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--parts", default="0.5,1",
                        help="the parts of the months measured, smallest first (0.25,0.5,1)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measurement this many times; the fastest counts")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("folders", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        # imports and set-up happen before the clock starts: only the work is timed
        prepare = {
            "bare-scan": lambda: child_bare(args.folders),
            "parse-floor": lambda: child_parse(args.folders),
            "pcp-tui": lambda: child_pcp(args.folders, hash_sources=True),
            "pcp-tui-nohash": lambda: child_pcp(args.folders, hash_sources=False),
            "pcp-tui-cached": lambda: child_pcp_cached(args.folders),
            "duckdb": lambda: child_duckdb(args.folders),
            "pandas": lambda: child_pandas(args.folders),
        }
        work = prepare[args.child]()
        started = time.perf_counter()
        rows = work()
        print("RESULT " + json.dumps({"seconds": time.perf_counter() - started, "rows": rows}))
        return 0

    base = Path(args.dir) if args.dir else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    need = args.rows * BYTES_PER_ROW * 1.1
    free = shutil.disk_usage(base).free
    print(f"disk: {free / 1e9:.1f} GB free at {base}; the files need about {need / 1e9:.1f} GB")
    if free < need * 1.2:
        print("not enough disk space: use --rows to go smaller or --dir elsewhere")
        return 2
    if hasattr(os, "getloadavg"):
        print(f"load average at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    work = Path(tempfile.mkdtemp(prefix="pcp-police-uk-", dir=base))
    try:
        started = time.perf_counter()
        written = generate(work, args.rows, args.months)
        size = sum(p.stat().st_size for p in work.rglob("*.csv"))
        print(f"generated {written:,} rows in {args.months} months × 43 forces "
              f"({size / 1e9:.2f} GB) in {time.perf_counter() - started:.1f} s")
        months = sorted(p.name for p in work.iterdir())
        parts = sorted(float(p) for p in args.parts.split(","))
        inputs = {}  # label → the months measured
        for part in parts:
            chosen = months[: max(1, round(len(months) * part))]
            inputs[f"{len(chosen)}mo"] = chosen
        labels = list(inputs)
        largest, smallest = labels[-1], labels[0]
        results: dict[tuple[str, str], dict[str, float]] = {}
        kinds = [k for k in args.kinds.split(",") if k in KINDS]
        for label, chosen in inputs.items():
            folders = [str(work / m) for m in chosen]
            # the kinds take turns, round after round, so that a slower spell of the machine
            # falls on all of them rather than on whichever happened to run through it
            runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
            for _ in range(max(1, args.repeat)):
                for kind in kinds:
                    if kind in runs:
                        try:
                            runs[kind].append(run_child(kind, folders))
                        except subprocess.CalledProcessError as err:
                            last = (err.stderr or "").strip().splitlines()[-1:] or ["failed"]
                            print(f"{label:5} {kind:15} left out: {last[0]}", flush=True)
                            del runs[kind]
            for kind, done in runs.items():
                report = min(done, key=lambda r: r["seconds"])
                report["peak_mb"] = max(r["peak_mb"] for r in done)
                results[(label, kind)] = report
                print(f"{label:5} {kind:15} {report['seconds']:7.2f} s  "
                      f"peak {report['peak_mb']:7.0f} MB  rows {report['rows']:,}", flush=True)
        print()
        ran = [k for k in kinds if (largest, k) in results]
        print(f"{'input':6} " + " ".join(f"{k:>15}" for k in ran))
        for label in labels:
            print(f"{label:6} " + " ".join(
                f"{results[(label, k)]['seconds']:8.2f} s {results[(label, k)]['peak_mb']:4.0f}M"
                if (label, k) in results else f"{'':>15}" for k in ran))

        checks: dict[str, bool] = {}
        for label in labels:
            def seconds(kind: str, label: str = label) -> float | None:
                report = results.get((label, kind))
                return report["seconds"] if report else None

            parse = seconds("parse-floor")
            counted = {results[(label, k)]["rows"] for k in ran if (label, k) in results
                       and k not in ("bare-scan", "parse-floor")}
            checks[f"{label}: every implementation counts the same rows"] = len(counted) == 1
            for kind in ("pcp-tui", "pcp-tui-nohash", "pcp-tui-cached"):
                mine = seconds(kind)
                if mine is None:
                    continue
                if parse:
                    print(f"{label}: {kind}: {mine / parse:.2f}x the parse floor")
                    checks[f"{label}: {kind} within 1.25x of the parse floor"] = (
                        mine / parse <= 1.25)
                if seconds("duckdb"):
                    print(f"{label}: {kind}: {mine / seconds('duckdb'):.2f}x DuckDB")
                    checks[f"{label}: {kind} at least as fast as DuckDB"] = (
                        mine <= seconds("duckdb"))
                if seconds("pandas"):
                    print(f"{label}: {kind}: {seconds('pandas') / mine:.1f}x faster than pandas")
        if (largest, "pcp-tui") in results and (smallest, "pcp-tui") in results \
                and largest != smallest:
            big_mb = results[(largest, "pcp-tui")]["peak_mb"]
            small_mb = results[(smallest, "pcp-tui")]["peak_mb"]
            checks[f"peak memory flat from {smallest} to {largest}"] = big_mb <= 1.25 * small_mb
        for name, ok in checks.items():
            print(f"{'PASS' if ok else 'MISS'}  {name}")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"(load average {load:.1f} on {os.cpu_count()} CPUs: other work on the machine "
              "slows every measurement)")
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
