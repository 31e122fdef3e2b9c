"""Pieces shared by the printouts and the terminal app: glyphs, sparklines, literal text.

Status is never shown by colour alone: every status has a glyph. Text that comes from data files,
the config or notes goes through `literal()`, which returns a Rich `Text` (never parsed as markup)
with terminal control characters made visible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from pcp_tui.framework import (
    UNITS,
    Framework,
    Kpi,
    Milestone,
    PlanNode,
    Threshold,
    Trajectory,
    Unit,
    population_rate_unit,
)
from pcp_tui.periods import Quarter
from pcp_tui.rules.explain import (
    NO_SPC_WORDS,
    ON_INCREMENTS,
    SURVEY_SPC_WORDS,
    judged_on_words,
)
from pcp_tui.rules.figures import figure_series
from pcp_tui.rules.national import Z_95, Z_998, NationalPosition, judgement_words

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.dataset import Observations
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment, KpiStatus
    from pcp_tui.rules.status import MsfPosition


@dataclass(frozen=True, slots=True)
class Glyph:
    char: str
    style: str  # a Rich style; the TUI maps these to theme variables
    word: str


RAG_GLYPHS: dict[str | None, Glyph] = {
    "red": Glyph("✖", "bold red", "red"),
    "amber": Glyph("▲", "bold yellow", "amber"),
    "green": Glyph("●", "green", "green"),
    "grey": Glyph("·", "dim", "no data"),
    None: Glyph("○", "cyan", "monitor"),
}
SIGNAL_GLYPH = Glyph("◆", "bold magenta", "signal")
# A figure too old to judge: shown with its own mark, never as "no data" beside a value.
STALE_GLYPH = Glyph("◌", "yellow", "stale")
STALE_MEANING = "figure older than the as-of quarter allows; not judged"
LAGGING_MARK = "†"  # beside a figure for an earlier quarter that is still judged
LAGGING_MEANING = "a figure for an earlier quarter, still judged"
SEVERITY_GLYPHS: dict[str, Glyph] = {
    "breach": Glyph("✖", "bold red", "breach"),
    "warning": Glyph("▲", "bold yellow", "warning"),
    "signal": Glyph("◆", "bold magenta", "signal"),
    "improvement": Glyph("✔", "green", "improvement"),
    "data": Glyph("◇", "blue", "data"),
}

SPARK_CHARS = "▁▂▃▄▅▆▇█"

# C0 and C1 control characters (ESC among them) and the DEL byte; newlines and tabs are kept
# only where the caller allows them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_WITH_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: object, *, newlines: bool = False) -> str:
    """Text with every control character shown as an escape (`\\x1b`), never acted on."""
    pattern = _CONTROL if newlines else _CONTROL_WITH_NEWLINES

    def show(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == "\t":
            return "    " if not newlines else "\t"
        if char == "\n" and not newlines:
            return " ⏎ "
        return f"\\x{ord(char):02x}"

    return pattern.sub(show, "" if text is None else str(text))


def plural(count: int, noun: str) -> str:
    """`1 note`, `2 notes`: the count and the noun, singular for one."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def literal(text: object, style: str = "", *, newlines: bool = False) -> Text:
    """Data as a Rich Text: shown exactly as written, never interpreted as markup."""
    return Text(visible(text, newlines=newlines), style=style)


def status_glyph(rag: str | None, signal: bool = False) -> Glyph:
    """The glyph of a KPI's status: its RAG, or a signal diamond for a monitored KPI."""
    if rag is None and signal:
        return SIGNAL_GLYPH
    return RAG_GLYPHS.get(rag, RAG_GLYPHS["grey"])


