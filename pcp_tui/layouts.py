"""Layouts declared in the config, for returns whose headers the loader cannot read alone.

Detection (`wide.py`, and the header search under title rows in `reading.py`) reads most
trackers. Some it cannot: the KPI column is headed `Measure`, the header sits under a title row
that itself looks like a header, the force is given once for the whole file or sheet. For those
the config says how the file is laid out:

```toml
[[data.layout]]
files = "trackers/*.xlsx"   # matched against the end of the file's path
sheet = "WMP"               # optional: this sheet only (else every sheet whose header it finds)
layout = "wide"             # "wide" (a column per quarter or month) or "long"; else detected
header_row = 3              # the spreadsheet row of the header (else found by the KPI column)
kpi_column = "Measure"      # the heading of the column naming each KPI (its id or exact title)
force = "west-midlands"     # the force of every row; or force_column = "Area"
ignore_columns = ["RAG", "Owner"]
```

A declared layout is a promise about the file: where the file does not keep it (no such sheet,
no such heading in the header row, a column of a wide tracker that is not a quarter or a month),
that is a problem naming the file, sheet, row and column, and nothing of that file (or sheet) is
loaded: a file read half by its declared layout and half by guesswork would give wrong figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

LAYOUT_KEYS = {
    "files", "sheet", "layout", "header_row", "kpi_column", "force_column", "force",
    "ignore_columns",
}
LAYOUTS = ("wide", "long")
MAX_HEADER_ROW = 1_048_576  # the last row of an Excel sheet


@dataclass(frozen=True, slots=True)
class DeclaredLayout:
    """One `[[data.layout]]` entry; `where` names it in messages (`data.layout[0]`)."""

    files: str
    where: str
    layout: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    kpi_column: str | None = None
    force_column: str | None = None
    force: str | None = None  # a force id
    ignore_columns: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """How a problem names it: `the layout in the config (data.layout[0])`."""
        return f"the layout in the config ({self.where})"

    def matches(self, path: str | PurePath) -> bool:
        """The file is one this entry is for: the glob matches the end of its path."""
        try:
            return PurePath(path).match(self.files)
        except ValueError:  # an empty pattern; refused by the config already
            return False

    def is_kpi_heading(self, cell: str) -> bool:
        return self.kpi_column is not None and same_heading(cell, self.kpi_column)

    def ignores(self, cell: str) -> bool:
        return any(same_heading(cell, name) for name in self.ignore_columns)


def same_heading(a: str, b: str) -> bool:
    """Headings compare as an analyst reads them: case and runs of spaces do not matter."""
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def for_file(layouts: Sequence[DeclaredLayout], path: str | PurePath) -> list[DeclaredLayout]:
    """The entries for this file, in the config's order."""
    return [layout for layout in layouts if layout.matches(path)]


def for_sheet(layouts: Iterable[DeclaredLayout], sheet: str | None) -> DeclaredLayout | None:
    """The entry for one sheet (None for a CSV): the first naming it, else the first naming
    no sheet."""
    layouts = list(layouts)
    named = [layout for layout in layouts if layout.sheet is not None and sheet is not None
             and layout.sheet == sheet]
    whole = [layout for layout in layouts if layout.sheet is None]
    return (named or whole or [None])[0]


def read_layouts(
    reader: Any, table: Any, force_id: Callable[[str], str | None] | None,
) -> tuple[DeclaredLayout, ...]:
    """`[data]` and its `[[data.layout]]` entries, every problem reported through `reader`
    (the config's reader: `problem`, `unknown_keys`, `get`, `number`, `choice`, `texts`).

    `force_id` resolves a force as written (None when the settings could not be read, in which
    case a force is not checked here: the settings' own problems come first)."""
    if table is None:
        return ()
    if not isinstance(table, dict):
        reader.problem("data", "", f"found {type(table).__name__}; expected a [data] table "
                       "holding [[data.layout]] entries")
        return ()
    reader.unknown_keys(table, {"layout"}, "data")
    entries = table.get("layout", [])
    if not isinstance(entries, list):
        reader.problem("data", "layout", "found a single table; expected [[data.layout]] "
                       "entries (double brackets), one for each kind of file")
        return ()
    out: list[DeclaredLayout] = []
    for i, entry in enumerate(entries):
        where = f"data.layout[{i}]"
        if not isinstance(entry, dict):
            reader.problem(where, "", "expected a table with `files` and the layout's keys")
            continue
        before = len(reader.problems)
        reader.unknown_keys(entry, LAYOUT_KEYS, where)
        files = reader.get(entry, "files", str, where)
        if isinstance(files, str) and not files.strip():
            reader.problem(where, "files", "found an empty pattern; expected a file name or a "
                           "glob such as 'tracker*.xlsx' or 'trackers/*.csv'")
        layout = reader.choice(entry, "layout", LAYOUTS, where, required=False)
        text = {key: reader.get(entry, key, str, where, required=False)
                for key in ("sheet", "kpi_column", "force_column", "force")}
        for key in ("sheet", "kpi_column", "force_column"):
            if isinstance(text[key], str) and not text[key].strip():
                reader.problem(where, key, "found empty text; expected a heading as the file "
                               "writes it")
        header_row = reader.number(entry, "header_row", where, low=1, high=MAX_HEADER_ROW,
                                   required=False, whole=True)
        ignore = reader.get(entry, "ignore_columns", list, where, required=False, default=[])
        ignore = reader.texts(ignore, where, "ignore_columns")
        force = text["force"]
        if force is not None and text["force_column"] is not None:
            reader.problem(where, "force", "given with force_column; expected one of them: "
                           "`force` for a file (or sheet) of one force, `force_column` for a "
                           "column naming each row's force")
        if force is not None and force_id is not None:
            resolved = force_id(force)
            if resolved is None:
                reader.problem(where, "force", f"unknown force {force!r}; expected a force "
                               "of [forces] (its id, name or short name)")
            force = resolved
        if len(reader.problems) > before:
            continue
        out.append(DeclaredLayout(
            files=files, where=where, layout=layout, sheet=text["sheet"],
            header_row=header_row, kpi_column=text["kpi_column"],
            force_column=text["force_column"], force=force, ignore_columns=tuple(ignore),
        ))
    return tuple(out)
