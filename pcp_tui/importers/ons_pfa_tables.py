"""Reading the ONS PFA tables of one workbook: which sheet is which table, its header row and
columns, which rows are forces (by area code or name; regions and totals set aside), and
the offence group, knife and anti-social behaviour figures each force row gives, with the
records they are read into (an edition, an area row, a column, an observation, the run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pcp_tui.config import Config
from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import (
    REGIONS,
    ForceArea,
    config_force_id,
    force_by_code,
    force_by_name,
    is_code,
    region_code,
)
from pcp_tui.importers.mapping import OnsPfaMapping, label_key, strip_footnotes
from pcp_tui.importers.returns import Unmapped
from pcp_tui.periods import Quarter
from pcp_tui.workbooks import Grid

MISSING = {"", "..", "-", "–", "—", "+", ".", "na", "n/a", ":", "x", "*", "[x]", "[z]", "[c]"}
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?$")


_FY_COLUMN = re.compile(r"apr\w*\s*'?(\d{2}|\d{4})\s*(?:to|-|–|—)\s*mar\w*\s*'?(\d{2})",
                        re.IGNORECASE)
AREA_CODE_LABELS = {"area code", "area codes", "code", "pfa code"}
AREA_NAME_LABELS = {"area name", "area", "police force area", "name"}
KNIFE_COUNT = "number of offences involving a knife"


@dataclass(frozen=True)
class Edition:
    quarter: Quarter
    label: str  # `12 months ending June 2019`
    source: str  # where it was read: `Notes sheet`, `Table P1 title`, `file name`


@dataclass
class AreaRow:
    index: int  # row index in the grid
    code: str
    name: str  # footnotes removed
    kind: str = ""  # force, region, other, unknown
    force: ForceArea | None = None


@dataclass
class Column:
    index: int
    group: str  # the heading above, carried right across a merged heading; no footnotes
    label: str  # the header row's own label, footnotes removed
    above: str = ""  # the cell right above this column's label, if any


@dataclass
class Observation:
    kpi: str
    force: str
    quarter: Quarter
    value: float | None
    note: str
    edition: Quarter
    order: int  # later files win on a tie


@dataclass
class Run:
    config: Config
    mapping: OnsPfaMapping
    problems: list[Problem] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    unmapped: dict[tuple[str, str], Unmapped] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    # rows that are not the config's forces: regions, national totals, forces outside it
    regions: set[str] = field(default_factory=set)
    totals: set[str] = field(default_factory=set)


# Tables ------------------------------------------------------------------------------------


def table_title(grid: Grid) -> str:
    for row in grid.rows[:3]:
        text = " ".join(cell for cell in row if cell.strip())
        if text.strip():
            return " ".join(text.split())
    return ""


def table_kind(grid: Grid) -> str | None:
    """Which of the tables this importer reads a sheet holds, judged by its content."""
    title = table_title(grid).casefold()
    if "offence group" in title and "number of offences" in title:
        return "p1"
    if "anti-social behaviour incidents" in title and "category" not in title:
        return "asb"
    if "knife" in title:
        header = _header_row(grid)
        if header is not None and header > 0:
            groups = {label_key(c) for c in grid.rows[header - 1]}
            if "total of selected serious offences" in groups:
                return "knife"
    return None


def _header_row(grid: Grid) -> int | None:
    """The row holding `Area Code`/`Area Name`, or (tables without them) `Number of …`."""
    for i, row in enumerate(grid.rows[:30]):
        keys = {label_key(cell) for cell in row}
        if keys & AREA_CODE_LABELS or keys & AREA_NAME_LABELS:
            return i
    for i, row in enumerate(grid.rows[:30]):
        if any(label_key(cell).startswith("number of") for cell in row):
            return i
    return None


def _columns(grid: Grid, header: int) -> list[Column]:
    """Each column's own header label, the label in the row above it, and that row's label
    carried right across the columns a merged heading spans."""
    width = max((len(r) for r in grid.rows), default=0)
    group = ""
    columns = []
    for col in range(width):
        above = strip_footnotes(grid.cell(header - 1, col)) if header > 0 else ""
        if above:
            group = above
        columns.append(Column(col, group, strip_footnotes(grid.cell(header, col)), above))
    return columns


def _area_rows(
    file: str, grid: Grid, header: int, run: Run,
) -> tuple[list[AreaRow], int | None]:
    """Data rows below the header, each classified as force, region or other area."""
    head = [label_key(c) for c in grid.rows[header]]
    code_col = next((i for i, k in enumerate(head) if k in AREA_CODE_LABELS), None)
    name_col = next((i for i, k in enumerate(head) if k in AREA_NAME_LABELS), None)
    if name_col is None:
        name_col = code_col + 1 if code_col is not None else 0
    rows: list[AreaRow] = []
    for i in range(header + 1, len(grid.rows)):
        first = next((c.strip() for c in grid.rows[i] if c.strip()), "")
        if first.casefold().startswith(("source", "note:", "notes")):
            break
        code = grid.cell(i, code_col).strip() if code_col is not None else ""
        name = strip_footnotes(grid.cell(i, name_col))
        if code and not is_code(code):
            if re.match(r"^\d+[.\s]", code) or len(code) > 40:
                continue  # a footnote in the code column
            name, code = name or strip_footnotes(code), ""
        if not code and (not name or re.match(r"^\d+[.\s]", name)):
            continue  # blank, a units row ("Numbers") or a footnote
        rows.append(AreaRow(i, code.upper(), name))
    _classify(file, grid, rows, code_col is not None, run)
    return rows, code_col


def _classify(file: str, grid: Grid, rows: list[AreaRow], has_codes: bool, run: Run) -> None:
    seen_as_region: set[str] = set()
    for row in rows:
        where = grid.row_number(row.index)
        if row.code:
            force = force_by_code(row.code)
            if force is not None:
                row.kind, row.force = "force", force
                by_name = force_by_name(row.name)
                if row.name and by_name is not None and by_name is not force:
                    run.problems.append(Problem(
                        file, where, "Area Name",
                        f"'{row.name}' beside area code {row.code} ({force.name})",
                        f"the name of {row.code}; the area code is used",
                    ))
            elif row.code in REGIONS:
                row.kind = "region"
            else:
                row.kind = "unknown"
                run.problems.append(Problem(
                    file, where, "Area Code", f"'{row.code}' ({row.name or 'no name'})",
                    "an area code of a police force area (E23…, W15…), region or country; "
                    "the row is skipped",
                ))
            continue
        force = force_by_name(row.name)
        region = region_code(row.name)
        if force is not None and region is not None and force.code:
            # `West Midlands` names both; without codes, ONS lists the region first
            key = row.name.casefold()
            if key in seen_as_region:
                row.kind, row.force = "force", force
            else:
                row.kind = "region"
                seen_as_region.add(key)
        elif region is not None or row.name.casefold().startswith("england"):
            row.kind = "region"
        elif force is not None:
            row.kind, row.force = "force", force
            if has_codes and force.code:
                run.problems.append(Problem(
                    file, where, "Area Code", f"no area code for '{row.name}'",
                    f"{force.code}; the force is taken from its name",
                ))
        else:
            row.kind = "unknown"
            run.problems.append(Problem(
                file, where, "Area Name", f"'{row.name}'",
                "a police force area, region or country of England and Wales; the row is skipped",
            ))
    # a name-only table whose ambiguous name appears once: we cannot tell force from region
    for row in rows:
        if (not row.code and row.kind == "region" and force_by_name(row.name) is not None
                and row.name.casefold() in seen_as_region
                and not any(r.kind == "force" and r.name.casefold() == row.name.casefold()
                            for r in rows)):
            run.problems.append(Problem(
                file, grid.row_number(row.index), "Area Name",
                f"one '{row.name}' row and no area codes",
                f"the {row.name} region row followed by the {row.name} force row (or area "
                "codes); the force's figures are not taken",
            ))


def _force_rows(
    file: str, grid: Grid, rows: list[AreaRow], run: Run,
) -> list[tuple[AreaRow, str]]:
    """The rows of the config's forces, each force once."""
    out: list[tuple[AreaRow, str]] = []
    first: dict[str, AreaRow] = {}
    for row in rows:
        if row.kind == "region":
            code = row.code or region_code(row.name) or ""
            name = REGIONS.get(code)
            if name is not None:
                (run.regions if code.startswith("E12") else run.totals).add(name)
        if row.kind != "force" or row.force is None:
            continue
        force_id = config_force_id(run.config.settings, row.force)
        if force_id is None:
            run.skipped.add(row.force.name)
        elif force_id in first:
            run.problems.append(Problem(
                file, grid.row_number(row.index), "Area Name",
                f"a second row for {row.force.name} ('{row.code or row.name}')",
                f"one row per force; the row {grid.row_number(first[force_id].index)} is used",
            ))
        else:
            first[force_id] = row
            out.append((row, force_id))
    return out


