"""The front of the board paper: its metadata, the executive summary and the scorecard of every
KPI, taken from the assessment (never written by the tool: the commentary is the analysts')."""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pcp_tui.render import (
    ASSURANCE_WORDS,
    SPC_WORDS,
    kpi_glyph,
    pct_text,
    value_text,
)
from pcp_tui.rules.explain import test_words

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.rules.assess import Assessment, KpiStatus

META_FIELDS = ("protective_marking", "meeting", "meeting_date", "author", "agenda_item",
               "version", "organisation", "title")
META_LABELS = {
    "protective_marking": "Protective marking", "meeting": "Meeting",
    "meeting_date": "Date of meeting", "author": "Author", "agenda_item": "Agenda item",
    "version": "Version", "organisation": "From",
}
TOP_BREACHES = 5


@dataclass(frozen=True)
class PaperMeta:
    """The front sheet. From `[report]` in the config, each overridable on the command line."""

    protective_marking: str = "OFFICIAL"
    meeting: str = "Strategic Policing and Crime Board"
    meeting_date: str = ""
    author: str = ""
    agenda_item: str = ""
    version: str = "1.0"
    organisation: str = ""
    title: str = ""

    def rows(self) -> list[tuple[str, str]]:
        return [(META_LABELS[k], getattr(self, k)) for k in META_LABELS if getattr(self, k)]


def paper_meta(config_table: dict[str, str], overrides: dict[str, str | None],
               settings_author: str | None, force_name: str) -> PaperMeta:
    """`[report]` from the config, then the command line's values; the author falls back on
    `settings.author`, then the login name."""
    values: dict[str, str] = {k: v for k, v in config_table.items() if k in META_FIELDS}
    values.update({k: v for k, v in overrides.items() if v is not None and k in META_FIELDS})
    if not values.get("author"):
        values["author"] = settings_author or _login()
    values.setdefault("organisation", f"Office of the Police and Crime Commissioner "
                                      f"({force_name})")
    return PaperMeta(**values)


