"""The police.uk monthly archive → quarterly counts and rates by force.

The archive holds one folder per month and, for each force, up to three CSV files:
`2019-06/2019-06-west-midlands-street.csv` (street-level crime and anti-social behaviour),
`…-outcomes.csv` and `…-stop-and-search.csv`. National archives run to tens of millions of rows,
so the files are never loaded whole: Polars scans them lazily (all columns as text), keeps only
the columns a count needs, aggregates per file in the streaming engine and hands back a few
thousand rows of counts, which the rest of the import works on.

What becomes a KPI (through the `[import.police_uk]` mapping):

- street crime types whose police.uk category matches a plan KPI (anti-social behaviour,
  shoplifting, theft from the person) → quarterly counts. Categories that mix what the plan
  keeps apart (Drugs, Robbery, Vehicle crime, Burglary) are listed as unmapped, never forced;
- stop and search: section 60 searches (count); the positive outcome rate of reasonable-grounds
  searches (numerator/denominator); the share of reasonable-grounds searches whose object is an
  offensive weapon (numerator/denominator).

Definitions (also written into the provenance):

- reasonable-grounds search: a search under any power except the no-suspicion ones (section 60
  of the Criminal Justice and Public Order Act 1994, section 47A of the Terrorism Act 2000);
  searches with no legislation recorded are counted in context only;
- positive outcome: each outcome of every year is named in the mapping as negative ("Nothing
  found - no further action", "A no further action disposal") or positive (arrest, summons,
  caution, penalty notice, drugs warning, community resolution, in their 2015 and later
  spellings); searches with no outcome recorded (blank, "Details not available") are left out
  of the rate, and an outcome in neither list is reported with its count and counted on
  neither side;
- a quarter is a value only when all three of its months are present for that force (a month is
  present when its file exists and has at least one row); part quarters are Problems, not values.

The first archive layout (2010-2011: `Easting,Northing`, no Crime ID, LSOA or outcome) is read
with the crime types of that time through `[import.police_uk.layout_2011]` ("Violent crime",
"Other crime", …): anti-social behaviour is the same count as later; shoplifting and theft from
the person were inside "Other crime", so a quarter read from these files has no value for them.

The force of a row is the force whose file it is in (the recording force, as in the Home Office
figures: British Transport Police crimes stay with BTP even though `Falls within` names the
territorial force). The month is the file's month from the archive's file name. Files not named
as the archive names them fall back on the `Reported by` (or `Falls within`) and `Month` (or
`Date`) columns. A search counts in the month of its `Date` in UK time (the times are UTC, so
a search at 00:30 BST on 1 April is written 31 March 23:30): the searches a file carries from
the month before count there, without making that month present or absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.importers.digests import DigestCache
from pcp_tui.importers.mapping import police_uk_mapping
from pcp_tui.importers.police_uk_files import OUTCOMES, SEARCH, STREET, Run, discover, hash_all
from pcp_tui.importers.police_uk_rows import (
    complete_quarters,
    stop_search_rows,
    street_crime_rows,
    unmapped_outcomes,
)
from pcp_tui.importers.police_uk_scan import BATCH_BYTES, aggregate
from pcp_tui.importers.progress import ProgressCallback, no_progress
from pcp_tui.importers.returns import (
    ImportResult,
    Provenance,
    SourceFile,
    Unmapped,
    now_utc,
    return_frame,
    sorted_problems,
)

__all__ = ["import_police_uk"]


def import_police_uk(
    paths: str | Path | Sequence[str | Path],
    config: Config,
    mapping: Any = None,
    *,
    progress: ProgressCallback | None = None,
    hash_sources: bool = True,
    batch_bytes: int = BATCH_BYTES,
    digest_cache: DigestCache | None = None,
) -> ImportResult:
    """Read police.uk archive files (or folders of them, searched recursively).

    `mapping` is the `[import.police_uk]` table of the config (None: the defaults in
    `pcp_tui.importers.mapping`). `hash_sources` records each file's sha256 in the provenance,
    computed in a background thread while the files are scanned, so `progress` may be called
    from that thread too. Files are scanned in batches of about `batch_bytes`, one progress step
    each. `digest_cache` reuses the sha256 of files unchanged (same size and modification time)
    since an earlier import and is saved afterwards. Anything wrong in a file is a Problem;
    nothing in the files raises.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = Run(config, police_uk_mapping(mapping, config.framework))
    progress = progress or no_progress
    files = discover(paths, run)
    outcomes = [f for f in files if f.kind == OUTCOMES]
    if outcomes:
        run.notes.append(f"{len(outcomes)} outcomes files were not read: no KPI here is "
                         "built from crime outcomes")
    street = [f for f in files if f.kind == STREET]
    search = [f for f in files if f.kind == SEARCH]
    hashes: Future[dict[str, str]] | None = None
    pool = ThreadPoolExecutor(max_workers=1) if hash_sources else None
    if pool is not None:
        hashes = pool.submit(hash_all, [f.path for f in street + search], progress,
                             digest_cache or DigestCache())
    try:
        total_mb = sum(f.size for f in street + search) / 1e6
        done = [0.0]

        def step(nbytes: int) -> None:
            done[0] += nbytes / 1e6
            progress("police.uk files read (MB)", round(done[0], 1), round(total_mb, 1))

        progress("police.uk files read (MB)", 0, round(total_mb, 1))
        street_counts = aggregate(STREET, street, run, batch_bytes, step)
        search_counts = aggregate(SEARCH, search, run, batch_bytes, step)
        digests = hashes.result() if hashes is not None else {}
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if digest_cache is not None and hash_sources:
        digest_cache.save()

    rows: list[dict[str, Any]] = []
    context: dict[str, pl.DataFrame] = {}
    unmapped: list[Unmapped] = []
    if street_counts is not None:
        quarters = complete_quarters(STREET, street_counts, run)
        street_rows, crime_types, street_unmapped = street_crime_rows(street_counts, quarters, run)
        rows += street_rows
        context["crime_types"] = crime_types
        unmapped += street_unmapped
    if search_counts is not None:
        quarters = complete_quarters(SEARCH, search_counts, run)
        search_rows, search_context = stop_search_rows(search_counts, quarters, run)
        rows += search_rows
        context.update(search_context)
        unmapped += unmapped_outcomes(search_counts, run)

    months = sorted({f.month for f in street + search if f.month is not None})
    provenance = Provenance(
        importer="police-uk",
        source="police.uk open data archive (street-level crime and stop and search; "
               "Open Government Licence v3.0)",
        files=tuple(
            SourceFile(str(f.path), digests.get(str(f.path)), f.size,
                       f"{f.month:%Y-%m}" if f.month else "", f"{f.kind}, {f.slug or '?'}")
            for f in street + search
        ),
        imported_at=now_utc(),
        editions=(f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}",) if months else (),
        definitions=DEFINITIONS,
        mapping=run.mapping.raw,
    )
    return ImportResult(
        frame=return_frame(rows),
        problems=sorted_problems(run.problems),
        provenance=provenance,
        unmapped=tuple(sorted(unmapped, key=lambda u: u.label)),
        context=context,
        notes=tuple(run.notes),
        skipped_forces=tuple(sorted(run.skipped)),
    )


