"""The timeline labels its SPC cuts a few as-of quarters at a time; the batches change nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.rules import cuts
from pcp_tui.rules.assess import build_timeline

ROOT = Path(__file__).resolve().parents[1]


def test_batches_cover_every_quarter_once_in_order():
    as_of = pl.DataFrame({"as_of": list(range(10))}, schema={"as_of": pl.Int32})
    ordinals = pl.Series("_ord", [0, 1, 2, 2, 5], dtype=pl.Int32)
    batches = cuts.as_of_batches(as_of, ordinals)
    assert [q for b in batches for q in b.get_column("as_of").to_list()] == list(range(10))
    assert len(batches) == 1
    old = cuts.SPC_BATCH_ROWS
    try:
        cuts.SPC_BATCH_ROWS = 5
        batches = cuts.as_of_batches(as_of, ordinals)
    finally:
        cuts.SPC_BATCH_ROWS = old
    # points so far per as-of quarter: 1, 2, 4, 4, 4, 5, …; a run stops before passing 5
    assert [b.get_column("as_of").to_list() for b in batches] == [
        [0, 1], [2], [3], [4], [5], [6], [7], [8], [9]]


def test_small_batches_give_the_same_timeline(monkeypatch):
    config = load_config(ROOT / "config.toml")
    observations = load_observations(config.data_folder, config)
    whole = build_timeline(config, observations)
    monkeypatch.setattr(cuts, "SPC_BATCH_ROWS", 200)
    batched = build_timeline(config, observations)
    assert len(cuts.as_of_batches(
        pl.DataFrame({"as_of": [q.ordinal for q in whole.quarters]},
                     schema={"as_of": pl.Int32}),
        # every charted point is in the latest quarter's cut
        whole.points.filter(pl.col("as_of") == whole.latest.ordinal).get_column("_ord"))) > 1
    assert_frame_equal(batched.points, whole.points)
    assert_frame_equal(batched.status, whole.status)
