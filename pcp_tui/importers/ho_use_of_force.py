"""Home Office "Police use of force statistics, England and Wales" → financial-year series.

Each edition covers one financial year (1 April to 31 March). The importer reads, from every
edition it is given, the by-force tables, found by their titles:

- incidents by police force (`Table 12. Incidents by police force`): the number of incidents
  in which the force recorded using force;
- tactics by police force and the person's perceived ethnicity (`Table 16`, first published
  for 2018/19): the times tactics were used (the `Total Tactics` row, which leaves out
  tactical communication and tactics not reported), by perceived ethnic group, and the share
  of them used on people perceived as Black, Asian, Chinese, Mixed or Other ethnic groups, of
  those whose perceived ethnicity was recorded.

Every figure is a financial-year total, held as `value_12m` at the year's Q4 (2018/19 →
`2018/19 Q4`), never as a quarter's count. A series feeds a KPI only where
`[import.ho_use_of_force.series]` maps it; no plan KPI has these definitions, so by default
every series is a context series (`<return>.context/series.csv` and
`tactics_by_ethnicity.csv`, for every force). Region and national totals (`Total West
Midlands`) are passed over; the force rows are named in a `Police force` column, so the West
Midlands force is never mistaken for its region.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    title,
    workbooks,
)
from pcp_tui.importers.mapping import (
    HoUseOfForceMapping,
    ho_use_of_force_mapping,
    label_key,
    plain_key,
)
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

__all__ = ["import_ho_use_of_force"]

SOURCE = ("Home Office Police use of force statistics, England and Wales (experimental "
          "statistics; Crown copyright, OGL v3.0)")
EXPECTED_FILE = "a Home Office police use of force tables workbook (.ods or .xlsx) or a folder"
# perceived ethnic groups as the tables head them → series suffix
GROUPS = {
    "white": "white",
    "black (or black british)": "black",
    "black": "black",
    "asian (or asian british)": "asian",
    "asian": "asian",
    "chinese": "chinese",
    "mixed": "mixed",
    "other": "other",
    "don't know": "dont-know",
    "not known": "dont-know",
    "not reported": "not-reported",
}
MINORITY = ("black", "asian", "chinese", "mixed", "other")
RECORDED = ("white", *MINORITY)
_FY_SPANS = (
    re.compile(r"1\s+april\s+((?:19|20)\d{2})\s+to\s+31\s+march\s+((?:19|20)\d{2})", re.I),
    re.compile(r"april\s+((?:19|20)\d{2})\s*(?:-|–|to)\s*march\s+((?:19|20)\d{2})", re.I),
    re.compile(r"apr((?:19|20)\d{2})-mar((?:19|20)\d{2})", re.I),
)
_YEAR_ENDING = re.compile(r"year ending 31 march ((?:19|20)\d{2})", re.I)
DEFINITIONS = {
    "value_12m": "the financial year's total, at its Q4 (2018/19 → 2018/19 Q4)",
    "incidents": "incidents in which the force recorded using force (one incident can involve "
                 "several officers and tactics); the tables do not represent all use of force",
    "tactics": "times tactics were used, excluding tactical communication and tactics not "
               "reported (the tables' Total Tactics row)",
    "tactics-<group>": "the same, on people of the officer's perceived ethnic group: white, "
                       "black, asian, chinese, mixed, other, dont-know, not-reported",
    "tactics-minority-ethnic-share": "tactics on people perceived as Black, Asian, Chinese, "
                                     "Mixed or Other, per cent of tactics whose perceived "
                                     "ethnicity was recorded (Don't know and Not reported "
                                     "left out); numerator and denominator given",
    "force": "the Police force column; region and national totals are passed over",
}


@dataclass
class Figure:
    series: str
    area: ForceArea
    fy: int
    value: float | None
    note: str
    sheet: str
    row: int
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class Edition:
    path: Path
    fy: int  # the financial year's first year: 2018 for 2018/19
    order: int
    figures: list[Figure] = field(default_factory=list)
    tactics: list[dict[str, Any]] = field(default_factory=list)
    source: SourceFile | None = None

    @property
    def label(self) -> str:
        return f"1 April {self.fy} to 31 March {self.fy + 1}"


@dataclass
class _Run:
    config: Config
    mapping: HoUseOfForceMapping
    force_id: ForceIds = field(init=False)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.force_id = ForceIds(self.config)


def import_ho_use_of_force(
    paths: str | Path | Sequence[str | Path],
    config: Config,
    mapping: Any = None,
    *,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read Home Office police use of force workbooks (files, or folders of them).

    `mapping` is the `[import.ho_use_of_force]` table of the config (None: the defaults, which
    map no series to a KPI). Anything wrong in a workbook is a Problem; a workbook that cannot
    be read at all is one Problem and the others still import.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = _Run(config, ho_use_of_force_mapping(mapping, config.framework))
    progress = progress or no_progress
    files = workbooks(paths, run.problems, EXPECTED_FILE)
    editions: dict[int, Edition] = {}
    for order, path in enumerate(files):
        progress("Home Office use of force tables", order, len(files))
        edition = _read_edition(path, order, run)
        if edition is None:
            continue
        if edition.fy in editions:
            run.problems.append(Problem(
                str(path), None, None, f"a second edition for {edition.label} (also "
                f"{editions[edition.fy].path.name})", "one file per financial year; this file "
                "is used",
            ))
        editions[edition.fy] = edition
    progress("Home Office use of force tables", len(files), len(files))
    ordered = [editions[fy] for fy in sorted(editions)]
    return _result(ordered, run)


# Reading one edition ---------------------------------------------------------------------------


def _read_edition(path: Path, order: int, run: _Run) -> Edition | None:
    file = str(path)
    try:
        grids = read_grids(path)
        digest = sha256_of(path)
        size = path.stat().st_size
    except (OSError, WorkbookError) as err:
        run.problems.append(Problem(file, None, None,
                                    f"a file that cannot be read as a workbook ({err})",
                                    EXPECTED_FILE))
        return None
    fy = _financial_year(path, grids, run)
    if fy is None:
        return None
    edition = Edition(path, fy, order)
    read: list[str] = []
    incidents = [g for g in grids if _is_incidents(g)]
    by_ethnicity = [g for g in grids if _is_tactics_by_ethnicity(g)]
    if not incidents:
        run.problems.append(Problem(
            file, None, None, "no table titled 'Incidents by police force'",
            "the incidents by police force table of the use of force statistics",
        ))
    if not by_ethnicity:
        run.notes.append(f"{path.name} ({edition.label}) has no table of tactics by police "
                         "force and perceived ethnicity (first published for 2018/19)")
    for grid, reader, what in (
        *((g, _read_incidents, "incidents") for g in incidents[:1]),
        *((g, _read_tactics, "tactics by perceived ethnicity") for g in by_ethnicity[:1]),
    ):
        taken = len(edition.figures), len(edition.tactics)
        try:
            reader(file, grid, edition, run)
        except Exception as err:  # a layout this reader has never seen: report, carry on
            del edition.figures[taken[0]:]
            del edition.tactics[taken[1]:]
            run.problems.append(Problem(
                file, None, grid.sheet.strip(),
                f"a sheet laid out in a way this importer cannot follow "
                f"({type(err).__name__}: {err})",
                "the published use of force table layout; the sheet is skipped",
            ))
            continue
        read.append(f"{what}: sheet '{grid.sheet.strip()}'")
    edition.source = SourceFile(file, digest, size, edition.label, "; ".join(read))
    return edition


def _financial_year(path: Path, grids: list[Grid], run: _Run) -> int | None:
    found: list[tuple[str, int]] = []
    for grid in grids:
        if grid.sheet.strip().casefold() in ("contents", "cover_sheet", "cover sheet", "cover"):
            text = " ".join(" ".join(row) for row in grid.rows[:4])
            for pattern in _FY_SPANS:
                if (match := pattern.search(text)) and int(match.group(2)) == int(
                        match.group(1)) + 1:
                    found.append((f"the '{grid.sheet.strip()}' sheet", int(match.group(1))))
                    break
            else:
                if match := _YEAR_ENDING.search(" ".join(" ".join(r) for r in grid.rows[:12])):
                    found.append((f"the '{grid.sheet.strip()}' sheet", int(match.group(1)) - 1))
    for pattern in _FY_SPANS:
        if (match := pattern.search(path.name)) and int(match.group(2)) == int(
                match.group(1)) + 1:
            found.append(("the file name", int(match.group(1))))
            break
    if not found:
        run.problems.append(Problem(
            str(path), None, None, "no financial year ('1 April 2018 to 31 March 2019') in the "
            "contents, the cover sheet or the file name",
            "the year the tables cover; the workbook is skipped",
        ))
        return None
    source, fy = found[0]
    for other_source, other in found[1:]:
        if other != fy:
            run.problems.append(Problem(
                str(path), None, None, f"{other_source} says {other}/{(other + 1) % 100:02d} "
                f"but {source} says {fy}/{(fy + 1) % 100:02d}", f"one year; {source} is used",
            ))
    return fy


def _is_incidents(grid: Grid) -> bool:
    return "incidents by police force" in title(grid).casefold()


def _is_tactics_by_ethnicity(grid: Grid) -> bool:
    text = title(grid).casefold()
    return "tactics" in text and "by police force" in text and "ethnicity" in text


def _header(grid: Grid, *labels: str) -> tuple[int, dict[str, int]] | None:
    """The first row holding every one of `labels`, and the column of each label."""
    for i, row in enumerate(grid.rows[:20]):
        keys = {label_key(cell): col for col, cell in reversed(list(enumerate(row)))}
        if all(label in keys for label in labels):
            return i, keys
    return None


def _force(
    file: str, grid: Grid, index: int, name: str, run: _Run,
) -> ForceArea | None:
    """The force a row's `Police force` cell names; None (and a Problem when it is neither)
    for totals, regions and unknown names."""
    if is_national(name) or not name:
        return None
    force = area_force(name)
    if force is None:
        if not is_region(name):
            run.problems.append(Problem(
                file, grid.row_number(index), "Police force", f"'{name}'",
                "a police force of England and Wales, or a total; the row is skipped",
            ))
        return None
    return force


def _rows_below(grid: Grid, header: int, col: int) -> list[tuple[int, str]]:
    out = []
    for i in range(header + 1, len(grid.rows)):
        first = grid.cell(i, 0).strip()
        if first.casefold().startswith(("notes", "note:", "source")):
            break
        name = clean_name(grid.cell(i, col))
        if name:
            out.append((i, name))
    return out


def _read_incidents(file: str, grid: Grid, edition: Edition, run: _Run) -> None:
    sheet = grid.sheet.strip()
    found = _header(grid, "police force", "total")
    if found is None:
        run.problems.append(Problem(file, None, sheet, "no 'Police force' and 'Total' header",
                                    "a header row with 'Police force' and 'Total'"))
        return
    header, cols = found
    seen: set[str] = set()
    for index, name in _rows_below(grid, header, cols["police force"]):
        force = _force(file, grid, index, name, run)
        if force is None:
            continue
        if force.slug in seen:
            run.problems.append(Problem(file, grid.row_number(index), "Police force",
                                        f"a second row for {force.name}",
                                        "one row per force; the first is used"))
            continue
        seen.add(force.slug)
        _figure(file, grid, index, cols["total"], "incidents", force, edition, run)


def _figure(
    file: str, grid: Grid, index: int, col: int, series: str, force: ForceArea,
    edition: Edition, run: _Run,
) -> float | None:
    raw = grid.cell(index, col)
    value, note, ok = parse_count(raw)
    if not ok:
        run.problems.append(Problem(
            file, grid.row_number(index), f"{grid.sheet.strip()}: {series}", f"'{raw[:60]}'",
            "a count of 0 or more, or '..', '-' or '*' for a missing figure; the cell is "
            "skipped",
        ))
        return None
    edition.figures.append(Figure(series, force, edition.fy, value, note, grid.sheet.strip(),
                                  grid.row_number(index)))
    return value


def _read_tactics(file: str, grid: Grid, edition: Edition, run: _Run) -> None:
    sheet = grid.sheet.strip()
    found = _header(grid, "police force", "tactic")
    if found is None:
        run.problems.append(Problem(file, None, sheet, "no 'Police force' and 'Tactic' header",
                                    "a header row with 'Police force', 'Type of force' and "
                                    "'Tactic'"))
        return
    header, cols = found
    row = grid.rows[header]
    groups: dict[int, str] = {}
    total_col = None
    for col in range(cols["tactic"] + 1, len(row)):
        key = label_key(row[col])
        if not key:
            continue
        if key.startswith(("number of times", "total")):
            total_col = col
        elif key in GROUPS:
            groups[col] = GROUPS[key]
        else:
            run.problems.append(Problem(
                file, grid.row_number(header), row[col].strip(), f"'{row[col].strip()}'",
                f"a perceived ethnic group ({', '.join(sorted(set(GROUPS)))}); the column is "
                "skipped",
            ))
    type_col = cols.get("type of force")
    seen: set[str] = set()
    for index, name in _rows_below(grid, header, cols["police force"]):
        force = _force(file, grid, index, name, run)
        if force is None:
            continue
        tactic = clean_name(grid.cell(index, cols["tactic"]))
        kind = grid.cell(index, type_col).strip() if type_col is not None else ""
        counts: dict[str, float | None] = {}
        for col, group in groups.items():
            value, _, ok = parse_count(grid.cell(index, col))
            counts[group] = value if ok else None
        total = parse_count(grid.cell(index, total_col))[0] if total_col is not None else None
        edition.tactics.append({
            "area": force.name, "force": run.force_id(force),
            "financial_year": f"{edition.fy}/{(edition.fy + 1) % 100:02d}",
            "period": Quarter(edition.fy, 4).label, "type_of_force": kind, "tactic": tactic,
            **{group: counts.get(group) for group in dict.fromkeys(GROUPS.values())},
            "total": total, "edition": edition.label, "sheet": sheet,
            "row": grid.row_number(index),
        })
        if label_key(tactic) != "total tactics":
            continue
        if force.slug in seen:
            run.problems.append(Problem(file, grid.row_number(index), "Police force",
                                        f"a second Total Tactics row for {force.name}",
                                        "one per force; the first is used"))
            continue
        seen.add(force.slug)
        if total_col is not None:
            _figure(file, grid, index, total_col, "tactics", force, edition, run)
        for col, group in groups.items():
            _figure(file, grid, index, col, f"tactics-{group}", force, edition, run)
        recorded = [counts.get(g) for g in RECORDED]
        if all(v is not None for v in recorded) and sum(recorded) > 0:  # type: ignore[arg-type]
            minority = sum(counts[g] or 0.0 for g in MINORITY)
            denominator = float(sum(recorded))  # type: ignore[arg-type]
            edition.figures.append(Figure(
                "tactics-minority-ethnic-share", force, edition.fy,
                100.0 * minority / denominator, "", sheet, grid.row_number(index),
                numerator=minority, denominator=denominator,
            ))


# The return and its context --------------------------------------------------------------------


SERIES_SCHEMA = {
    "series": pl.String, "area": pl.String, "force": pl.String, "financial_year": pl.String,
    "period": pl.String, "value_12m": pl.Float64, "numerator": pl.Float64,
    "denominator": pl.Float64, "kpi": pl.String, "edition": pl.String, "sheet": pl.String,
    "row": pl.Int64, "note": pl.String,
}
TACTICS_SCHEMA = {
    "area": pl.String, "force": pl.String, "financial_year": pl.String, "period": pl.String,
    "type_of_force": pl.String, "tactic": pl.String,
    **{group: pl.Float64 for group in dict.fromkeys(GROUPS.values())},
    "total": pl.Float64, "edition": pl.String, "sheet": pl.String, "row": pl.Int64,
}


def _result(editions: list[Edition], run: _Run) -> ImportResult:
    rows: list[dict[str, Any]] = []
    series_rows: list[dict[str, Any]] = []
    skipped: set[str] = set()
    used: set[str] = set()
    for edition in editions:
        for figure in edition.figures:
            quarter = Quarter(figure.fy, 4)
            kpi = run.mapping.series.get(figure.series)
            force_id = run.force_id(figure.area)
            if kpi is not None:
                used.add(figure.series)
                if force_id is None:
                    skipped.add(figure.area.name)
                else:
                    rows.append({
                        "kpi": kpi, "force": force_id, "period": quarter.label,
                        "value_12m": figure.value,
                        "note": f"sheet '{figure.sheet}': {figure.note}" if figure.note
                        else None,
                    })
            series_rows.append({
                "series": figure.series, "area": figure.area.name, "force": force_id,
                "financial_year": f"{figure.fy}/{(figure.fy + 1) % 100:02d}",
                "period": quarter.label, "value_12m": figure.value,
                "numerator": figure.numerator, "denominator": figure.denominator, "kpi": kpi,
                "edition": edition.label, "sheet": figure.sheet, "row": figure.row,
                "note": figure.note or None,
            })
    unmapped = [
        Unmapped("use of force tables", label, reason)
        for label, reason in run.mapping.not_mapped.items()
        if plain_key(label) not in used
    ]
    sources = tuple(e.source for e in editions if e.source is not None)
    context = {
        "series": pl.DataFrame(series_rows, schema=SERIES_SCHEMA),
        "tactics_by_ethnicity": pl.DataFrame(
            [t for e in editions for t in e.tactics], schema=TACTICS_SCHEMA),
    }
    return ImportResult(
        frame=return_frame(rows),
        problems=sorted_problems(run.problems),
        provenance=Provenance(
            importer="ho-use-of-force",
            source=SOURCE,
            files=sources,
            imported_at=now_utc(),
            editions=tuple(e.label for e in editions),
            definitions=DEFINITIONS,
            mapping=run.mapping.as_toml_dict(),
        ),
        unmapped=tuple(sorted(unmapped, key=lambda u: u.label)),
        context={k: v for k, v in context.items() if not v.is_empty()},
        notes=tuple(run.notes),
        skipped_forces=tuple(sorted(skipped)),
    )