def sparkline(values: Sequence[float | None], width: int | None = None) -> str:
    """Block characters scaled to the series' own min–max (print the range beside it)."""
    points = [v for v in values if v is not None and math.isfinite(v)]
    if width is not None and len(points) > width:
        points = points[-width:]
    if not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        return SPARK_CHARS[len(SPARK_CHARS) // 2 - 1] * len(points)
    top = len(SPARK_CHARS) - 1
    if math.isfinite(high - low):
        scaled = [(v - low) / (high - low) for v in points]
    else:  # two finite extremes (1e308 and -1e308): their halves have a finite span
        scaled = [(v / 2 - low / 2) / (high / 2 - low / 2) for v in points]
    return "".join(SPARK_CHARS[min(top, max(0, round(x * top)))] for x in scaled)


def status_legend() -> str:
    """Every status mark and its word, as each view's legend gives it: `✖ red  ▲ amber  …`."""
    glyphs = "  ".join(f"{g.char} {g.word}" for g in (*RAG_GLYPHS.values(), SIGNAL_GLYPH))
    return f"{glyphs}  {STALE_GLYPH.char} {STALE_GLYPH.word}: {STALE_MEANING}"


def rollup_counts(counts: dict[str, int]) -> Text:
    """`✖3 ▲2 ●9 ◆1` — only the statuses that occur."""
    text = Text()
    for key, glyph in (("red", RAG_GLYPHS["red"]), ("amber", RAG_GLYPHS["amber"]),
                       ("green", RAG_GLYPHS["green"]), ("signal", SIGNAL_GLYPH),
                       ("grey", RAG_GLYPHS["grey"]), ("stale", STALE_GLYPH)):
        if counts.get(key):
            if text:
                text.append(" ")
            text.append(f"{glyph.char}{counts[key]}", style=glyph.style)
    return text


NO_SPC_ON_12M = ("no control limits on overlapping 12-month figures (consecutive totals share "
                 "nine months, so the XmR rules do not apply)")
SOURCE_WORDS = {
    "quarters": "from quarterly figures",
    "published": "from published 12-month figures",
}


def msf_heading(msf: MsfPosition) -> str:
    """`the 12 months to 2019/20 Q3; published 12-month figures`: the window and the source
    every force in a comparison is shown for."""
    source = SOURCE_WORDS.get(msf.source or "", "")
    return "; ".join(part for part in (msf.window_label, source) if part) or "no figure"


def national_heading(position: NationalPosition) -> str:
    """`the 12 months to 2019/20 Q3; from published 12-month figures`."""
    source = SOURCE_WORDS.get(position.source or "", "")
    return "; ".join(part for part in (position.window_label, source) if part)


def national_lines(position: NationalPosition, kpi: Kpi, names: dict[str, str]) -> list[str]:
    """The home force's national position in words: rate, national rate, rank, funnel.
    `names` gives each force's name (data text: the caller shows it literally)."""
    fun = position.funnel
    basis = position.basis_words
    better = {"higher": 1, "lower": -1}.get(kpi.better, 0)
    lines = [
        f"{names.get(position.force, position.force)} {position.home.rate:,.2f} {basis}; "
        f"all {position.n} forces with a figure {fun.target:,.2f} "
        f"({position.home.count:,.0f} of {sum(r.count for r in position.forces):,.0f})",
    ]
    if better:
        best = "lowest" if better < 0 else "highest"
        lines.append(f"Rank {position.home.rank} of {position.n} (1 is the {best} rate)")
    lo95, hi95 = fun.limits(position.home.population, Z_95)
    lo99, hi99 = fun.limits(position.home.population, Z_998)
    lines.append(f"Funnel: {judgement_words(position, better)}")
    spread = (f"between-force spread τ = {fun.tau:,.2f} {basis} added (φ = {fun.phi:,.1f})"
              if fun.overdispersed else "no overdispersion beyond Poisson")
    lines.append(f"Limits at a population of {position.home.population:,.0f}: 95 % "
                 f"{lo95:,.2f}–{hi95:,.2f}, 99.8 % {lo99:,.2f}–{hi99:,.2f}; {spread}")
    if position.without:
        lines.append("No figure for the window, left out: "
                     + ", ".join(names.get(f, f) for f in position.without))
    return lines


# Shared view helpers: numbers, histories and alert facts ---------------------------------------
#
# Everything below reads an `Assessment` and never recomputes a rule; the printouts, the board
# report and the terminal app show the same figures.

SPC_WORDS = {
    "common_cause": "common cause",
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "special cause (high)",
    "special_cause_neutral_low": "special cause (low)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "will consistently meet the target",
    "consistent_fail": "will consistently miss the target",
    "inconsistent": "will hit and miss the target",
}
ALERTING = ("breach", "warning", "signal")  # what `--only-alerts` and the board report single out


def pct_text(value: float | None) -> str:
    """`+1.8%`, `-26.3%`, `0.0%`; `–` when there is no change to show."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return "–"
    return f"{value:+.1f}%" if round(value, 1) != 0 else "0.0%"


def number_text(unit: Unit, value: float | None) -> str:
    """A value without its unit suffix (`3.9`, `28,675`): for ranges and table cells."""
    return "–" if value is None else unit.format(value).removesuffix(unit.suffix)


def change_text(unit: Unit, change: float | None) -> str:
    """A difference in the KPI's unit; percentage points for percentages (`-0.5 pp`)."""
    if change is None:
        return "–"
    if unit.id == "percent":
        return f"{change:+.{unit.decimals}f} pp"
    return unit.format(change, signed=True)


def range_text(unit: Unit, values: Sequence[float]) -> str:
    """`3,070–5,052`: what a sparkline spans (it is scaled to its own range)."""
    if not values:
        return ""
    return f"{number_text(unit, min(values))}–{number_text(unit, max(values))}"


def is_signal(status: KpiStatus) -> bool:
    return status.is_signal


def kpi_glyph(status: KpiStatus) -> Glyph:
    """RAG, signal or monitor; a monitored KPI with no figure at all shows as no data, a
    figure too old to judge as stale."""
    if status.is_stale:
        return STALE_GLYPH
    if status.rag is None and status.latest_quarter is None:
        return RAG_GLYPHS["grey"]
    return status_glyph(status.rag, is_signal(status))


def quarter_changes(rows: Sequence[tuple[Quarter, float]]) -> dict[Quarter, float]:
    """Each quarter's change from the quarter just before it (none across a gap)."""
    return {q: v - pv for (pq, pv), (q, v) in zip(rows, rows[1:]) if q.ordinal == pq.ordinal + 1}


def value_text(status: KpiStatus) -> str:
    """The latest figure as the views show it; a commitment shows its status."""
    kpi = status.kpi
    if kpi.target.kind == "commitment":
        return (status.commitment_status or "no status").replace("-", " ")
    if status.twelve_month_only and status.comparison is not None:
        return f"{kpi.unit.format(status.comparison)} (12m)"
    return kpi.unit.format(status.latest_value)


def histories(
    assessment: Assessment, force: str | None = None, kpi_ids: Sequence[str] | None = None,
) -> dict[str, list[tuple[Quarter, float]]]:
    """Every KPI's quarterly values up to the as-of quarter, in one pass over the data."""
    force = force or assessment.home_force
    out: dict[str, list[tuple[Quarter, float]]] = {}
    if assessment.as_of is None:
        return out
    frame = assessment.timeline.observations.frame
    wanted = (pl.col("force") == force) & (pl.col("period") <= assessment.as_of.start)
    if kpi_ids is not None:
        wanted = wanted & pl.col("kpi").is_in(list(kpi_ids))
    rows = figure_series(frame.filter(wanted)).select("kpi", "period", "value")
    for kpi_id, day, value in rows.iter_rows():
        out.setdefault(kpi_id, []).append((Quarter.from_date(day), value))
    return out


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What an alert is about, beside its sentence: the figure and what it is judged against."""

    value: float | None  # in `unit`
    value_text: str
    unit: str  # a unit id from the framework (`count`, `percent`, `per-1000`, …)
    reference: str  # the target, baseline or limits, in words
    short_reference: str  # the same for a narrow table column: `> 5%`, `< 2,463 (2019/20)`


SYMBOLS = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
DIRECTION_SYMBOLS = {"decrease": "<", "increase": ">", "not-increase": "≤", "not-decrease": "≥"}


def short_window(label: str) -> str:
    """`12 months ending June 2019` → `yr to Jun 2019`; `2019/20` stays."""
    if label.startswith("12 months ending "):
        month, _, year = label.removeprefix("12 months ending ").partition(" ")
        return f"yr to {month[:3]} {year}"
    return label


def alert_facts(assessment: Assessment, alert: Alert) -> AlertFacts:
    """The value and the target (or baseline, limits, earlier figure) of an alert.

    A resolved alert is described as it stood in the quarter it last fired.
    """
    framework = assessment.config.framework
    kpi = framework.kpi(alert.kpi)
    unit = kpi.unit

    def facts(value: float | None, full: str, short: str, text: str | None = None,
              unit_id: str = unit.id) -> AlertFacts:
        shown = text if text is not None else (
            UNITS[unit_id].format(value) if unit_id in UNITS else str(value))
        return AlertFacts(value, shown, unit_id, full, short)

    if alert.rule == "revised":
        for rev in assessment.revisions:
            if (rev.kpi, rev.force) == (alert.kpi, alert.force) and alert.id.endswith(
                    f"/revised-{rev.quarter.file_stem}/{alert.quarter.file_stem}"):
                was = unit.format(rev.old_value)
                return facts(rev.new_value, f"was {was} for {rev.quarter.label}",
                             f"was {was} ({rev.quarter.label})")
        return facts(None, "revised figure", "revised", "–")
    at = assessment if alert.quarter == assessment.as_of else assessment.timeline.at(alert.quarter)
    status = at.status(alert.kpi, alert.force)
    target = kpi.target
    if alert.rule == "target":
        if isinstance(target, Trajectory):
            base = unit.format(status.baseline)
            return facts(status.comparison, f"{target.words(unit)}: {base}",
                         f"{DIRECTION_SYMBOLS[target.direction]} {base} "
                         f"({short_window(status.baseline_label)})")
        if isinstance(target, Milestone):
            planned = unit.format(status.milestone_planned)
            return facts(status.latest_value, f"{planned} planned; {target.words(unit)}",
                         f"{planned} planned")
        if target.kind == "commitment":
            return facts(None, "a commitment", "commitment", value_text(status),
                         unit_id="status")
        if isinstance(target, Threshold):
            return facts(status.latest_value, target.words(unit),
                         f"{SYMBOLS[target.op]} {unit.format_target(target.value)}")
        return facts(status.latest_value, target.words(unit), target.words(unit))
    if alert.rule == "msf" and status.msf is not None:
        msf = status.msf
        home = next((e.basis for e in msf.entries if e.force == alert.force), None)
        shown = population_rate_unit(msf.rate_per) if msf.per_population else unit
        mean = shown.format(msf.comparators_mean)
        return facts(home, f"most similar forces' mean {mean}", f"MSF mean {mean}",
                     unit_id=shown.id)
    if alert.rule == "spc":
        limits = (f"{number_text(unit, status.spc.lpl)}–"
                  f"{number_text(unit, status.spc.upl)}")
        if status.spc.on_increments:  # the signal is on the quarter's change, not the level
            return facts(status.spc.last_value,
                         f"quarterly change limits {limits} "
                         f"(mean {number_text(unit, status.spc.mean)})",
                         f"change limits {limits}",
                         unit.format(status.spc.last_value, signed=True))
        return facts(status.latest_value,
                     f"process limits {limits} (mean {number_text(unit, status.spc.mean)})",
                     f"limits {limits}")
    if alert.rule == "survey":
        year_ago = (status.latest_quarter or alert.quarter).minus(4)
        earlier = next((v for q, v in at.history(alert.kpi, alert.force) if q == year_ago), None)
        return facts(status.latest_value,
                     f"{unit.format(earlier)} a year earlier ({year_ago.label})",
                     f"{unit.format(earlier)} a year ago")
    if alert.rule == "stale":
        since = status.latest_quarter.label if status.latest_quarter else "never"
        return facts(status.latest_value, f"last figure for {since}", f"last {since}")
    return facts(status.latest_value, target.words(unit), target.words(unit))


# Alert groups --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertGroup:
    id: str
    title: str
    alerts: tuple[Alert, ...]


OTHER_GROUP = {"plan": ("national-only", "National measures only"),
               "priority": ("no-priority", "Not a national priority measure")}


def group_alerts(
    framework: Framework, alerts: Sequence[Alert], by: str = "plan",
) -> list[AlertGroup]:
    """Alerts under the plan's objectives (or the national priorities), in the plan's order.

    An alert on a KPI that serves two national priorities is listed under each of them.
    """
    kpis = {kpi.id: kpi for kpi in framework.kpis}
    if by == "priority":
        groups = [(p.id, p.title) for p in framework.priorities]
        keys = {k.id: k.priorities for k in framework.kpis}
    else:
        groups = [(o.id, o.title) for o in framework.objectives]
        keys = {k.id: (k.objective,) if k.objective else () for k in framework.kpis}
    other = OTHER_GROUP["priority" if by == "priority" else "plan"]
    members: dict[str, list[Alert]] = {}
    for alert in alerts:
        placed = keys.get(alert.kpi, ()) if alert.kpi in kpis else ()
        for key in placed or (other[0],):
            members.setdefault(key, []).append(alert)
    return [AlertGroup(gid, title, tuple(members[gid]))
            for gid, title in [*groups, other] if members.get(gid)]


def severity_counts(alerts: Sequence[Alert]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITY_GLYPHS, 0)
    for alert in alerts:
        counts[alert.severity] = counts.get(alert.severity, 0) + 1
    return counts


def severity_counts_text(alerts: Sequence[Alert]) -> Text:
    """`✖ 13 breach  ▲ 8 warning  ◆ 9 signal …` — every severity, zeros included."""
    text = Text()
    for severity, count in severity_counts(alerts).items():
        glyph = SEVERITY_GLYPHS[severity]
        if text:
            text.append("  ")
        text.append(f"{glyph.char} {count} {glyph.word}", style=glyph.style if count else "dim")
    return text


def alerts_header(assessment: Assessment, alerts: Sequence[Alert],
                  resolved: Sequence[Alert]) -> Text:
    """The first line of `pcp-tui alerts`: quarter, force and the counts by severity."""
    settings = assessment.config.settings
    quarter = assessment.as_of.label if assessment.as_of else "no data"
    new = sum(alert.is_new for alert in alerts)
    text = Text.assemble(
        ("Alerts as of ", "bold"), (quarter, "bold"), " · ",
        literal(settings.forces[settings.home_force].name), " · ",
        f"{len(alerts)} firing ({new} new), {len(resolved)} resolved",
    )
    text.append("\n")
    text.append_text(severity_counts_text(alerts))
    return text


class AlertTable:
    """Alerts as a table under group headings, each with its sentence on a full-width line.

    Columns: severity, KPI, force, value, target or baseline, since. The sentence goes on the
    line below, indented under the KPI, so it is readable at 80 columns as well as at 200.
    For resolved alerts, pass `firing` (the alerts of the quarter): the last column then says
    `resolved` instead of when the alert started.
    """

    def __init__(
        self, assessment: Assessment, groups: Sequence[AlertGroup], *,
        firing: Sequence[Alert] | None = None, messages: bool = True,
    ) -> None:
        self.assessment = assessment
        self.groups = groups
        self.firing = firing
        self.messages = messages

    def _cells(self, alert: Alert) -> tuple[Text, Text, Text, Text, Text, Text]:
        framework = self.assessment.config.framework
        settings = self.assessment.config.settings
        glyph = SEVERITY_GLYPHS[alert.severity]
        facts = alert_facts(self.assessment, alert)
        kpi = framework.kpi(alert.kpi)
        force = settings.forces.get(alert.force)
        if self.firing is not None:
            last = Text("resolved", style="green")
        elif alert.is_new:
            last = Text("new", style="bold")
        else:
            last = Text(alert.since.label)
        return (
            Text(f"{glyph.char} {glyph.word}", style=glyph.style),
            literal(kpi.short or kpi.title, "bold"),
            literal(force.short if force else alert.force),
            literal(facts.value_text),
            literal(facts.short_reference),
            last,
        )

    HEADERS = ("severity", "KPI", "force", "value", "target/baseline", "since")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = {alert.id + alert.quarter.label: self._cells(alert)
                for group in self.groups for alert in group.alerts}
        width = options.max_width

        def widest(i: int, cap: int) -> int:
            longest = max([len(self.HEADERS[i])] + [c[i].cell_len for c in rows.values()])
            return min(longest, cap)

        sev_w, force_w, value_w = widest(0, 13), widest(2, 12), widest(3, 16)
        ref_w, last_w = widest(4, 26 if width >= 100 else 18), widest(5, 12)
        fixed = sev_w + force_w + value_w + ref_w + last_w + 5
        if width - fixed < 16:  # very narrow: let the reference wrap into a smaller column
            ref_w = max(10, ref_w - (16 - (width - fixed)))

        def grid() -> Table:
            table = Table.grid(padding=(0, 1, 0, 0), expand=True)
            table.add_column(width=sev_w, no_wrap=True)
            table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
            table.add_column(width=force_w, overflow="ellipsis", no_wrap=True)
            table.add_column(width=value_w, justify="right", overflow="fold")
            table.add_column(width=ref_w)
            table.add_column(width=last_w, no_wrap=True, overflow="ellipsis")
            return table

        for number, group in enumerate(self.groups):
            if number:
                yield Text("")
            yield Text.assemble(literal(group.title, "bold underline"),
                                f"  ({len(group.alerts)})")
            header = grid()
            header.add_row(*(Text(h, style="bold") for h in self.HEADERS))
            yield header
            for alert in group.alerts:
                line = grid()
                line.add_row(*rows[alert.id + alert.quarter.label])
                yield line
                if self.messages:
                    yield Padding(literal(alert.message), (0, 0, 0, sev_w + 1))


# The plan as a tree ----------------------------------------------------------------------------


def _ordered_children(node: PlanNode) -> list[PlanNode | Kpi]:
    """A node's own KPIs, then its sub-nodes, each in the plan's order.

    Not by the KPIs' order numbers: a KPI listed under a second place (`also_in`) keeps the
    number of its first place and would pull its second node out of the plan's order.
    """
    return [*node.kpis, *node.children]


def _leaf_value(status: KpiStatus) -> Text:
    value = Text(value_text(status))
    if status.kpi.target.kind != "commitment" and status.freshness == "lagging":
        value.append(LAGGING_MARK, style="yellow")  # a stale figure has its own glyph
    return value


def kpi_line(status: KpiStatus, history: Sequence[tuple[Quarter, float]], *,
             spark_points: int = 12, value_width: int = 10, range_width: int = 13,
             national: bool = False) -> Table:
    """One KPI as a tree leaf: glyph, title, latest value, change on baseline, sparkline, range.

    The columns right of the title have fixed widths, so leaves at every depth line up. With
    `national`, the change is against the national baseline (12 months ending June 2019).
    """
    kpi = status.kpi
    glyph = kpi_glyph(status)
    values = [v for _, v in history][-spark_points:] if kpi.is_numeric else []
    line = Table.grid(padding=(0, 1, 0, 0), expand=True)
    line.add_column(width=1, no_wrap=True)
    line.add_column(ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)
    line.add_column(width=value_width, justify="right", no_wrap=True, overflow="ellipsis")
    line.add_column(width=7, justify="right", no_wrap=True)
    line.add_column(width=spark_points, no_wrap=True)
    line.add_column(width=range_width, no_wrap=True, overflow="ellipsis")
    line.add_row(
        Text(glyph.char, style=glyph.style),
        literal(kpi.short or kpi.title),
        _leaf_value(status),
        Text(pct_text(status.national_change_pct if national else status.change_pct)
             if kpi.is_numeric else ""),
        Text(sparkline(values), style=glyph.style if status.rag in ("red", "amber") else ""),
        Text(range_text(kpi.unit, values), style="dim"),
    )
    return line


class SummaryTree:
    """The plan (or the national priorities) as a Rich tree with glyphs and sparklines.

    Depth counts levels below the heading: 1 sections (or priorities), 2 objectives, 3
    sub-objectives and the KPIs placed directly under an objective, 4 every KPI.
    `only_alerts` keeps the KPIs with a breach, warning or signal alert and their ancestors.
    Below 100 columns the sparklines show 8 quarters instead of 12, to leave room for titles.
    """

    def __init__(self, assessment: Assessment, *, by: str = "plan", depth: int | None = None,
                 only_alerts: bool = False) -> None:
        self.assessment = assessment
        self.by = by
        self.depth = depth
        self.only_alerts = only_alerts

    def tree(self, width: int) -> Tree:
        assessment = self.assessment
        framework = assessment.config.framework
        settings = assessment.config.settings
        statuses = assessment.home_statuses
        series = histories(assessment)
        points = 12 if width >= 100 else 8
        flagged = {a.kpi for a in assessment.alerts if a.severity in ALERTING}
        quarter = assessment.as_of.label if assessment.as_of else "no data"
        heading = "National priorities" if self.by == "priority" else "Police and Crime Plan"
        root = Tree(Text.assemble(
            literal(settings.forces[settings.home_force].name, "bold"), " · ", heading,
            " · as of ", (quarter, "bold")), guide_style="dim")
        nodes = framework.by_priority() if self.by == "priority" else framework.by_plan()
        value_w = min(14, max((_leaf_value(s).cell_len for s in statuses.values()), default=5))
        range_w = min(17, max((len(range_text(k.unit, [v for _, v in series.get(k.id, [])]
                                              [-points:])) for k in framework.kpis), default=5))

        def keep(item: PlanNode | Kpi) -> bool:
            if not self.only_alerts:
                return True
            if isinstance(item, PlanNode):
                return any(k.id in flagged for k in item.walk_kpis())
            return item.id in flagged

        def add(parent: Tree, item: PlanNode | Kpi, level: int) -> None:
            if (self.depth is not None and level > self.depth) or not keep(item):
                return
            if isinstance(item, PlanNode):
                counts = assessment.rollup(item)
                rollup = rollup_counts(counts)
                if counts.get("monitor"):
                    if rollup:
                        rollup.append(" ")
                    rollup.append(f"{RAG_GLYPHS[None].char}{counts['monitor']}",
                                  style=RAG_GLYPHS[None].style)
                branch = parent.add(Text.assemble(
                    literal(item.title, "bold" if level == 1 else ""), "  ", rollup))
                # the national-only node stands for a section and an objective at once
                step = 2 if item.kind == "unplaced" else 1
                for child in _ordered_children(item):
                    add(branch, child, level + (step if isinstance(child, Kpi) else 1))
            else:
                parent.add(kpi_line(statuses[item.id], series.get(item.id, []),
                                    spark_points=points, value_width=value_w,
                                    range_width=range_w, national=self.by == "priority"))

        for node in nodes:
            add(root, node, 1)
        return root

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.tree(options.max_width)


def summary_tree(
    assessment: Assessment, *, by: str = "plan", depth: int | None = None,
    only_alerts: bool = False,
) -> SummaryTree:
    """See `SummaryTree`."""
    return SummaryTree(assessment, by=by, depth=depth, only_alerts=only_alerts)


def summary_legend(by: str = "plan", points: int = 12) -> Text:
    glyphs = f"{status_legend()}\n{LAGGING_MARK} {LAGGING_MEANING}"
    baseline = ("12 months ending June 2019" if by == "priority"
                else "2019/20 for the plan, 12 months ending June 2019 for national measures")
    return Text(
        f"{glyphs}\nColumns: latest figure, change of the comparison value (rolling 12 months "
        f"for counts) on the baseline ({baseline}), the last {points} quarters as a sparkline "
        "scaled "
        "to its own range, and that range.",
        style="dim",
    )


# One KPI -----------------------------------------------------------------------------------


def _facts_grid() -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    return grid


def kpi_printout(
    assessment: Assessment, kpi_id: str, *, force: str | None = None,
    notes: Sequence[Note] = (), history_rows: int | None = None,
) -> Group:
    """Everything about one KPI: where it sits, status, history, SPC, MSF, alerts, notes."""
    framework = assessment.config.framework
    settings = assessment.config.settings
    kpi = framework.kpi(kpi_id)
    force = force or assessment.home_force
    status = assessment.status(kpi_id, force)
    unit = kpi.unit
    glyph = kpi_glyph(status)
    parts: list[RenderableType] = []

    home = force == assessment.home_force
    word = glyph.word if home or status.rag is not None else "context (no target)"
    title = Text.assemble((f"{glyph.char} ", glyph.style), literal(kpi.title, "bold"),
                          "  ", (word, glyph.style))
    parts.append(title)
    parts.append(literal(framework.location(kpi), "dim"))
    parts.append(literal(kpi.statement, "italic") if kpi.statement else Text(""))
    priorities = [framework.title_of(p) for p in kpi.priorities]
    facts = _facts_grid()
    facts.add_row("id", literal(kpi.id))
    facts.add_row("force", literal(settings.forces[force].name if force in settings.forces
                                   else force))
    facts.add_row("as of", Text(status.as_of.label))
    if kpi.is_numeric:
        facts.add_row("unit", literal(
            f"{unit.words}; {kpi.measure}; "
            + {"higher": "higher is better", "lower": "lower is better"}
            .get(kpi.better, "no better direction")))
    facts.add_row("source", literal(kpi.source or "–"))
    if priorities:
        facts.add_row("national priority", literal("; ".join(priorities)))
    judged_on = judged_on_words(kpi.target)
    facts.add_row("target", literal(
        kpi.target.words(unit) + (f"; {judged_on}" if judged_on else "")
        + ("" if home or kpi.target.kind == "monitor" else
                                  f" (judged for {settings.forces[assessment.home_force].name}"
                                  " only)")))
    facts.add_row("latest", literal(
        f"{value_text(status)}"
        + (f" in {status.latest_quarter.label}" if status.latest_quarter else "")
        + (f" ({status.freshness})" if status.freshness not in ("current", "none") else "")))
    if kpi.is_numeric and judged_on and status.year_figure is not None:
        facts.add_row("12 months", literal(
            f"{unit.format(status.year_figure)} in the 12 months to "
            f"{(status.latest_quarter or status.as_of).label}"))
    if kpi.is_numeric:
        facts.add_row("comparison", literal(
            f"{unit.format(status.comparison)} ({status.comparison_label})"))
        facts.add_row("baseline", literal(
            f"{unit.format(status.baseline)} ({status.baseline_label or 'none'}); change "
            f"{change_text(unit, status.change)} ({pct_text(status.change_pct)})"))
        if kpi.priorities or kpi.objective is None:
            facts.add_row("national baseline", literal(
                f"{unit.format(status.national_baseline)} (12 months ending June 2019); "
                f"change {pct_text(status.national_change_pct)}"))
        if status.milestone_goal is not None:
            facts.add_row("milestone", literal(
                f"{unit.format(status.milestone_planned)} planned for "
                f"{(status.latest_quarter or status.as_of).label}; goal "
                f"{unit.format(status.milestone_goal)}"))
        spc = status.spc
        if status.twelve_month_only:
            spc_words = NO_SPC_ON_12M
        elif status.latest_lower is not None and spc.n_points == 0:
            spc_words = (f"{SURVEY_SPC_WORDS}: changes are judged by their 95% intervals")
        elif spc.method == "none":
            spc_words = NO_SPC_WORDS
        elif spc.insufficient:
            spc_words = f"too few quarters for control limits ({spc.n_points})"
        else:
            spc_words = (f"{ON_INCREMENTS}: " if spc.on_increments else "") + (
                         f"mean {unit.format(spc.mean)}, process limits {unit.format(spc.lpl)} "
                         f"to {unit.format(spc.upl)} over {spc.n_points} quarters; latest: "
                         f"{SPC_WORDS.get(spc.last_point_type or '', '–')}")
            if spc.last_special_cause and spc.last_special_cause != "Common Cause":
                spc_words += f" ({spc.last_special_cause})"
            if spc.trial_limits:
                spc_words += "; trial limits (fewer than 13 quarters)"
        facts.add_row("SPC", literal(spc_words))
        if spc.assurance:
            facts.add_row("assurance", literal(ASSURANCE_WORDS.get(spc.assurance,
                                                                   spc.assurance)))
    parts += [Text(""), facts, Text(""), Panel(literal(status.explanation), expand=False,
                                               box=box.ROUNDED)]

    # history
    points = {p.quarter: p for p in assessment.spc_points(kpi_id, force)}
    rows = assessment.history(kpi_id, force)
    if history_rows is not None:
        rows = rows[-history_rows:]
    if rows:
        heading = (f"Published 12-month figures to {status.as_of.label}"
                   if status.twelve_month_only else f"History to {status.as_of.label}")
        parts += [Text(""), Text(heading, style="bold")]
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("12 months to" if status.twelve_month_only else "quarter",
                         no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        # the SPC labels of a cumulative or planned series belong to each quarter's change
        on_increments = status.spc.on_increments
        if on_increments:
            table.add_column("change", justify="right", no_wrap=True)
        has_ci = status.latest_lower is not None
        if has_ci:
            table.add_column("95% interval", no_wrap=True)
        table.add_column("SPC")
        bounds = _interval_rows(assessment, kpi_id, force) if has_ci else {}
        if status.spc.insufficient:  # labels from too short a series would mislead
            points = {}
        increments = quarter_changes(assessment.history(kpi_id, force))
        for quarter, value in rows:
            point = points.get(quarter)
            label = "" if point is None else SPC_WORDS.get(point.point_type, point.point_type)
            if point is not None and point.special_cause_type not in ("Common Cause", None):
                label += f" · {point.special_cause_type}"
            cells = [Text(quarter.label), Text(unit.format(value))]
            if on_increments:
                change = increments.get(quarter)
                cells.append(Text("" if change is None else unit.format(change, signed=True)))
            if has_ci:
                lo, hi = bounds.get(quarter, (None, None))
                cells.append(Text(f"{number_text(unit, lo)}–{number_text(unit, hi)}"
                                  if lo is not None else ""))
            style = {"special_cause_concern": "magenta", "special_cause_improvement": "green"}
            cells.append(Text(label, style=style.get(point.point_type, "") if point else ""))
            table.add_row(*cells)
        parts.append(table)
        values = [v for _, v in rows]
        parts.append(Text.assemble(
            "  ", (sparkline(values), glyph.style), "  ", (range_text(unit, values), "dim")))
    elif kpi.is_numeric:
        parts.append(Text("No figures yet.", style="dim"))

    # most similar forces
    if status.msf is not None:
        msf = status.msf
        parts += [Text(""), Text(f"Most similar forces ({msf_heading(msf)})", style="bold")]
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("force")
        table.add_column("value", justify="right")
        if msf.per_population:
            table.add_column(kpi.rate_base, justify="right")
        if kpi.better in ("higher", "lower"):
            table.add_column("rank", justify="right")
        for entry in sorted(msf.entries, key=lambda e: (e.basis is None, e.rank or 0)):
            name = settings.forces[entry.force].name if entry.force in settings.forces \
                else entry.force
            cells = [literal(name, "bold" if entry.force == force else ""),
                     Text(entry.missing or unit.format(entry.value),
                          style="dim" if entry.missing else "")]
            if msf.per_population:
                cells.append(Text("–" if entry.basis is None else f"{entry.basis:,.2f}"))
            if kpi.better in ("higher", "lower"):
                cells.append(Text("–" if entry.rank is None else str(entry.rank)))
            table.add_row(*cells)
        parts.append(table)
        mean = ("–" if msf.comparators_mean is None else
                f"{msf.comparators_mean:,.2f}" if msf.per_population
                else unit.format(msf.comparators_mean))
        better = {"higher": 1, "lower": -1}.get(kpi.better, 0)
        side = ("" if not better or not msf.gap_pct else
                " (better)" if msf.gap_pct * better > 0 else " (worse)")
        parts.append(Text(
            f"  Comparators' mean {mean}; gap {pct_text(msf.gap_pct)}{side}"
            + ("; the worst of the group" if msf.worst else "")
            + ("; forces without a figure for the window are left out of the rank and the mean"
               if any(e.missing for e in msf.entries) else ""), style="dim"))

    # among all forces
    if status.national is not None:
        position = status.national
        names = {f.id: f.name for f in settings.forces.values()}
        parts += [Text(""), Text(f"All forces ({national_heading(position)})", style="bold")]
        parts += [Text(f"  {line}") for line in national_lines(position, kpi, names)]

    # alerts on this KPI
    mine = [a for a in assessment.alerts if a.kpi == kpi_id and a.force == force]
    if mine:
        parts.append(Text(""))
        parts.append(AlertTable(assessment, [AlertGroup("kpi", "Alerts", tuple(mine))]))

    # notes
    parts.append(Text(""))
    parts.append(Text("Notes", style="bold"))
    if notes:
        for note in sorted(notes, key=lambda n: (n.as_quarter, n.written_at), reverse=True):
            parts.append(note_block(note))
    else:
        parts.append(Text("  No notes for this KPI.", style="dim"))
    return Group(*parts)


def _interval_rows(assessment: Assessment, kpi_id: str,
                   force: str) -> dict[Quarter, tuple[float | None, float | None]]:
    frame = assessment.timeline.observations.frame.filter(
        (pl.col("kpi") == kpi_id) & (pl.col("force") == force))
    return {Quarter.from_date(d): (lo, hi)
            for d, lo, hi in frame.select("period", "lower", "upper").iter_rows()}


def note_block(note: Note, *, quarter: bool = True) -> Group:
    """A note under a one-line heading; its text literally, line breaks kept, long words
    folded rather than cut."""
    head = Text("  ")
    if quarter:
        head.append(f"{note.quarter} ", style="bold")
    head.append(note.kind, style="cyan")
    head.append(" · ")
    head.append_text(literal(note.author or "unknown author", "dim"))
    head.append(" · ")
    head.append(note.written_at[:16].replace("T", " "), style="dim")
    head.append(f" · {note.id[:8]}", style="dim")
    if note.version > 1 or note.withdrawn:
        head.append(f" · version {note.version}"
                    + (", withdrawn" if note.withdrawn else ", edited" if note.change == "edit"
                       else ""), style="dim")
    if note.offered_to:
        head.append(" · offered to ", style="dim")
        head.append_text(literal(note.offered_to, "dim"))
    body = literal(note.text, newlines=True)
    body.overflow = "fold"
    return Group(head, Padding(body, (0, 0, 0, 4)))


def print_trimmed(console: Console, *renderables: RenderableType) -> None:
    """Print; in plain output (piped, NO_COLOR, --no-color) without the spaces Rich pads lines
    with, so a printout pasted into an email or diffed has no trailing blanks."""
    if console.color_system is not None:
        console.print(Group(*renderables))
        return
    with console.capture() as capture:
        console.print(Group(*renderables))
    text = "\n".join(line.rstrip() for line in capture.get().split("\n"))
    console.file.write(text)
    console.file.flush()


def sample_footer(console: Console, observations: Observations) -> None:
    """The printouts' last line when the illustrative sample is among the data."""
    from pcp_tui.provenance import sample_notice

    notice = sample_notice(observations.files)
    if notice:
        print_trimmed(console, Text(""), Text(f"{notice}.", style="bold yellow"))
