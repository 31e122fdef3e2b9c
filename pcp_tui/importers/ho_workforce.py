"""Home Office "Police workforce, England and Wales" tables → one quarterly return per edition.

Each edition (`police-workforce-sep19-tables.ods`, …) gives levels "as at" three dates: the
September a year before, the March between and the September of the edition. A level as at
30 September is the figure at the end of a financial-year Q2, as at 31 March at the end of Q4;
both are written as `value` (the measure of a stock is its level at quarter end).

What the published tables do that this reader copes with:

- the set of tables and their numbering change between editions (special constables are
  Table 5 in 2016 and 2017, Table 6 in 2018, Table 12 in 2019), so a table is found by its
  title: its subject before "by police force area" (`Police officers`, `Special constables`)
  and its unit, `(FTE)` / `(headcount)` in the title or the `Full-time equivalents` /
  `Headcount` cell above the figures;
- headcount and full-time equivalents are two series, never mixed: a KPI takes one of them
  through `[import.ho_workforce.headcount]` or `[import.ho_workforce.fte]`, and the other is a
  context series;
- footnote marks glued to words and dates (`30 September 20191(FTE)`, `Police officers1`);
- no area codes: the regions are rows between the forces (`North East`, then `Cleveland`, …),
  and the West Midlands region and force share a name; the region row heads its forces, the
  force row is one of them;
- a later edition restating an earlier date: each edition is its own return, named after its
  date so that later editions sort (and win) later, and the loader lists every restated
  figure as a revision; the context table says which figures an edition restates.

Every force's figures go to the `workforce` context table; the config's forces that a KPI
takes are also rows of the return.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import ForceArea
from pcp_tui.importers.ho_tables import (
    ForceIds,
    area_force,
    clean_name,
    is_national,
    is_region,
    parse_count,
    parse_day,
    title,
    workbooks,
)
from pcp_tui.importers.mapping import HoWorkforceMapping, ho_workforce_mapping, strip_footnotes
from pcp_tui.importers.progress import ProgressCallback, no_progress
from pcp_tui.importers.returns import (
    ImportResult,
    Provenance,
    SourceFile,
    Unmapped,
    now_utc,
    return_frame,
    sha256_of,
    sorted_problems,
)
from pcp_tui.periods import Quarter
from pcp_tui.workbooks import Grid, WorkbookError, read_grids

__all__ = ["import_ho_workforce"]

SOURCE = ("Home Office Police workforce, England and Wales statistical tables "
          "(Crown copyright, OGL v3.0)")
EXPECTED_FILE = "a Home Office police workforce tables workbook (.ods or .xlsx) or a folder"
# the subjects read into the context table even when no KPI takes them
CONTEXT_SUBJECTS = ("police officers", "police community support officers",
                    "special constables", "police support volunteers")
_TABLE = re.compile(r"^(?:table\s*\w+\s*[:.]\s*)?(.+?)\s+by police force area", re.IGNORECASE)
_UNIT_IN_TITLE = re.compile(r"\((fte|headcount)\)", re.IGNORECASE)
_UNIT_CELLS = {"full-time equivalents": "FTE", "full time equivalents": "FTE",
               "fte": "FTE", "headcount": "headcount"}
_EDITION = re.compile(r"(\d{1,2}\s+[A-Za-z]+\s+(?:19|20)\d{2})")
DEFINITIONS = {
    "value": "the level as at the table's date: 30 September is the end of Q2, 31 March the "
             "end of Q4 of the financial year",
    "headcount": "people, whatever their hours; the only unit a KPI takes by default",
    "FTE": "full-time equivalents, kept as context series (`police-officers-FTE`, …)",
    "force": "told from its name (the tables carry no area codes); the West Midlands region "
             "row heads its forces, the force row is one of them",
    "missing": "cells published as '..', '-', '*' or blank are left empty, never zero",
    "revisions": "a later edition restating a date is a later return: the loader keeps the "
                 "earlier figure as a revision",
}


@dataclass(frozen=True)
class Table:
    sheet: str
    subject: str  # `Police officers`, footnotes removed
    unit: str  # `headcount` or `FTE`

    @property
    def series(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.subject.casefold()).strip("-") + f"-{self.unit}"


@dataclass
class Figure:
    series: str
    subject: str
    unit: str
    area: ForceArea
    day: date
    value: float | None
    note: str
    sheet: str
    row: int


@dataclass
class Edition:
    path: Path
    day: date  # the edition's own date (the latest "as at")
    order: int
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: SourceFile | None = None

    @property
    def label(self) -> str:
        return f"as at {self.day.day} {self.day:%B %Y}"


@dataclass
class _Run:
    config: Config
    mapping: HoWorkforceMapping
    force_id: ForceIds = field(init=False)

    def __post_init__(self) -> None:
        self.force_id = ForceIds(self.config)
    unmapped: dict[tuple[str, str], Unmapped] = field(default_factory=dict)


def import_ho_workforce(
    paths: str | Path | Sequence[str | Path],
    config: Config,
    mapping: Any = None,
    *,
    progress: ProgressCallback | None = None,
) -> tuple[ImportResult, ...]:
    """Read Home Office police workforce workbooks (files, or folders of them): one
    ImportResult per edition, the earliest first, so that writing them in turn lets the
    later editions win. Problems that belong to no edition (a file that cannot be read) are
    in the last result; with no readable edition there is one, empty, result holding them.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = _Run(config, ho_workforce_mapping(mapping, config.framework))
    progress = progress or no_progress
    loose: list[Problem] = []
    files = workbooks(paths, loose, EXPECTED_FILE)
    editions: dict[date, Edition] = {}
    for order, path in enumerate(files):
        progress("Home Office workforce tables", order, len(files))
        edition = _read_edition(path, order, run, loose)
        if edition is None:
            continue
        if edition.day in editions:
            earlier = editions[edition.day]
            loose.append(Problem(
                str(path), None, None, f"a second edition {edition.label} (also "
                f"{earlier.path.name})", "one file per edition; this file is used",
            ))
        editions[edition.day] = edition
    progress("Home Office workforce tables", len(files), len(files))
    ordered = [editions[day] for day in sorted(editions)]
    results = []
    earlier: dict[tuple[str, str, date], tuple[float, str]] = {}
    for i, edition in enumerate(ordered):
        last = i == len(ordered) - 1
        results.append(_result(edition, run, earlier, loose if last else []))
    if not results:
        results.append(ImportResult(
            frame=return_frame([]), problems=sorted_problems(loose),
            provenance=_provenance([], [], run.mapping), unmapped=(),
        ))
    return tuple(results)


