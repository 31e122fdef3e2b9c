"""`pcp-tui validate`, `summary` and `show` as data (`--format json`), with stable schemas.

Each document names its format and version; `RECORDS_SCHEMA_DOC` is the contract (the README
points here). Numbers that are not finite are written as null: the output is always strict JSON.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcp_tui.render import status_glyph, value_text
from pcp_tui.sources import kpi_sources, sources_document

if TYPE_CHECKING:
    from pcp_tui.config import Config
    from pcp_tui.dataset import Observations
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment, KpiStatus

VERSION = 1

RECORDS_SCHEMA_DOC = """\
Machine-readable printouts, format version 1 (`--format json`).

`pcp-tui validate --format json`:

    {"format": "pcp-tui-validate", "version": 1, "config": PATH,
     "kpis_by_kind": {"threshold": N, ...}, "kpis": N,
     "forces": [{"id", "name", "role": "home"|"most similar"|"national", "population",
                 "rows"}],
     "data": {"files": N, "rows": N, "quarters": N, "first": Q|null, "last": Q|null,
              "kpis_with_data": N},
     "revisions": [{"kpi", "force", "quarter", "field", "was", "now", "from", "restated_in"}],
     "problems": [{"file", "row", "column", "found", "expected"}]}

`pcp-tui validate --missing --format json` (the chase list of the newest quarter):

    {"format": "pcp-tui-missing", "version": 1, "quarter": Q|null, "reported": N,
     "expected": N, "partial": BOOL, "last_complete": Q|null,
     "missing": [{"kpi", "title", "source"}]}

