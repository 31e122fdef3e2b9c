"""`pcp-tui alerts` for machines and documents: JSON, CSV and Markdown, with a stable schema.

The terminal table lives in `render.py`; this module turns the same alerts into records (plain
dicts in a documented field order) and writes them out. `ALERTS_SCHEMA_DOC` is the text the README
quotes; `ALERTS_JSON_SCHEMA` is the same contract as a JSON Schema, checked by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pcp_tui import records
from pcp_tui.render import alert_facts, visible
from pcp_tui.render_alerts import AlertGroup, severity_counts

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.rules.assess import Assessment

FORMAT = "pcp-tui-alerts"
VERSION = 1

ALERT_FIELDS = (
    "id", "state", "severity", "rule", "kpi", "kpi_title", "force", "quarter", "since", "new",
    "value", "value_text", "unit", "target", "message",
)

ALERTS_SCHEMA_DOC = """\
Alerts as data (`pcp-tui alerts --format json|csv`), format version 1.

`--format json` writes one object:

    {"format": "pcp-tui-alerts", "version": 1, "as_of": "2021/22 Q2",
     "home_force": "west-midlands", "filters": {...},
     "counts": {"breach": 13, "warning": 8, "signal": 9, "improvement": 23, "data": 3},
     "alerts": [ALERT, ...], "resolved": [ALERT, ...]}

`counts` counts the firing alerts after the filters (every severity is present, 0 when none).
`alerts` are the alerts firing at the as-of quarter, most urgent first; `resolved` are those that
fired the quarter before and do not now. `--format csv` writes the same ALERT records as rows, a
header row of the field names first, the firing alerts before the resolved ones.

Every ALERT has these fields, in this order:

- `id` (string): stable id `kpi/force/rule/quarter`, the quarter written as `2021-22_Q2`.
- `state` (string): `firing`, or `resolved` (fired the quarter before and fires no more on that
  KPI and rule; a warning that became a breach is a new firing alert, not a resolved one).
- `severity` (string): `breach`, `warning`, `signal`, `improvement` or `data`.
- `rule` (string): `target`, `msf`, `spc`, `survey`, `stale`, `missing` or `revised`.
- `kpi` (string): the KPI id from config.toml.
- `kpi_title` (string): the KPI's title.
- `force` (string): the force id from config.toml.
- `quarter` (string): the quarter it fires in (`2021/22 Q2`); for a resolved alert, the last
  quarter it fired in.
- `since` (string): the first quarter of the run of quarters it has fired in.
- `new` (boolean): true when it first fired in `quarter` (CSV: `true` or `false`).
- `value` (number or null): the figure judged, in `unit` (a percentage as 3.9, not 0.039);
  null for a commitment or a missing figure (CSV: empty).
- `value_text` (string): the figure as printed (`3.9%`, `15,514`, `at risk`).
- `unit` (string): a unit id: `count`, `percent`, `per-1000`, `ratio`, `days`, `hours`,
  `minutes`, `seconds`, `score`, ... (an MSF alert on a count is per 1,000 population);
  `status` for a commitment, whose `value` is null and `value_text` its status.
- `target` (string): what the value is judged against, in words: the target, the baseline,
  the most similar forces' mean, the process limits or the figure a year earlier.
- `message` (string): one sentence with the evidence.

