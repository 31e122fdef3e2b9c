"""Pieces shared by the printouts and the terminal app: glyphs, sparklines, literal text, the
numbers and alert facts every view shows the same way, and printing without trailing blanks.

The printouts themselves are beside it: `render_tree` (the plan as a tree), `render_alerts`
(the alert table) and `render_kpi` (one KPI).

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
from rich.console import Console, Group, RenderableType
from rich.text import Text

from pcp_tui.framework import (
    UNITS,
    Kpi,
    Milestone,
    Threshold,
    Trajectory,
    Unit,
    population_rate_unit,
)
from pcp_tui.periods import Quarter
from pcp_tui.rules.figures import figure_series
from pcp_tui.rules.national import Z_95, Z_998, NationalPosition, judgement_words

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.dataset import Observations
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


# Printing ----------------------------------------------------------------------------------------


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