`pcp-tui summary --format json`:

    {"format": "pcp-tui-summary", "version": 1, "as_of": Q|null, "home_force": ID,
     "kpis": [STATUS, ...]}   (every KPI of the framework, in the plan's order)

`pcp-tui show KPI --format json`:

    {"format": "pcp-tui-show", "version": 1, "as_of": Q|null, "status": STATUS,
     "history": [{"quarter": Q, "value": X, "special_cause": S, "point_type": S}],
     "alerts": [ALERT, ...], "notes": [NOTE, ...]}

A STATUS has: `kpi`, `title`, `force`, `objective`, `sub_objective`, `priorities` (list),
`unit`, `better`, `measure`, `target_kind`, `status` (`red`, `amber`, `green`, `grey` or null
for a monitored KPI), `status_word` (`breach`, `warning`, `on track`, `no data`, `monitor`,
`signal`), `freshness` (`current`, `lagging`, `stale`, `none`), `latest_quarter`,
`latest_value`, `value_text` (as printed), `comparison`, `comparison_label`, `baseline`,
`baseline_label`, `change`, `change_pct`, `spc_variation`, `spc_assurance`, `explanation`.
ALERT is the record of `pcp-tui alerts --schema`; NOTE has `subject`, `quarter`, `kind`, `text`,
`author`, `written_at`. `special_cause` and `point_type` are null where a quarter has no SPC
label (survey estimates, series too short). Q is a quarter written `2021/22 Q2`. New fields
may be added in a later version; existing fields keep their names, types and meanings.
"""


def finite(value: Any) -> Any:
    """A number JSON can hold: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(document: dict[str, Any]) -> str:
    """Strict JSON (no NaN or Infinity), UTF-8 text, a newline at the end."""
    return json.dumps(_clean(document), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return finite(value)


def validate_document(config: Config, obs: Observations) -> dict[str, Any]:
    framework, settings = config.framework, config.settings
    kinds = Counter(kpi.target.kind for kpi in framework.kpis)
    rows_by_force = dict(obs.frame.group_by("force").len().iter_rows())
    quarters = obs.quarters
    return {
        "format": "pcp-tui-validate",
        "version": VERSION,
        "config": str(config.path),
        "kpis_by_kind": {kind: kinds.get(kind, 0) for kind in
                         ("threshold", "trajectory", "milestone", "monitor", "commitment")},
        "kpis": len(framework.kpis),
        "forces": [
            {"id": force_id, "name": settings.forces[force_id].name,
             "role": settings.role(force_id),
             "population": settings.forces[force_id].population,
             "rows": rows_by_force.get(force_id, 0)}
            for force_id in settings.national_forces
        ],
        "data": {
            "files": len(obs.files), "rows": obs.frame.height, "quarters": len(quarters),
            "first": quarters[0].label if quarters else None,
            "last": quarters[-1].label if quarters else None,
            "kpis_with_data": obs.frame.get_column("kpi").n_unique() if quarters else 0,
        },
        "revisions": [
            {"kpi": r.kpi, "force": r.force, "quarter": r.quarter.label, "field": r.field,
             "was": r.old_value, "now": r.new_value, "from": Path(r.old_file).name,
             "restated_in": Path(r.new_file).name}
            for r in obs.revisions
        ],
        "sources": sources_document(kpi_sources(config, obs)),
        "problems": [
            {"file": p.file, "row": p.row, "column": p.column, "found": p.found,
             "expected": p.expected, "sheet": p.sheet}
            for p in obs.problems
        ],
    }


def missing_document(config: Config, obs: Observations) -> dict[str, Any]:
    from pcp_tui.returns import newest_return

    found = newest_return(config, obs)
    return {
        "format": "pcp-tui-missing",
        "version": VERSION,
        "quarter": found.quarter.label if found.quarter else None,
        "reported": len(found.reported),
        "expected": found.expected,
        "partial": found.partial,
        "last_complete": found.last_complete.label if found.last_complete else None,
        "missing": [{"kpi": kpi.id, "title": kpi.title, "source": kpi.source}
                    for kpi in found.missing],
    }


def status_record(status: KpiStatus) -> dict[str, Any]:
    kpi = status.kpi
    glyph = status_glyph(status.rag, status.is_signal)
    return {
        "kpi": kpi.id, "title": kpi.title, "force": status.force,
        "objective": kpi.objective, "sub_objective": kpi.sub_objective,
        "priorities": list(kpi.priorities), "unit": kpi.unit.id, "better": kpi.better,
        "measure": kpi.measure, "target_kind": kpi.target.kind,
        "status": status.rag, "status_word": glyph.word, "freshness": status.freshness,
        "latest_quarter": status.latest_quarter.label if status.latest_quarter else None,
        "latest_value": status.latest_value, "value_text": value_text(status),
        "comparison": status.comparison, "comparison_label": status.comparison_label,
        "baseline": status.baseline, "baseline_label": status.baseline_label,
        "change": status.change, "change_pct": status.change_pct,
        "spc_variation": status.spc.variation_icon, "spc_assurance": status.spc.assurance,
        "explanation": status.explanation,
    }


def summary_document(assessment: Assessment) -> dict[str, Any]:
    framework = assessment.config.framework
    return {
        "format": "pcp-tui-summary", "version": VERSION,
        "as_of": assessment.as_of.label if assessment.as_of else None,
        "home_force": assessment.home_force,
        "kpis": [status_record(assessment.status(kpi.id)) for kpi in framework.kpis],
    }


def show_document(assessment: Assessment, kpi_id: str, force: str | None,
                  notes: Sequence[Note]) -> dict[str, Any]:
    from pcp_tui.printouts import alert_record

    status = assessment.status(kpi_id, force)
    labels = {p.quarter: p for p in assessment.spc_points(kpi_id, status.force)}
    return {
        "format": "pcp-tui-show", "version": VERSION,
        "as_of": assessment.as_of.label if assessment.as_of else None,
        "status": status_record(status),
        "history": [
            {"quarter": quarter.label, "value": value,
             "special_cause": labels[quarter].special_cause_type if quarter in labels else None,
             "point_type": labels[quarter].point_type if quarter in labels else None}
            for quarter, value in assessment.history(kpi_id, status.force)
        ],
        "alerts": [alert_record(assessment, a) for a in assessment.alerts
                   if a.kpi == kpi_id and a.force == status.force],
        "notes": [{"subject": n.subject, "quarter": n.quarter, "kind": n.kind,
                   "text": n.text, "author": n.author,
                   "written_at": n.written_at} for n in notes],
    }