def _login() -> str:
    for name in ("USER", "LOGNAME", "USERNAME"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


# The executive summary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One line of the summary: a KPI, its status mark and the sentence with its evidence."""

    kpi_id: str
    title: str
    glyph: str
    word: str
    style: str
    text: str


@dataclass(frozen=True)
class PriorityLine:
    title: str
    glyph: str
    word: str
    style: str
    text: str
    commentary: str  # "reflections and planned action written" / what is missing


@dataclass(frozen=True)
class ExecutiveSummary:
    previous_quarter: str
    new_breaches: tuple[Headline, ...]
    resolved: tuple[Headline, ...]
    changed: tuple[Headline, ...]  # status changed since the quarter before
    serious: tuple[Headline, ...]  # the five most serious breaches
    improvements: tuple[Headline, ...]
    priorities: tuple[PriorityLine, ...]
    commentary_written: int
    commentary_expected: int
    ordering: str


SERIOUS_ORDER = ("Breaches are ordered by the strength of the evidence: a significant change "
                 "on the baseline first (largest test statistic first), then the size of the "
                 "change on the baseline.")


def _evidence_key(status: KpiStatus) -> tuple[float, float]:
    z = abs(status.change_z) if status.change_z is not None else 0.0
    pct = abs(status.change_pct) if status.change_pct is not None else 0.0
    return (-z, -pct)


def glyph_style(status: KpiStatus) -> str:
    glyph = kpi_glyph(status)
    return {"no data": "grey"}.get(glyph.word, glyph.word)


def executive_summary(assessment: Assessment, priority_lines: Sequence[PriorityLine],
                      written: int, expected: int) -> ExecutiveSummary:
    framework = assessment.config.framework
    home = assessment.home_force
    quarter = assessment.as_of
    statuses = assessment.home_statuses

    def headline(kpi_id: str, text: str, status: KpiStatus | None = None) -> Headline:
        status = status or statuses[kpi_id]
        glyph = kpi_glyph(status)
        return Headline(kpi_id, framework.kpi(kpi_id).title, glyph.char, glyph.word,
                        glyph_style(status), text)

    home_alerts = [a for a in assessment.alerts if a.force == home]
    breaches = [a for a in home_alerts if a.severity == "breach"]
    new_breaches = tuple(headline(a.kpi, a.message) for a in breaches if a.is_new)
    resolved = tuple(headline(a.kpi, f"was a {a.severity} ({_rule_words(a)}); resolved this "
                              "quarter") for a in assessment.resolved if a.force == home)
    changed: list[Headline] = []
    if quarter is not None and quarter.minus(1) in assessment.timeline.quarters:
        before = assessment.timeline.at(quarter.minus(1)).home_statuses
        for kpi in framework.kpis:
            now, then = statuses[kpi.id], before.get(kpi.id)
            if then is None or now.rag == then.rag or now.rag is None or then.rag is None:
                continue
            changed.append(headline(kpi.id, f"from {kpi_glyph(then).word} to "
                                    f"{kpi_glyph(now).word}: {now.explanation}"))
    ranked = sorted({a.kpi: a for a in breaches}.values(),
                    key=lambda a: _evidence_key(statuses[a.kpi]))
    serious = tuple(headline(a.kpi, _with_significance(assessment, a))
                    for a in ranked[:TOP_BREACHES])
    better = sorted({a.kpi: a for a in home_alerts if a.severity == "improvement"}.values(),
                    key=lambda a: _evidence_key(statuses[a.kpi]))
    improvements = tuple(headline(a.kpi, _with_significance(assessment, a))
                         for a in better[:TOP_BREACHES])
    return ExecutiveSummary(
        previous_quarter=quarter.minus(1).label if quarter else "",
        new_breaches=new_breaches, resolved=resolved, changed=tuple(changed), serious=serious,
        improvements=improvements, priorities=tuple(priority_lines),
        commentary_written=written, commentary_expected=expected, ordering=SERIOUS_ORDER)


def _rule_words(alert: Alert) -> str:
    return {"target": "target", "spc": "SPC signal", "msf": "most similar forces",
            "survey": "survey change", "stale": "stale figure"}.get(alert.rule, alert.rule)


def _with_significance(assessment: Assessment, alert: Alert) -> str:
    status = assessment.status(alert.kpi, alert.force)
    test = test_words(status, assessment.config.settings).removeprefix(": ")
    if not test or test in alert.message:
        return alert.message
    return f"{alert.message} Change on the baseline: {test}."


# The scorecard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    kpi_id: str
    title: str
    latest: str
    target: str
    glyph: str
    word: str
    style: str
    change: str  # `-26.3% on 2019/20`
    significance: str  # `a significant fall (p < 0.001)`, or ""
    direction: str  # `↑ better`, `↓ worse`, `→ no change`, or ""
    variation: str | None  # an SPC variation icon id
    variation_words: str
    assurance: str | None
    assurance_words: str
    msf: str  # `3 of 4` (rank 1 best), or ""


@dataclass(frozen=True)
class ScoreGroup:
    section: str
    objective: str
    rows: tuple[ScoreRow, ...]


def _direction(status: KpiStatus, history: Sequence[tuple[object, float]]) -> str:
    """The way the last quarter moved, and whether that is the better way."""
    if len(history) < 2 or status.is_stale:
        return ""
    before, now = history[-2][1], history[-1][1]
    if now == before:
        return "→ no change"
    up = now > before
    better = status.kpi.better
    if better not in ("higher", "lower"):
        return "↑ up" if up else "↓ down"
    good = up == (better == "higher")
    return f"{'↑' if up else '↓'} {'better' if good else 'worse'}"


def score_row(assessment: Assessment, status: KpiStatus,
              history: Sequence[tuple[object, float]]) -> ScoreRow:
    kpi = status.kpi
    glyph = kpi_glyph(status)
    test = test_words(status, assessment.config.settings).removeprefix(": ")
    change = ""
    if status.change_pct is not None and kpi.is_numeric:
        change = f"{pct_text(status.change_pct)} on {status.baseline_label}"
    msf = status.msf
    variation, assurance = status.spc.variation_icon, status.spc.assurance
    return ScoreRow(
        kpi_id=kpi.id, title=kpi.title, latest=value_text(status) if kpi.is_numeric or
        status.commitment_status else "–",
        target=kpi.target.words(kpi.unit), glyph=glyph.char, word=glyph.word,
        style=glyph_style(status), change=change, significance=test,
        direction=_direction(status, history) if kpi.is_numeric else "",
        variation=variation,
        variation_words=SPC_WORDS.get(status.spc.last_point_type or "", "") if variation
        else "",
        assurance=assurance,
        assurance_words=ASSURANCE_WORDS.get(assurance or "", ""),
        msf=(f"{msf.home_rank} of {msf.n}" if msf and msf.home_rank is not None else ""),
    )


def scorecard(assessment: Assessment, series: dict) -> tuple[ScoreGroup, ...]:
    """Every KPI of the plan, grouped by section and objective, in the plan's order."""
    framework = assessment.config.framework
    statuses = assessment.home_statuses
    groups = []
    seen: set[str] = set()
    for section in framework.by_plan():
        for objective in section.children:
            rows = []
            for kpi in objective.walk_kpis():
                if kpi.id in seen:
                    continue
                seen.add(kpi.id)
                rows.append(score_row(assessment, statuses[kpi.id], series.get(kpi.id, [])))
            if rows:
                groups.append(ScoreGroup(section.title, objective.title, tuple(rows)))
        direct = [k for k in section.kpis if k.id not in seen]
        if direct:
            seen.update(k.id for k in direct)
            groups.append(ScoreGroup(section.title, "", tuple(
                score_row(assessment, statuses[k.id], series.get(k.id, [])) for k in direct)))
    rest = [k for k in framework.kpis if k.id not in seen]
    if rest:
        groups.append(ScoreGroup("Other measures", "", tuple(
            score_row(assessment, statuses[k.id], series.get(k.id, [])) for k in rest)))
    return tuple(groups)