# Reading one edition ---------------------------------------------------------------------------


def _read_edition(path: Path, order: int, run: _Run, loose: list[Problem]) -> Edition | None:
    file = str(path)
    try:
        grids = read_grids(path)
        digest = sha256_of(path)
        size = path.stat().st_size
    except (OSError, WorkbookError) as err:
        loose.append(Problem(file, None, None,
                             f"a file that cannot be read as a workbook ({err})", EXPECTED_FILE))
        return None
    problems: list[Problem] = []
    tables = []
    for grid in grids:
        table = _table(file, grid, problems)
        if table is not None:
            tables.append((table, grid))
    if not tables:
        loose.append(Problem(file, None, None, "no table titled '… by police force area …'",
                             "the Home Office police workforce tables; the file is skipped"))
        return None
    edition = Edition(path, date.min, order, problems=problems)
    read: list[str] = []
    for table, grid in tables:
        if not _wanted(table, run):
            run.unmapped.setdefault((table.subject.casefold(), table.unit), Unmapped(
                "workforce tables", f"{table.subject} ({table.unit})",
                run.mapping.reason(table.subject, table.unit)))
            continue
        taken = len(edition.figures)
        try:
            _read_table(file, grid, table, edition)
        except Exception as err:  # a layout this reader has never seen: report, carry on
            del edition.figures[taken:]
            problems.append(Problem(
                file, None, grid.sheet.strip(),
                f"a sheet laid out in a way this importer cannot follow "
                f"({type(err).__name__}: {err})",
                "the published workforce table layout; the sheet is skipped",
            ))
            continue
        read.append(f"{table.subject} ({table.unit}): sheet '{grid.sheet.strip()}'")
    edition.day = _edition_day(file, grids, edition, problems)
    if edition.day == date.min:
        loose.append(Problem(file, None, None, "no 'as at' date in the tables or the index",
                             "an edition such as '30 September 2019'; the file is skipped"))
        return None
    edition.source = SourceFile(file, digest, size, edition.label, "; ".join(read))
    return edition