DEFINITIONS = {
    "force": "the force whose file a row is in (the recording force); files not named as the "
             "archive names them: `Reported by`, else `Falls within`",
    "month": "the month in the archive file name; files not so named: `Month` / `Date`. A "
             "search counts in the month of its `Date` in UK time (Europe/London) when that is "
             "its file's month or the month before; a month is present only through its own "
             "file",
    "complete quarter": "all three months present for the force: a month is present when its "
                        "file has at least one row; part quarters give no value",
    "reasonable-grounds search": "any legislation except section 60 of the Criminal Justice and "
                                 "Public Order Act 1994 and section 47A of the Terrorism Act "
                                 "2000; searches with no legislation recorded are left out",
    "positive outcome": "an outcome in positive_outcomes of [import.police_uk.stop_search] "
                        "(arrest, summons, caution, penalty notice, drugs warning, community "
                        "resolution), of those in positive_outcomes or negative_outcomes "
                        "('Nothing found - no further action', 'A no further action "
                        "disposal'); outcomes in neither list are reported and left out, as are "
                        "searches with no outcome recorded (blank, 'Details not available')",
    "2011 layout": "street files with Easting and Northing and no Crime ID are read with the "
                   "crime types of that time ([import.police_uk.layout_2011]); a KPI none of "
                   "them counts on its own gets no value for a quarter read from them",
    "offensive weapon share": "reasonable-grounds searches whose object of search is "
                              "'Offensive weapons', of those with an object recorded",
    "ethnicity": "self-defined ethnicity, grouped by its first part (White, Black, Asian, "
                 "Mixed, Other); blank or 'Not stated' is Not stated",
}
