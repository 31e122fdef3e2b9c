"""Where the loaded figures come from: is any of it the bundled illustrative sample?

The sample's returns say so in their `note` column (written by scripts/make_sample_data.py);
every view that shows figures from them says so too, so a screenshot or a printout of the
sample is never mistaken for official statistics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SAMPLE_MARKER = "ILLUSTRATIVE SAMPLE DATA"
SAMPLE_WORDS = "Illustrative sample data, not official statistics"
_HEAD_BYTES = 4096  # the marker is on the first data row


@lru_cache(maxsize=64)
def _marked(path: str, size: int, mtime: float) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return False
    return SAMPLE_MARKER.encode() in head


def illustrative_files(files: Sequence[str | Path]) -> tuple[str, ...]:
    """The files among `files` that declare themselves the illustrative sample."""
    found = []
    for file in files:
        try:
            stat = Path(file).stat()
        except OSError:
            continue
        if _marked(str(file), stat.st_size, stat.st_mtime):
            found.append(str(file))
    return tuple(found)


def sample_notice(files: Sequence[str | Path]) -> str | None:
    """The words every view shows when the sample is loaded (None when it is not)."""
    return SAMPLE_WORDS if illustrative_files(files) else None


# The sources section of the board paper -------------------------------------------------------


@dataclass(frozen=True)
class SourceEdition:
    """One published file an import read: its name, edition and checksum."""

    name: str
    edition: str
    sha256: str


@dataclass(frozen=True)
class DataSource:
    """One loaded return: what it holds, where it came from, and whether it is illustrative."""

    name: str
    rows: int
    quarters: str  # `2019/20 Q1 to 2021/22 Q2`, or one quarter
    kpis: int
    illustrative: bool
    publication: str  # the sidecar's `source`, or "" for a return written by hand
    importer: str
    imported_at: str
    editions: tuple[SourceEdition, ...]
    problem: str = ""  # a sidecar that is there but cannot be read


def _sidecar(path: Path) -> tuple[dict[str, Any], str]:
    sidecar = path.with_name(path.name + ".provenance.json")
    try:
        raw = sidecar.read_bytes()
    except FileNotFoundError:
        return {}, ""
    except OSError as err:
        return {}, f"{sidecar.name} cannot be read ({err.strerror or err})"
    try:
        document = json.loads(raw[:4_000_000].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}, f"{sidecar.name} is not a provenance file (not JSON)"
    if not isinstance(document, dict):
        return {}, f"{sidecar.name} is not a provenance file (not a JSON object)"
    return document, ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def data_sources(files: Sequence[str | Path],
                 coverage: dict[str, tuple[int, str, int]]) -> tuple[DataSource, ...]:
    """Every loaded file, with the provenance sidecar an import left beside it.

    `coverage` maps a file to (rows, quarters in words, KPIs) of the rows loaded from it."""
    marked = set(illustrative_files(files))
    out = []
    for file in files:
        path = Path(file)
        document, problem = _sidecar(path)
        editions = []
        for entry in document.get("files") or ():
            if isinstance(entry, dict):
                editions.append(SourceEdition(
                    name=Path(_text(entry.get("path"))).name,
                    edition=_text(entry.get("edition")),
                    sha256=_text(entry.get("sha256"))[:12]))
        rows, quarters, kpis = coverage.get(str(file), (0, "", 0))
        out.append(DataSource(
            name=path.name, rows=rows, quarters=quarters, kpis=kpis,
            illustrative=str(file) in marked,
            publication=_text(document.get("source")),
            importer=_text(document.get("importer")),
            imported_at=_text(document.get("imported_at"))[:10],
            editions=tuple(editions), problem=problem))
    return tuple(out)
