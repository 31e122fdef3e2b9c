"""A large file is checked in bounded memory: streamed in batches, problems capped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOAD = """
import resource, sys
sys.path.insert(0, {root!r})
from pcp_tui.config import load_config
from pcp_tui.dataset import MAX_PROBLEMS_PER_FILE, load_observations
config = load_config({config!r})
obs = load_observations([{path!r}], config)
assert len(obs.problems) == MAX_PROBLEMS_PER_FILE + 1, len(obs.problems)
print(obs.problems[-1].found)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kb(tmp_path: Path, rows: int) -> tuple[str, int]:
    # an export of street-level records dropped into data/ by mistake: every row is wrong
    from pcp_tui.reading import SNIFF_BYTES

    path = tmp_path / f"dump-{rows}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Crime ID,Month,Falls within,Crime type,kpi,value\n")
        handle.writelines(
            f"id{i},2021-07,West Midlands Police,Burglary,burglary,1\n" for i in range(rows))
    # streamed in batches, not read whole (as a file smaller than the encoding's sample is)
    assert path.stat().st_size > SNIFF_BYTES
    code = LOAD.format(root=str(ROOT), config=str(ROOT / "config.toml"), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    path.unlink()
    return out[0], int(out[1])


def test_peak_memory_does_not_grow_with_the_file(tmp_path):
    small_summary, small = peak_rss_kb(tmp_path, 160_000)
    large_summary, large = peak_rss_kb(tmp_path, 400_000)
    # every row is reported (a header problem per unknown column, one per row), 1,000 listed
    assert small_summary.startswith("159,003 more problems")
    assert large_summary.startswith("399,003 more problems")
    # two and a half times the rows, the same peak within 40 MB (batches of 100,000 rows at most)
    assert large - small < 40 * 1024, (small, large)


VALIDATE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "pcp_tui", "validate", "--no-color",
                       "--config", sys.argv[1], "--data", sys.argv[2]],
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
last = [line for line in done.stdout.splitlines() if "more problems" in line]
print(done.returncode, last[0].split()[0] if last else "-", done.stderr[-300:].replace("\\n", " "))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def validate_peak_kb(path: Path) -> tuple[str, int]:
    """Peak memory of `pcp-tui validate` on one file, in a fresh process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", VALIDATE, str(ROOT / "config.toml"), str(path)],
                         capture_output=True, text=True, check=True, env=env).stdout.splitlines()
    return out[0], int(out[1])


def repeated_rows(path: Path, megabytes: int) -> Path:
    # one good row and then the same row again, over and over: every repeat is reported
    line = "residential-burglary,West Midlands,2019/20 Q1,100\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("kpi,force,period,value\n")
        for _ in range(megabytes * 1_000_000 // len(line) // 10_000):
            handle.write(line * 10_000)
    return path


def test_peak_memory_of_validate_does_not_grow_with_repeated_rows(tmp_path):
    small_summary, small = validate_peak_kb(repeated_rows(tmp_path / "small.csv", 20))
    large_summary, large = validate_peak_kb(repeated_rows(tmp_path / "large.csv", 40))
    assert small_summary.startswith("1 398,999 "), small_summary
    assert large_summary.startswith("1 798,999 "), large_summary
    # twice the rows, the same peak within 64 MB (every row held, it was 300 MB more)
    assert large - small < 64 * 1024, (small, large)
