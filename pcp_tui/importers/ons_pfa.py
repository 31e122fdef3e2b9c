"""ONS "Crime in England and Wales: Police Force Area data tables" → a quarterly return.

Each edition is a workbook of rolling 12-month figures ("year ending June 2019"). The importer
reads, from every edition it is given:

- Table P1 (police recorded crime by offence group, numbers): each mapped offence group becomes
  a `value_12m` at the edition's quarter (12 months ending June 2019 → `2019/20 Q1`);
- Table P4 (knife or sharp instrument offences): the number of offences involving a knife for
  each mapped column group, likewise;
- the anti-social behaviour incidents table (March editions): incidents by financial year,
  each a `value_12m` at that year's Q4.

Rolling figures never go into `value`, which holds a quarter's own count.

What the published tables do that this reader copes with: the header row at a different place in
each table, with a title row, a blank row and an `Area Code`/`Area Name` header (or, in some
tables, no area-code column at all); footnote marks glued to names (`Cheshire7`,
`North West 7,8`, `Residential burglary5,6`); missing cells written `..`, `-`, `+`, `.`, `NA`
or left blank, which stay missing and never become zero; labels renamed between editions; and
the West Midlands region and force sharing a name, told apart by area code (E12000005 region,
E23000014 force) or, where a table has no codes, by order (ONS lists a region before its
forces).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pcp_tui.config import Config
from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import REGIONS, force_by_name
from pcp_tui.importers.mapping import ons_pfa_mapping
from pcp_tui.importers.ons_pfa_edition import read_edition
from pcp_tui.importers.ons_pfa_tables import (
    Edition,
    Observation,
    Run,
    read_asb,
    read_knife,
    read_offence_groups,
    table_kind,
)
from pcp_tui.importers.progress import ProgressCallback, no_progress
from pcp_tui.importers.returns import (
    ImportResult,
    Provenance,
    SourceFile,
    now_utc,
    return_frame,
    sha256_of,
    sorted_problems,
)
from pcp_tui.periods import Quarter
from pcp_tui.workbooks import Grid, read_grids

__all__ = ["import_ons_pfa"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def import_ons_pfa(
    paths: str | Path | Sequence[str | Path],
    config: Config,
    mapping: Any = None,
    *,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read ONS PFA data-table workbooks (files, or folders of them) into a quarterly return.

    `mapping` is the `[import.ons_pfa]` table of the config (None: the defaults in
    `pcp_tui.importers.mapping`); a KPI id it names that the config lacks raises MappingError.
    Anything wrong in a workbook is a Problem; a workbook that cannot be read at all is one
    Problem and the others still import.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = Run(config, ons_pfa_mapping(mapping, config.framework))
    progress = progress or no_progress
    files = workbooks(paths, run.problems, "an ONS PFA data tables workbook or a folder of them")
    sources: list[SourceFile] = []
    editions: list[Edition] = []
    for order, path in enumerate(files):
        progress("ONS PFA tables", order, len(files))
        source = _import_workbook(path, order, run)
        if source is not None:
            sources.append(source[0])
            editions.append(source[1])
    progress("ONS PFA tables", len(files), len(files))

    rows = _resolve(run)
    unmapped = sorted(run.unmapped.values(), key=lambda u: (u.table, u.label))
    provenance = Provenance(
        importer="ons-pfa",
        source="ONS Crime in England and Wales: Police Force Area data tables "
               "(police recorded crime, Home Office; Crown copyright, OGL v3.0)",
        files=tuple(sources),
        imported_at=now_utc(),
        editions=tuple(e.label for e in sorted(editions, key=lambda e: e.quarter)),
        definitions={
            "value_12m": "the published 12-month figure ending with the quarter in `period`",
            "asb-incidents": "anti-social behaviour incidents in the financial year, at its Q4",
            "missing": "cells published as '..', '-', '+', '.', 'NA' or blank are left empty, "
                       "never zero",
        },
        mapping=run.mapping.as_toml_dict(),
    )
    return ImportResult(
        frame=return_frame(rows),
        problems=sorted_problems(run.problems),
        provenance=provenance,
        unmapped=tuple(unmapped),
        notes=tuple(run.notes),
        skipped_forces=tuple(sorted(run.skipped)),
        set_aside=_set_aside(run),
    )


def _set_aside(run: Run) -> tuple[str, ...]:
    """What the tables hold besides the config's forces, in words for the console."""
    regions = [name for code, name in REGIONS.items()
               if code.startswith("E12") and name in run.regions]
    lines = []
    if regions:
        lines.append(f"{len(regions)} English regions ({', '.join(regions)})")
    totals = [name for code, name in REGIONS.items()
              if not code.startswith("E12") and name in run.totals]
    if totals:
        lines.append("the totals for " + ", ".join(totals))
    for name in sorted(run.skipped):
        force = force_by_name(name)
        why = ("it has no police force area of its own" if force is not None and not force.code
               else "a police force area")
        lines.append(f"{name} ({why}; not among the config's [forces])")
    return tuple(lines)