def _table(file: str, grid: Grid, problems: list[Problem]) -> Table | None:
    text = title(grid)
    match = _TABLE.match(text)
    if not match:
        return None
    # footnote marks after a section number too: `Designated officers (s.38, s.391)`
    subject = re.sub(r"\b(s\.\d{2})\d{1,2}\b", r"\1", strip_footnotes(match.group(1)))
    units = set()
    if found := _UNIT_IN_TITLE.search(text):
        units.add("FTE" if found.group(1).casefold() == "fte" else "headcount")
    for row in grid.rows[:12]:
        for cell in row:
            unit = _UNIT_CELLS.get(" ".join(cell.split()).casefold())
            if unit:
                units.add(unit)
    if len(units) != 1:
        problems.append(Problem(
            file, None, grid.sheet.strip(),
            "a table in both headcount and full-time equivalents" if units
            else f"no unit for '{text[:80]}'",
            "'(FTE)' or '(headcount)' in the title, or a 'Full-time equivalents' or "
            "'Headcount' cell above the figures; the sheet is skipped",
        ))
        return None
    return Table(grid.sheet, subject, units.pop())


def _wanted(table: Table, run: _Run) -> bool:
    subject = table.subject.casefold()
    return subject in CONTEXT_SUBJECTS or run.mapping.kpi(table.subject, table.unit) is not None


def _edition_day(file: str, grids: list[Grid], edition: Edition, problems: list[Problem]) -> date:
    latest = max((f.day for f in edition.figures), default=None)
    stated = None
    for grid in grids:
        if grid.sheet.strip().casefold() in ("index", "contents", "cover", "cover sheet"):
            for row in grid.rows[:3]:
                match = _EDITION.search(" ".join(row))
                if match and (stated := parse_day(match.group(1))):
                    break
            if stated:
                break
    if stated and latest and stated != latest:
        problems.append(Problem(
            file, None, None, f"the index says {stated:%d %B %Y} but the latest figures are "
            f"as at {latest:%d %B %Y}", "one edition date; the index's is used",
        ))
    return stated or latest or date.min


def _header(grid: Grid) -> tuple[int, dict[int, date]] | None:
    """The row of the "as at" dates, and the columns that hold them."""
    for i, row in enumerate(grid.rows[:20]):
        days = {col: day for col, cell in enumerate(row) if col > 0
                and (day := parse_day(cell)) is not None}
        if days:
            return i, days
    return None


def _read_table(file: str, grid: Grid, table: Table, edition: Edition) -> None:
    sheet = grid.sheet.strip()
    found = _header(grid)
    if found is None:
        edition.problems.append(Problem(
            file, None, sheet, "no row of 'as at' dates above the figures",
            "dates such as 30 September 2019 heading the columns; the sheet is skipped",
        ))
        return
    header, days = found
    for col, day in days.items():
        if Quarter.from_date(day).end != day:
            edition.problems.append(Problem(
                file, grid.row_number(header), sheet, f"'{grid.cell(header, col)}'",
                "a date at the end of a quarter (31 March, 30 September); the column is "
                "skipped",
            ))
    days = {c: d for c, d in days.items() if Quarter.from_date(d).end == d}
    rows = _area_rows(file, grid, header, edition)
    seen: dict[str, int] = {}
    for index, area in rows:
        if area.slug in seen:
            edition.problems.append(Problem(
                file, grid.row_number(index), sheet, f"a second row for {area.name}",
                f"one row per force; row {grid.row_number(seen[area.slug])} is used",
            ))
            continue
        seen[area.slug] = index
        for col, day in days.items():
            raw = grid.cell(index, col)
            value, note, ok = parse_count(raw)
            if not ok:
                edition.problems.append(Problem(
                    file, grid.row_number(index), f"{sheet}: {day:%d %B %Y}", f"'{raw[:60]}'",
                    "a number of 0 or more, or '..', '-' or '*' for a missing figure; the "
                    "cell is skipped",
                ))
                continue
            edition.figures.append(Figure(
                table.series, table.subject, table.unit, area, day, value, note, sheet,
                grid.row_number(index),
            ))


