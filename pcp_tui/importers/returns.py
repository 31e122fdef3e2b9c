"""What an importer hands back, and how it becomes a quarterly return in `data/`.

Every importer returns an `ImportResult`: a frame in the loader's return layout (one row per
KPI × force × quarter), the Problems found in the source files, the provenance of the import
(source files with their sha256, edition, time, tool version), the source categories that were
deliberately left unmapped, and any context tables that are not KPIs.

`write_return` writes the frame as a CSV return through a temporary file and a rename, so the
loader never sees half a file, beside a `<file>.provenance.json` sidecar; it refuses to replace
an existing return unless asked to.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui import __version__, records
from pcp_tui.dataset import Problem

# The loader's return columns, in the order they are written. `value_12m` holds a published
# 12-month figure ending with the quarter (ONS rolling tables); `value` is the quarter's own.
RETURN_COLUMNS = (
    "kpi", "force", "period", "value", "value_12m", "numerator", "denominator",
    "lower", "upper", "status", "note",
)
RETURN_SCHEMA: dict[str, pl.DataType] = {
    "kpi": pl.String(), "force": pl.String(), "period": pl.String(),
    "value": pl.Float64(), "value_12m": pl.Float64(),
    "numerator": pl.Float64(), "denominator": pl.Float64(),
    "lower": pl.Float64(), "upper": pl.Float64(),
    "status": pl.String(), "note": pl.String(),
}
NUMBER_COLUMNS = ("value", "value_12m", "numerator", "denominator", "lower", "upper")


class ReturnWriteError(Exception):
    """A return could not be written; the message says why."""


class ReturnExistsError(ReturnWriteError, FileExistsError):
    """The return (or its provenance sidecar) is already there and overwriting was not asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} already exists; pass overwrite=True (--force) to replace it")