def _cell_value(
    file: str, grid: Grid, row: int, column: Column, run: Run,
) -> tuple[float | None, str, bool]:
    """(number, note, ok): a missing marker is (None, note, True); junk is a Problem."""
    raw = grid.cell(row, column.index).strip()
    if raw.casefold() in MISSING:
        marker = f"'{raw}'" if raw else "a blank cell"
        return None, f"not available in the source ({marker})", True
    text = raw.replace("\u00a0", "").replace(" ", "")
    if _NUMBER.match(text) and any(ch.isdigit() for ch in text):
        value = float(text.replace(",", ""))
        if value < 0:
            run.problems.append(Problem(
                file, grid.row_number(row), column.label or column.group, f"'{raw}'",
                "a count of 0 or more; the cell is skipped",
            ))
            return None, "", False
        return value, "", True
    run.problems.append(Problem(
        file, grid.row_number(row), column.label or column.group, f"'{raw[:60]}'",
        "a number, or '..', '-', '+', '.', 'NA' for a missing figure; the cell is skipped",
    ))
    return None, "", False


def _emit(
    file: str, grid: Grid, rows: list[tuple[AreaRow, str]], column: Column, kpi: str,
    quarter: Quarter, edition: Edition, order: int, run: Run, source: str,
) -> None:
    for area, force_id in rows:
        value, note, ok = _cell_value(file, grid, area.index, column, run)
        if not ok:
            continue
        note = f"{source}: {note}" if note else ""
        run.observations.append(
            Observation(kpi, force_id, quarter, value, note, edition.quarter, order)
        )