# Files and workbooks -------------------------------------------------------------------------


def workbooks(paths: Sequence[str | Path], problems: list[Problem], expected: str) -> list[Path]:
    """The workbooks given, and those directly inside folders given (sorted by name); a path
    that is neither is a problem. The Home Office importers read their sources the same way."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), None, None, "no such file or folder", expected))
    return found


def _read_workbook(path: Path) -> list[Grid]:
    """Every sheet as text. Raises ValueError when the file is not a workbook."""
    return read_grids(path)


def _import_workbook(path: Path, order: int, run: Run) -> tuple[SourceFile, Edition] | None:
    file = str(path)
    try:
        grids = _read_workbook(path)
        digest = sha256_of(path)
        size = path.stat().st_size
    except (OSError, ValueError) as err:
        run.problems.append(Problem(
            file, None, None, f"a file that cannot be read as a workbook ({err})",
            "an ONS PFA data tables workbook (.xlsx)",
        ))
        return None
    edition = read_edition(path, grids, run.problems)
    if edition is None:
        return None
    tables: dict[str, Grid] = {}
    for grid in grids:
        kind = table_kind(grid)
        if kind and kind not in tables:
            tables[kind] = grid
    if "p1" not in tables:
        run.problems.append(Problem(
            file, None, None, "no table of police recorded crime by offence group (numbers)",
            "a 'Table P1' sheet titled '… by offence group … number of offences …'",
        ))
    if "knife" not in tables:
        run.problems.append(Problem(
            file, None, None, "no knife or sharp instrument offences table",
            "a 'Table P4' sheet with a 'Total of selected serious offences' column",
        ))
    readers = {"p1": read_offence_groups, "knife": read_knife, "asb": read_asb}
    for kind, reader in readers.items():
        if kind not in tables:
            continue
        taken = len(run.observations)
        try:
            reader(file, tables[kind], edition, order, run)
        except Exception as err:  # a layout this reader has never seen: report, carry on
            del run.observations[taken:]  # nothing half-read from the sheet
            run.problems.append(Problem(
                file, None, tables[kind].sheet.strip(),
                f"a sheet laid out in a way this importer cannot follow "
                f"({type(err).__name__}: {err})",
                "the published ONS PFA table layout; the sheet is skipped",
            ))
    detail = ", ".join(f"{kind}: sheet '{grid.sheet}'" for kind, grid in sorted(tables.items()))
    return SourceFile(file, digest, size, edition.label, detail), edition


# Combining editions --------------------------------------------------------------------------


def _resolve(run: Run) -> list[dict[str, Any]]:
    """One row per KPI × force × quarter: the latest edition wins, and a revision is noted."""
    chosen: dict[tuple[str, str, Quarter], Observation] = {}
    for obs in sorted(run.observations, key=lambda o: (o.edition, o.order)):
        key = (obs.kpi, obs.force, obs.quarter)
        previous = chosen.get(key)
        if previous is not None and previous.value != obs.value and obs.value is not None:
            run.notes.append(
                f"{obs.kpi}, {obs.force}, {obs.quarter.label}: the edition ending "
                f"{obs.edition.end:%B %Y} gives {obs.value:,.0f}, revising "
                f"{'no figure' if previous.value is None else f'{previous.value:,.0f}'} "
                f"from the edition ending {previous.edition.end:%B %Y}"
            )
        if previous is not None and obs.value is None and previous.value is not None:
            continue  # a later edition without the figure does not erase it
        chosen[key] = obs
    return [
        {
            "kpi": o.kpi, "force": o.force, "period": o.quarter.label,
            "value_12m": o.value, "note": o.note or None,
        }
        for o in chosen.values()
    ]
