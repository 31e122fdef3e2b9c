"""A quarter's status rows by (kpi, force), read column by column only when asked for.

Turning every row of a national quarter (thousands of rows, a hundred columns) into a dict
costs more than a whole quarter step should; a view reads one row's fields from columns that
are each turned into a list once, when first read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl


class StatusRows:
    """`rows[(kpi, force)]` and `rows.get((kpi, force))` give a `RowView` of that row."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame
        self._columns: dict[str, list[Any]] = {}
        self._index: dict[tuple[str, str], int] | None = None

    @property
    def index(self) -> dict[tuple[str, str], int]:
        if self._index is None:
            keys = zip(self._frame.get_column("kpi").to_list(),
                       self._frame.get_column("force").to_list())
            self._index = {key: i for i, key in enumerate(keys)}
        return self._index

    def column(self, name: str) -> list[Any] | None:
        if name not in self._columns:
            if name not in self._frame.columns:
                return None
            self._columns[name] = self._frame.get_column(name).to_list()
        return self._columns[name]

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        position = self.index.get(key)
        return default if position is None else RowView(self, position)

    def __getitem__(self, key: tuple[str, str]) -> RowView:
        return RowView(self, self.index[key])

    def __contains__(self, key: object) -> bool:
        return key in self.index

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


class RowView:
    """One status row: `get(column)` and `row[column]`, as a dict of the row would give."""

    __slots__ = ("_rows", "_position")

    def __init__(self, rows: StatusRows, position: int) -> None:
        self._rows = rows
        self._position = position

    def get(self, name: str, default: Any = None) -> Any:
        values = self._rows.column(name)
        return default if values is None else values[self._position]

    def __getitem__(self, name: str) -> Any:
        values = self._rows.column(name)
        if values is None:
            raise KeyError(name)
        return values[self._position]

    def __bool__(self) -> bool:
        return True
