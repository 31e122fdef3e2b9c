"""Where each KPI's figures come from: the publication, the file and its edition, the latest
quarter each gives, and whether it is real published data or the illustrative sample.

A return written by `pcp-tui import` has a `<file>.provenance.json` sidecar naming the
publication, the source files and their editions; the bundled sample says it is the sample
(`provenance`); any other file is an analyst's own return. Only the files whose figures are
loaded count: a return wholly restated by a later one gives no figure and is not listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.dataset import Observations
from pcp_tui.periods import Quarter
from pcp_tui.provenance import illustrative_files

PUBLISHED, SAMPLE, RETURN = "published", "sample", "return"
KIND_WORDS = {PUBLISHED: "published release", SAMPLE: "illustrative sample",
              RETURN: "analyst's return"}


@dataclass(frozen=True)
class SourceUse:
    """One source of a KPI's figures: an import of a publication, the analysts' returns, or
    the sample; `file` is the one giving the latest quarter, `files` all of them."""

    kind: str  # PUBLISHED, SAMPLE or RETURN
    origin: str  # the importer (`ho-workforce`), `illustrative sample` or `analyst's return`
    publication: str  # the publication in words, for an import; else ""
    file: str
    editions: tuple[str, ...]  # the editions the import read, oldest first
    first: Quarter
    latest: Quarter
    forces: int
    files: tuple[str, ...] = ()

    @property
    def edition(self) -> str:
        """The editions in a few words: one, two, or the first and last of many."""
        if not self.editions:
            return ""
        if len(self.editions) <= 2:
            return ", ".join(self.editions)
        return f"{len(self.editions)} editions, {self.editions[0]} to {self.editions[-1]}"


@dataclass(frozen=True)
class KpiSources:
    kpi: str
    title: str
    plan_source: str  # the source the plan names for the KPI
    uses: tuple[SourceUse, ...]  # latest first

    @property
    def real(self) -> bool:
        """Some of its figures are real published data."""
        return any(u.kind == PUBLISHED for u in self.uses)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in (PUBLISHED, RETURN, SAMPLE) if any(u.kind == k
                                                                   for u in self.uses))


@lru_cache(maxsize=256)
def _sidecar(path: str, size: int, mtime: float) -> dict[str, Any] | None:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def provenance_of(file: str | Path) -> dict[str, Any] | None:
    """The `<file>.provenance.json` an import wrote beside the return, if any (and readable)."""
    path = Path(f"{file}.provenance.json")
    try:
        stat = path.stat()
    except OSError:
        return None
    return _sidecar(str(path), stat.st_size, stat.st_mtime)


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def kpi_sources(config: Config, obs: Observations) -> list[KpiSources]:
    """Every KPI of the plan, in its order, with the files its loaded figures come from."""
    sample = set(illustrative_files(obs.files))
    origin_of: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
    for file in obs.frame.get_column("file").unique().to_list():
        document = provenance_of(file)
        if file in sample:
            origin_of[file] = (SAMPLE, KIND_WORDS[SAMPLE], "", ())
        elif document is not None:
            origin_of[file] = (PUBLISHED, str(document.get("importer") or "import"),
                               str(document.get("source") or ""),
                               _texts(document.get("editions")))
        else:
            origin_of[file] = (RETURN, KIND_WORDS[RETURN], "", ())
    by_kpi: dict[str, list[SourceUse]] = {}
    if not obs.frame.is_empty():
        frame = obs.frame.with_columns(
            pl.col("file").replace_strict({f: "\x1f".join(o[:3]) for f, o in origin_of.items()},
                                          return_dtype=pl.Utf8).alias("_origin"))
        spans = frame.sort("period").group_by("kpi", "_origin").agg(
            pl.col("period").min().alias("first"), pl.col("period").max().alias("latest"),
            pl.col("force").n_unique().alias("forces"),
            pl.col("file").last().alias("file"),  # the file of the latest quarter
            pl.col("file").unique(maintain_order=True).alias("files"),
        ).sort("latest", "_origin", descending=[True, False])
        for kpi, _, first, latest, forces, file, files in spans.iter_rows():
            kind, origin, publication, _ = origin_of[file]
            editions = tuple(dict.fromkeys(e for f in files for e in origin_of[f][3]))
            by_kpi.setdefault(kpi, []).append(SourceUse(
                kind, origin, publication, file, editions, Quarter.from_date(first),
                Quarter.from_date(latest), forces, tuple(files),
            ))
    return [KpiSources(k.id, k.title, k.source, tuple(by_kpi.get(k.id, ())))
            for k in config.framework.kpis]


def source_counts(sources: list[KpiSources]) -> dict[str, int]:
    """How many KPIs have figures of each kind (a KPI may count under several), and none."""
    counts = {kind: sum(kind in s.kinds for s in sources) for kind in (PUBLISHED, RETURN,
                                                                      SAMPLE)}
    counts["none"] = sum(not s.uses for s in sources)
    return counts


def sources_document(sources: list[KpiSources]) -> list[dict[str, Any]]:
    """The sources as JSON-ready records, for `sources --format json` and `validate`."""
    return [
        {"kpi": s.kpi, "title": s.title, "plan_source": s.plan_source, "real": s.real,
         "sources": [
             {"kind": u.kind, "origin": u.origin, "publication": u.publication,
              "file": Path(u.file).name, "path": u.file, "files": len(u.files),
              "editions": list(u.editions),
              "first": u.first.label, "latest": u.latest.label, "forces": u.forces}
             for u in s.uses
         ]}
        for s in sources
    ]