def _area_rows(
    file: str, grid: Grid, header: int, edition: Edition,
) -> list[tuple[int, ForceArea]]:
    """The force rows below the header. Regions and totals are passed over; a name that is
    both a region and a force (West Midlands) is the region where it heads forces, else the
    force."""
    sheet = grid.sheet.strip()
    named: list[tuple[int, str]] = []
    for i in range(header + 1, len(grid.rows)):
        name = clean_name(grid.cell(i, 0))
        if not name:
            continue
        lowered = name.casefold()
        if lowered.startswith(("source", "note", "notes")) or re.match(r"^\d+[.\s]", name):
            break
        named.append((i, name))

    def kind(name: str) -> str:
        force, region = area_force(name), is_region(name)
        if force is not None and force.code and region:
            return "both"
        if region or is_national(name):
            return "region"
        return "force" if force is not None else "unknown"

    kinds = [kind(name) for _, name in named]
    out: list[tuple[int, ForceArea]] = []
    regions_seen: set[str] = set()
    for n, ((index, name), what) in enumerate(zip(named, kinds)):
        if what == "both":
            heads = n + 1 < len(named) and kinds[n + 1] in ("force", "both")
            if heads and name.casefold() not in regions_seen:
                regions_seen.add(name.casefold())
                continue  # the region, heading its forces
            what = "force"
        if what == "region":
            continue
        if what == "unknown":
            edition.problems.append(Problem(
                file, grid.row_number(index), sheet, f"'{name}'",
                "a police force area, region or national total of England and Wales; the row "
                "is skipped",
            ))
            continue
        force = area_force(name)
        assert force is not None
        out.append((index, force))
    for name in regions_seen:
        if not any(force.name.casefold() == name for _, force in out):
            edition.problems.append(Problem(
                file, None, sheet, f"a '{name}' region row and no {name} force row",
                f"the {name} force among its region's forces; its figures are not taken",
            ))
    return out


# One return per edition ------------------------------------------------------------------------


def _result(
    edition: Edition, run: _Run, earlier: dict[tuple[str, str, date], tuple[float, str]],
    loose: list[Problem],
) -> ImportResult:
    rows: list[dict[str, Any]] = []
    context: list[dict[str, Any]] = []
    notes: list[str] = []
    skipped: set[str] = set()
    for figure in edition.figures:
        quarter = Quarter.from_date(figure.day)
        kpi = run.mapping.kpi(figure.subject, figure.unit)
        force_id = run.force_id(figure.area)
        key = (figure.series, figure.area.slug, figure.day)
        before = earlier.get(key)
        restates = (before is not None and figure.value is not None
                    and abs(before[0] - figure.value) > 1e-9)
        if kpi is None:
            run.unmapped.setdefault((figure.subject.casefold(), figure.unit), Unmapped(
                "workforce tables", f"{figure.subject} ({figure.unit})",
                run.mapping.reason(figure.subject, figure.unit)))
        elif force_id is None:
            skipped.add(figure.area.name)
        else:
            rows.append({"kpi": kpi, "force": force_id, "period": quarter.label,
                         "value": figure.value,
                         "note": f"sheet '{figure.sheet}': {figure.note}" if figure.note
                         else None})
            if restates:
                assert before is not None and figure.value is not None
                notes.append(
                    f"{kpi}, {force_id}, {quarter.label}: the edition {edition.label} gives "
                    f"{figure.value:,.0f}, revising {before[0]:,.0f} from the edition "
                    f"{before[1]}"
                )
        context.append({
            "series": figure.series, "unit": figure.unit, "area": figure.area.name,
            "force": force_id, "as_at": figure.day.isoformat(), "period": quarter.label,
            "value": figure.value, "kpi": kpi, "edition": edition.label,
            "restates": before[0] if restates and before else None,
            "restated_edition": before[1] if restates and before else None,
            "sheet": figure.sheet, "row": figure.row, "note": figure.note or None,
        })
        if figure.value is not None:
            earlier[key] = (figure.value, edition.label)
    assert edition.source is not None
    return ImportResult(
        frame=return_frame(rows),
        problems=sorted_problems(edition.problems + loose),
        provenance=_provenance([edition.source], [edition.label], run.mapping),
        unmapped=tuple(sorted(run.unmapped.values(), key=lambda u: u.label)),
        context={"workforce": pl.DataFrame(context, schema=CONTEXT_SCHEMA)},
        notes=tuple(notes),
        skipped_forces=tuple(sorted(skipped)),
        name=f"ho-workforce_as-at-{edition.day.isoformat()}.csv",
    )


CONTEXT_SCHEMA = {
    "series": pl.String, "unit": pl.String, "area": pl.String, "force": pl.String,
    "as_at": pl.String, "period": pl.String, "value": pl.Float64, "kpi": pl.String,
    "edition": pl.String, "restates": pl.Float64, "restated_edition": pl.String,
    "sheet": pl.String, "row": pl.Int64, "note": pl.String,
}


def _provenance(
    files: list[SourceFile], editions: list[str], mapping: HoWorkforceMapping,
) -> Provenance:
    return Provenance(
        importer="ho-workforce",
        source=SOURCE,
        files=tuple(files),
        imported_at=now_utc(),
        editions=tuple(editions),
        definitions=DEFINITIONS,
        mapping=mapping.as_toml_dict(),
    )