def _missing_columns(
    file: str, grid: Grid, header: int, wanted: dict[str, str], present: set[str],
    table: str, run: Run,
) -> None:
    for key in wanted:
        if key not in present:
            label = run.mapping.labels.get(key, key)
            run.problems.append(Problem(
                file, grid.row_number(header), label, f"no '{label}' column in {table}",
                f"the column the [import.ons_pfa] mapping names; {wanted[key]} is not "
                "imported from this edition",
            ))


def read_offence_groups(file: str, grid: Grid, edition: Edition, order: int, run: Run) -> None:
    table = f"sheet '{grid.sheet.strip()}'"
    header = _header_row(grid)
    if header is None:
        run.problems.append(Problem(file, None, grid.sheet.strip(), "no 'Area Code' header row",
                                    "a header row with 'Area Code' and 'Area Name'"))
        return
    areas, _ = _area_rows(file, grid, header, run)
    forces = _force_rows(file, grid, areas, run)
    present: set[str] = set()
    for column in _columns(grid, header):
        # a group's own label, or (`Total recorded crime`) a heading with nothing under it;
        # spacer columns under a section heading have neither
        label = column.label or column.above
        key = label_key(label)
        if not key or key in AREA_CODE_LABELS or key in AREA_NAME_LABELS:
            continue
        present.add(key)
        kpi = run.mapping.offence_groups.get(key)
        if kpi is None:
            reason = run.mapping.not_mapped.get(key, "no KPI in [import.ons_pfa.offence_groups]")
            run.unmapped.setdefault(("Table P1", key), Unmapped("Table P1", label, reason))
            continue
        _emit(file, grid, forces, column, kpi, edition.quarter, edition, order, run,
              f"{table}, {label}")
    _missing_columns(file, grid, header, run.mapping.offence_groups, present, table, run)


def read_knife(file: str, grid: Grid, edition: Edition, order: int, run: Run) -> None:
    table = f"sheet '{grid.sheet.strip()}'"
    header = _header_row(grid)
    assert header is not None  # _table_kind found it
    areas, _ = _area_rows(file, grid, header, run)
    forces = _force_rows(file, grid, areas, run)
    present: set[str] = set()
    for column in _columns(grid, header):
        if label_key(column.label) != KNIFE_COUNT:
            continue
        key = label_key(column.group)
        present.add(key)
        kpi = run.mapping.knife.get(key)
        if kpi is None:
            reason = run.mapping.not_mapped.get(key, "no KPI in [import.ons_pfa.knife]")
            run.unmapped.setdefault(("knife table", key),
                                    Unmapped("Table P4 (knife)", column.group, reason))
            continue
        _emit(file, grid, forces, column, kpi, edition.quarter, edition, order, run,
              f"{table}, {column.group}")
    _missing_columns(file, grid, header, run.mapping.knife, present, table, run)


def read_asb(file: str, grid: Grid, edition: Edition, order: int, run: Run) -> None:
    table = f"sheet '{grid.sheet.strip()}'"
    header = _header_row(grid)
    if header is None:
        run.problems.append(Problem(file, None, grid.sheet.strip(), "no header row",
                                    "a header row with 'Number of Incidents'"))
        return
    areas, _ = _area_rows(file, grid, header, run)
    forces = _force_rows(file, grid, areas, run)
    for column in _columns(grid, header):
        key = label_key(column.label)
        if not key or key in AREA_CODE_LABELS or key in AREA_NAME_LABELS:
            continue
        kpi = run.mapping.asb.get(key)
        if kpi is None:
            run.unmapped.setdefault(("asb", key), Unmapped(
                "anti-social behaviour incidents", column.label,
                run.mapping.not_mapped.get(key, "no KPI in [import.ons_pfa.asb]"),
            ))
            continue
        match = _FY_COLUMN.search(column.group)
        fy = None
        if match:
            start = int(match.group(1)[-2:])
            end = int(match.group(2)[:2])
            if end == (start + 1) % 100:
                fy = 2000 + start if start < 90 else 1900 + start
        if fy is None:
            run.problems.append(Problem(
                file, grid.row_number(header - 1), column.label, f"'{column.group}'",
                "a financial year heading such as \"Apr '18 to Mar '19\"; the column is skipped",
            ))
            continue
        _emit(file, grid, forces, column, kpi, Quarter(fy, 4), edition, order, run,
              f"{table}, financial year {fy}/{(fy + 1) % 100:02d}")