New fields may be added at the end in a later version; existing fields keep their names, types
and meanings. CSV text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are
prefixed with `'` so that a spreadsheet does not run them as formulas; `value` is written as a
plain number.
"""

_SEVERITIES = ["breach", "warning", "signal", "improvement", "data"]
_QUARTER_PATTERN = r"^[0-9]{4}/[0-9]{2} Q[1-4]$"

ALERT_RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(ALERT_FIELDS),
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": r"^[^/]+/[^/]+/[^/]+/[0-9]{4}-[0-9]{2}_Q[1-4]$"},
        "state": {"enum": ["firing", "resolved"]},
        "severity": {"enum": _SEVERITIES},
        "rule": {"enum": ["target", "msf", "spc", "survey", "stale", "missing", "revised"]},
        "kpi": {"type": "string", "minLength": 1},
        "kpi_title": {"type": "string"},
        "force": {"type": "string", "minLength": 1},
        "quarter": {"type": "string", "pattern": _QUARTER_PATTERN},
        "since": {"type": "string", "pattern": _QUARTER_PATTERN},
        "new": {"type": "boolean"},
        "value": {"type": ["number", "null"]},
        "value_text": {"type": "string"},
        "unit": {"type": "string", "minLength": 1},
        "target": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
    },
}

ALERTS_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "pcp-tui alerts, format version 1",
    "type": "object",
    "required": ["format", "version", "as_of", "home_force", "filters", "counts", "alerts",
                 "resolved"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "as_of": {"type": ["string", "null"], "pattern": _QUARTER_PATTERN},
        "home_force": {"type": "string"},
        "filters": {"type": "object"},
        "counts": {
            "type": "object",
            "required": _SEVERITIES,
            "additionalProperties": False,
            "properties": {s: {"type": "integer", "minimum": 0} for s in _SEVERITIES},
        },
        "alerts": {"type": "array", "items": ALERT_RECORD_SCHEMA},
        "resolved": {"type": "array", "items": ALERT_RECORD_SCHEMA},
    },
}


def alert_record(assessment: Assessment, alert: Alert, state: str = "firing") -> dict[str, Any]:
    """One alert as a record with the fields of `ALERT_FIELDS`, in that order."""
    facts = alert_facts(assessment, alert)
    kpi = assessment.config.framework.kpi(alert.kpi)
    value = facts.value
    if value is not None and value != value:  # NaN is not JSON
        value = None
    return {
        "id": alert.id,
        "state": state,
        "severity": alert.severity,
        "rule": alert.rule,
        "kpi": alert.kpi,
        "kpi_title": kpi.title,
        "force": alert.force,
        "quarter": alert.quarter.label,
        "since": alert.since.label,
        "new": alert.is_new,
        "value": value,
        "value_text": facts.value_text,
        "unit": facts.unit,
        "target": facts.reference,
        "message": alert.message,
    }


def alert_records(
    assessment: Assessment, alerts: Sequence[Alert], resolved: Sequence[Alert],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    firing = [alert_record(assessment, a) for a in alerts]
    gone = [alert_record(assessment, a, "resolved") for a in resolved]
    return firing, gone


def alerts_json(
    assessment: Assessment, alerts: Sequence[Alert], resolved: Sequence[Alert],
    filters: dict[str, Any] | None = None,
) -> str:
    firing, gone = alert_records(assessment, alerts, resolved)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "as_of": assessment.as_of.label if assessment.as_of else None,
        "home_force": assessment.home_force,
        "filters": filters or {},
        "counts": severity_counts(alerts),
        "alerts": firing,
        "resolved": gone,
    }
    return records.dumps(document)  # strict JSON: a figure that is not finite is null


# CSV -----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a line break inside a cell starts a line of its own for a spreadsheet that splits on it
FORMULA_AFTER_BREAK = r"([\r\n])([=+\-@\t])"
_FORMULA_AFTER_BREAK = re.compile(FORMULA_AFTER_BREAK)
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def csv_safe(cell: object) -> object:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV injection): a leading
    `=`, `+`, `-`, `@`, tab or CR gets an apostrophe, and so does one after a line break."""
    if isinstance(cell, str):
        if cell.startswith(_FORMULA_START):
            cell = "'" + cell
        return _FORMULA_AFTER_BREAK.sub(r"\1'\2", cell)
    return cell