class EmptyReturnError(ReturnWriteError):
    """The import produced no rows and no context tables, so there is nothing to write."""

    @classmethod
    def for_result(cls, result: ImportResult) -> EmptyReturnError:
        count = len(result.problems)
        return cls(
            f"the {result.provenance.importer} import produced no rows to write "
            f"({count} problem{'' if count == 1 else 's'} found; see them for why)"
        )


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file an import read."""

    path: str
    sha256: str | None
    bytes: int
    edition: str = ""  # `12 months ending June 2019`, `2019-06`, …
    detail: str = ""  # which sheets or what kind of file


@dataclass(frozen=True)
class Provenance:
    importer: str  # `ons-pfa`, `police-uk`
    source: str  # the publication, in words
    files: tuple[SourceFile, ...]
    imported_at: str  # ISO 8601, UTC
    tool_version: str = __version__
    editions: tuple[str, ...] = ()
    definitions: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the `note` column of a return's first row."""
        names = ", ".join(
            f"{Path(f.path).name} (sha256 {f.sha256[:12] if f.sha256 else 'not computed'})"
            for f in self.files[:3]
        )
        more = f" and {len(self.files) - 3} more files" if len(self.files) > 3 else ""
        if len(self.editions) > 2:
            editions = (f"; {len(self.editions)} editions, {self.editions[0]} to "
                        f"{self.editions[-1]}")
        else:
            editions = f"; editions: {', '.join(self.editions)}" if self.editions else ""
        return (
            f"Imported by pcp-tui {self.tool_version} {self.importer} at {self.imported_at} "
            f"from {self.source}: {names}{more}{editions}"
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = [asdict(f) for f in self.files]
        return data


@dataclass(frozen=True)
class Unmapped:
    """A source category that no KPI takes, and why."""

    table: str  # `Table P1`, `street crime types`, …
    label: str  # the category as the source names it (footnotes removed)
    reason: str


@dataclass(frozen=True)
class ImportResult:
    frame: pl.DataFrame  # RETURN_SCHEMA; `period` is a quarter label such as `2019/20 Q1`
    problems: tuple[Problem, ...]
    provenance: Provenance
    unmapped: tuple[Unmapped, ...] = ()
    context: dict[str, pl.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # things worth knowing that are not problems in the source
    skipped_forces: tuple[str, ...] = ()  # areas in the source that the config does not hold
    # rows of the source set aside, in words: regions, national totals, forces outside the config
    set_aside: tuple[str, ...] = ()
    name: str = ""  # the return's file name, when the importer names it (else suggested_name)

    @property
    def is_empty(self) -> bool:
        """No rows for the return and no context table with rows: nothing to write."""
        return self.frame.is_empty() and all(t.is_empty() for t in self.context.values())

    @property
    def quarters(self) -> tuple[str, ...]:
        """The quarters of the return's rows; of the context tables' `period` columns when
        the return has no rows (an import whose figures no KPI takes)."""
        from pcp_tui.periods import Quarter

        if not self.frame.is_empty():
            periods = set(self.frame.get_column("period").unique())
        else:
            periods = {
                p for t in self.context.values() if "period" in t.columns
                for p in t.get_column("period").drop_nulls().unique()
            }
        return tuple(q.label for q in sorted(Quarter.parse(p) for p in periods))

    def suggested_name(self) -> str:
        """`ons-pfa_2017-18_Q4_to_2019-20_Q3.csv`: the importer and the quarters covered."""
        from pcp_tui.periods import Quarter

        if self.name:
            return self.name
        quarters = [Quarter.parse(q) for q in self.quarters]
        if not quarters:
            return f"{self.provenance.importer}.csv"
        first, last = quarters[0].file_stem, quarters[-1].file_stem
        span = first if first == last else f"{first}_to_{last}"
        return f"{self.provenance.importer}_{span}.csv"


def empty_return() -> pl.DataFrame:
    return pl.DataFrame(schema=RETURN_SCHEMA)


def return_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Rows (dicts with any subset of the return columns) → a frame in RETURN_SCHEMA."""
    rows = list(rows)
    if not rows:
        return empty_return()
    data = {name: [row.get(name) for row in rows] for name in RETURN_COLUMNS}
    return pl.DataFrame(data, schema=RETURN_SCHEMA).sort(["kpi", "force", "period"])


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# Writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenReturn:
    path: Path | None  # None: no KPI took the figures, and only the context tables are written
    provenance_path: Path
    context_paths: tuple[Path, ...]
    rows: int


def write_return(
    result: ImportResult, out: str | Path, *, overwrite: bool = False,
) -> WrittenReturn:
    """Write `result` as a quarterly return CSV with a `.provenance.json` sidecar.

    `out` is a folder (the file is named by `ImportResult.suggested_name`) or a `.csv` path.
    Context tables go to `<stem>.context/` beside it: a subfolder, so the loader, which reads
    only the files directly inside `data/`, never mistakes them for returns. Every file is
    written to a temporary file in the same folder and renamed into place. An existing return
    is kept, and ReturnExistsError raised, unless `overwrite` is true. A result with context
    tables but no rows (figures that no KPI takes) writes the context tables and the sidecar
    only; `WrittenReturn.path` is then None. A result with neither raises EmptyReturnError.
    """
    if result.is_empty:
        raise EmptyReturnError.for_result(result)
    path, provenance_path, context_dir, context_targets = _targets(result, out)
    if not overwrite:
        check_targets([result], out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ReturnWriteError(f"cannot create {path.parent}: {err.strerror or err}") from None

    written: Path | None = path
    if result.frame.is_empty():  # context tables only
        written, rows = None, 0
    else:
        frame = _with_provenance_note(result, provenance_path.name)
        _replace_atomically(path, _csv_bytes(frame), overwrite=overwrite)
        rows = frame.height
    document = {
        **result.provenance.as_json(),
        "return_file": written.name if written is not None else None,
        "rows": rows,
        "quarters": list(result.quarters),
        "problems": [str(p) for p in result.problems],
        "unmapped": [asdict(u) for u in result.unmapped],
        "notes": list(result.notes),
        "skipped_forces": list(result.skipped_forces),
        "set_aside": list(result.set_aside),
        "context_files": [str(p.relative_to(path.parent)) for p in context_targets],
    }
    text = records.dumps(document)
    _replace_atomically(provenance_path, text.encode("utf-8"), overwrite=True)
    if context_targets:
        context_dir.mkdir(exist_ok=True)
    for name, target in zip(sorted(result.context), context_targets):
        _replace_atomically(target, _csv_bytes(result.context[name]), overwrite=True)
    return WrittenReturn(written, provenance_path, tuple(context_targets), rows)


def _targets(result: ImportResult, out: str | Path) -> tuple[Path, Path, Path, list[Path]]:
    """The return, its provenance sidecar, the context folder and the context files."""
    out = Path(out)
    if out.suffix.lower() == ".csv" and not out.is_dir():
        path = out
    else:
        path = out / result.suggested_name()
    provenance_path = path.with_name(path.name + ".provenance.json")
    context_dir = path.with_name(path.stem + ".context")
    context_targets = [context_dir / f"{name}.csv" for name in sorted(result.context)]
    return path, provenance_path, context_dir, context_targets


def check_targets(results: Sequence[ImportResult], out: str | Path) -> None:
    """Raise ReturnExistsError when any file these results would write is already there, so
    that an import writing several returns writes all of them or none."""
    for result in results:
        path, provenance_path, _, context_targets = _targets(result, out)
        for target in (path, provenance_path, *context_targets):
            if target.exists():
                raise ReturnExistsError(target)


def _with_provenance_note(result: ImportResult, sidecar: str) -> pl.DataFrame:
    frame = result.frame.select(
        pl.col(name).cast(dtype) for name, dtype in RETURN_SCHEMA.items()
    )
    summary = f"{result.provenance.summary()}; full provenance in {sidecar}"
    first = frame.get_column("note")[0]
    note = summary if not first else f"{summary}. {first}"
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(note)).otherwise(pl.col("note"))
        .alias("note")
    )


def _csv_bytes(frame: pl.DataFrame) -> bytes:
    # whole numbers without a trailing `.0`, so a return reads like one an analyst would type
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_float():
            column = (
                pl.when(column.is_finite() & (column == column.round(0)) & (column.abs() < 1e15))
                .then(column.cast(pl.Int64).cast(pl.String))
                .otherwise(column.cast(pl.String))
                .alias(name)
            )
        columns.append(column)
    return frame.select(columns).write_csv().encode("utf-8")


def _replace_atomically(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write beside `path` and rename into place; without `overwrite`, never clobber."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if overwrite:
            os.replace(tmp, path)
        else:
            # a hard link fails if the target appeared meanwhile: no window for a clobber
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise ReturnExistsError(path) from None
            except OSError:  # a filesystem without hard links
                if path.exists():
                    raise ReturnExistsError(path) from None
                os.replace(tmp, path)
    except OSError as err:
        if isinstance(err, ReturnExistsError):
            raise
        raise ReturnWriteError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def sorted_problems(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.found)))
