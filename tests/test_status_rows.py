"""A quarter's status rows are read by (kpi, force) as a dict of the row would be."""

from __future__ import annotations

import polars as pl
import pytest

from pcp_tui.rules.status_rows import StatusRows


def test_a_row_view_reads_its_own_row_and_misses_like_a_dict():
    frame = pl.DataFrame({"kpi": ["a", "a", "b"], "force": ["x", "y", "x"],
                          "value": [1.0, None, 3.0]})
    rows = StatusRows(frame)
    assert list(rows) == [("a", "x"), ("a", "y"), ("b", "x")]
    assert len(rows) == 3 and ("b", "x") in rows and ("b", "y") not in rows
    assert rows[("b", "x")]["value"] == 3.0
    assert rows[("a", "y")].get("value", 9) is None  # a null is a value, not a miss
    assert rows[("a", "x")].get("no such column", 9) == 9
    assert rows.get(("b", "y")) is None and rows.get(("b", "y"), {}) == {}
    assert bool(rows[("a", "y")])
    with pytest.raises(KeyError):
        rows[("a", "x")]["no such column"]