def csv_line(cells: Sequence[object]) -> str:
    """One CSV record (RFC 4180): a cell holding a comma, a quote, a CR or an LF is quoted.
    (The csv module quotes only the characters of its line terminator, so a bare CR in a
    cell would end the row for a spreadsheet that reads CR as a line break.)"""
    out = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        if _NEEDS_QUOTES.search(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + "\n"


def alerts_csv(
    assessment: Assessment, alerts: Sequence[Alert], resolved: Sequence[Alert],
) -> str:
    firing, gone = alert_records(assessment, alerts, resolved)
    lines = [csv_line(ALERT_FIELDS)]
    for record in [*firing, *gone]:
        row = []
        for name in ALERT_FIELDS:
            cell = record[name]
            if isinstance(cell, bool):
                row.append("true" if cell else "false")
            elif cell is None:
                row.append("")
            elif isinstance(cell, float):
                row.append(repr(cell) if not cell.is_integer() else str(int(cell)))
            else:
                row.append(csv_safe(cell))
        lines.append(csv_line(row))
    return "".join(lines)


# Markdown ------------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# what can open a block at the start of a line: a heading, a quote, a list item, a setext
# underline or a thematic break (`*` and `_` are escaped everywhere anyway)
_MD_LINE_START = re.compile(r"^(\s*)(#|>|[+-](?=\s|$)|\d+[.)](?=\s|$)|=+\s*$|-+\s*$)")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_text(text: object) -> str:
    """Text for Markdown shown literally: no emphasis, links, HTML, headings or lists from it.

    Line breaks are kept (as hard breaks); what would open a block at the start of a line (`#`,
    `>`, `- `, `+ `, `1. `, `===`, `---`) is escaped so it cannot start a heading, quote or list.
    """
    lines = []
    for line in visible(text, newlines=True).replace("\r\n", "\n").split("\n"):
        line = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", line))
        line = _MD_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), line)
        lines.append(line)
    return "  \n".join(lines)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: one line; pipes, backticks, emphasis, brackets, HTML
    and a leading `#` escaped (a cell cannot start a list, so `-5%` stays as it is)."""
    value = " ".join(visible(text, newlines=True).split())
    if not value:
        return " "
    value = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", value))
    return "\\" + value if value.startswith("#") else value


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
             align: Sequence[str] | None = None) -> str:
    """A GFM pipe table; every cell through `md_cell`."""
    align = align or ["l"] * len(headers)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    out = ["| " + " | ".join(md_cell(h) for h in headers) + " |",
           "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def alerts_markdown(
    assessment: Assessment, groups: Sequence[AlertGroup], alerts: Sequence[Alert],
    resolved_groups: Sequence[AlertGroup],
) -> str:
    from pcp_tui.render import SEVERITY_GLYPHS

    settings = assessment.config.settings
    quarter = assessment.as_of.label if assessment.as_of else "no data"
    counts = severity_counts(alerts)
    out = [
        f"# Alerts as of {md_text(quarter)}: "
        f"{md_text(settings.forces[settings.home_force].name)}",
        "",
        f"{len(alerts)} firing ({sum(a.is_new for a in alerts)} new): "
        + ", ".join(f"{SEVERITY_GLYPHS[s].char} {n} {s}" for s, n in counts.items()) + ".",
    ]
    headers = ("", "severity", "KPI", "force", "value", "target or baseline", "since",
               "message")
    align = ("c", "l", "l", "l", "r", "l", "l", "l")

    def rows(group: AlertGroup, resolved: bool) -> list[list[object]]:
        table = []
        for alert in group.alerts:
            facts = alert_facts(assessment, alert)
            kpi = assessment.config.framework.kpi(alert.kpi)
            force = settings.forces.get(alert.force)
            if resolved:
                when = "resolved"
            elif alert.is_new:
                when = "new"
            else:
                when = alert.since.label
            table.append([SEVERITY_GLYPHS[alert.severity].char, alert.severity, kpi.title,
                          force.short if force else alert.force, facts.value_text,
                          facts.reference, when, alert.message])
        return table

    for group in groups:
        out += ["", f"## {md_text(group.title)} ({len(group.alerts)})", "",
                md_table(headers, rows(group, False), align)]
    if resolved_groups:
        previous = assessment.as_of.minus(1).label if assessment.as_of else ""
        out += ["", f"## Resolved since {md_text(previous)}"]
        for group in resolved_groups:
            out += ["", f"### {md_text(group.title)} ({len(group.alerts)})", "",
                    md_table((*headers[:-2], "state", "message"), rows(group, True), align)]
    return "\n".join(out) + "\n"
