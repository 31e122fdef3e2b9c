"""The canonical frame's columns and types, the columns a return may carry, and the cell texts
read as missing data (`..`, `n/a`, `–`).
"""

from __future__ import annotations

import polars as pl

MISSING_TOKENS = ("", "..", "-", "–", "—", "+", ".", "na", "n/a", "null", "none", ":", "x", "*")
NUMERIC_COLUMNS = ("value", "value_12m", "numerator", "denominator", "lower", "upper")
# columns a return may carry to describe its KPI (a template writes them); never read as data
DESCRIPTIVE_COLUMNS = ("title", "unit", "measure", "needs")
KNOWN_COLUMNS = ("kpi", "force", "period", *NUMERIC_COLUMNS, "status", "note",
                 *DESCRIPTIVE_COLUMNS)
CANONICAL_SCHEMA: dict[str, pl.DataType] = {
    "kpi": pl.Utf8(),
    "force": pl.Utf8(),
    "period": pl.Date(),
    "value": pl.Float64(),
    "value_12m": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "status": pl.Utf8(),
    "file": pl.Utf8(),
}


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=CANONICAL_SCHEMA)
