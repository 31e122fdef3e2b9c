"""A large file is checked in bounded memory: streamed in batches, problems capped."""

from __future__ import annotations

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
    path = tmp_path / f"dump-{rows}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Crime ID,Month,Falls within,Crime type,kpi,value\n")
        handle.writelines(
            f"id{i},2021-07,West Midlands Police,Burglary,burglary,1\n" for i in range(rows))
    code = LOAD.format(root=str(ROOT), config=str(ROOT / "config.toml"), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    path.unlink()
    return out[0], int(out[1])


def test_peak_memory_does_not_grow_with_the_file(tmp_path):
    small_summary, small = peak_rss_kb(tmp_path, 100_000)
    large_summary, large = peak_rss_kb(tmp_path, 400_000)
    # every row is reported (a header problem per unknown column, one per row), 1,000 listed
    assert small_summary.startswith("99,003 more problems")
    assert large_summary.startswith("399,003 more problems")
    # four times the rows, the same peak within 40 MB (batches of 100,000 rows at most)
    assert large - small < 40 * 1024, (small, large)
