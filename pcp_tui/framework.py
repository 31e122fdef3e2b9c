"""The Police and Crime Plan as data: sections, objectives, KPIs and their targets.

Everything here is frozen: a Framework is built once from `config.toml` and shared by the rules,
the printouts and the terminal app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pcp_tui.periods import Quarter, Window

Better = Literal["higher", "lower", "none"]
Measure = Literal["flow", "stock", "rate"]
Direction = Literal["decrease", "increase", "not-decrease", "not-increase"]
Operator = Literal[">", ">=", "<", "<="]
# what the XmR chart is drawn on: the values, their change from quarter to quarter (a
# cumulative count, a level driven along a planned path), or nothing
SpcMethod = Literal["xmr", "increments", "none"]
SPC_METHODS: tuple[str, ...] = ("xmr", "increments", "none")


@dataclass(frozen=True, slots=True)
class Unit:
    """How a KPI's values are written: `28,675`, `3.9%`, `2.1 per 1,000`, `41 days`."""

    id: str
    suffix: str
    decimals: int
    words: str
    scale: float = 1.0  # numerator/denominator × scale gives the value (100 for percentages)

    def format(self, value: float | None, *, signed: bool = False) -> str:
        if value is None:
            return "–"
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{value:,.{self.decimals}f}{self.suffix}"

    def format_target(self, value: float) -> str:
        """A target as the plan writes it: `5%`, not `5.0%`."""
        if float(value).is_integer():
            return f"{value:,.0f}{self.suffix}"
        return self.format(value)


UNITS: dict[str, Unit] = {
    unit.id: unit
    for unit in (
        Unit("count", "", 0, "number"),
        Unit("percent", "%", 1, "per cent", 100.0),
        Unit("per-1000", " per 1,000", 2, "rate per 1,000", 1000.0),
        Unit("ratio", "×", 2, "ratio"),
        Unit("days", " days", 1, "days"),
        Unit("hours", " h", 0, "hours"),
        Unit("minutes", " min", 1, "minutes"),
        Unit("seconds", " s", 0, "seconds"),
        Unit("score", "", 1, "score"),
        Unit("kg-co2-per-m2", " kgCO₂/m²", 2, "kg CO₂ per m²"),
        Unit("g-co2-per-km", " gCO₂/km", 1, "g CO₂ per km"),
    )
}

RATE_UNITS = ("percent", "per-1000", "ratio")


def population_rate_unit(rate_per: int) -> Unit:
    """How a count per `rate_per` of the population is written (`0.95 per 100,000`)."""
    if rate_per == 1000:
        return UNITS["per-1000"]
    return Unit(f"per-{rate_per}", f" per {rate_per:,}", 2, f"rate per {rate_per:,}",
                float(rate_per))
OPERATORS: dict[str, str] = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}


def compare(value: float, op: str, limit: float) -> bool:
    """Apply a target operator without eval."""
    if op == ">":
        return value > limit
    if op == ">=":
        return value >= limit
    if op == "<":
        return value < limit
    if op == "<=":
        return value <= limit
    raise ValueError(f"unknown operator {op!r}")


# Targets ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Threshold:
    op: Operator
    value: float
    kind: Literal["threshold"] = "threshold"
    # which figure the target is set on: the latest quarter's, or the 12 months' to it (a
    # rate the plan states as a level over the year)
    judge_on: Literal["quarter", "12 months"] = "quarter"

    def words(self, unit: Unit) -> str:
        return f"{OPERATORS[self.op]} {unit.format_target(self.value)}"


@dataclass(frozen=True, slots=True)
class Trajectory:
    direction: Direction
    baseline: Window
    baseline_name: str  # "plan", "national" or the window as written
    tolerance_pct: float
    kind: Literal["trajectory"] = "trajectory"
    # `significance`: a test of the change (counts and rates); `tolerance`: ± tolerance_pct,
    # for targets the plan states as a percentage (and for levels, which no count test fits)
    judged_by: Literal["significance", "tolerance"] = "significance"

    def words(self, unit: Unit) -> str:
        verb = {
            "decrease": "reduce",
            "increase": "increase",
            "not-decrease": "no lower than",
            "not-increase": "no higher than",
        }[self.direction]
        return f"{verb} on {self.baseline.label}"


@dataclass(frozen=True, slots=True)
class Milestone:
    start: Quarter
    deadline: Quarter
    goal: float | None  # an absolute level, or None when the goal is start value + increase
    increase: float | None
    start_value: float | None
    op: Operator
    tolerance_pct: float
    kind: Literal["milestone"] = "milestone"

    def goal_for(self, start_value: float | None) -> float | None:
        """The level to reach: given outright, or the start value plus the increase."""
        if self.goal is not None:
            return self.goal
        if start_value is None or self.increase is None:
            return None
        return start_value + self.increase

    def words(self, unit: Unit) -> str:
        if self.goal is not None:
            return (f"{OPERATORS[self.op]} {unit.format_target(self.goal)} "
                    f"by {self.deadline.label}")
        return (f"+{unit.format_target(self.increase or 0)} on {self.start.label} "
                f"by {self.deadline.label}")


@dataclass(frozen=True, slots=True)
class Monitor:
    kind: Literal["monitor"] = "monitor"

    def words(self, unit: Unit) -> str:
        return "monitor for significant change"


COMMITMENT_STATUSES = ("not-started", "in-progress", "complete", "at-risk")


@dataclass(frozen=True, slots=True)
class Commitment:
    kind: Literal["commitment"] = "commitment"

    def words(self, unit: Unit) -> str:
        return "a commitment: status reported each quarter"


Target = Threshold | Trajectory | Milestone | Monitor | Commitment
TARGET_KINDS = ("threshold", "trajectory", "milestone", "monitor", "commitment")


# The plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    section: str
    title: str


@dataclass(frozen=True, slots=True)
class SubObjective:
    id: str
    objective: str
    title: str


@dataclass(frozen=True, slots=True)
class Priority:
    """One of the six National Crime and Policing Measures."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    title: str
    short: str
    statement: str
    objective: str | None
    sub_objective: str | None
    bullet: str | None
    also_in: tuple[str, ...]
    priorities: tuple[str, ...]
    unit: Unit
    better: Better
    measure: Measure
    source: str
    msf: bool
    target: Target
    order: int
    # how many quarters its figure may lag the as-of quarter and still be judged; None: the
    # settings' `stale_after_quarters` (a half-yearly publication needs 2)
    stale_after_quarters: int | None = None
    # the SPC the series gets (see SpcMethod); the config's default is `increments` for a
    # milestone (its planned path rises by design) and `xmr` otherwise
    spc: SpcMethod = "xmr"
    # quarters from which the control limits are worked out afresh (a change in recording
    # practice, the start of lockdown), and a baseline fixed on the first n points of each stretch
    spc_rebase: tuple[Quarter, ...] = ()
    spc_fixed_after: int | None = None
    # counts are compared between forces per this many of the population: 1,000 for common
    # crimes, 100,000 for rare ones (homicide is about 0.01 per 1,000)
    rate_per: int = 1000

    @property
    def is_numeric(self) -> bool:
        return self.target.kind != "commitment"

    @property
    def per_population(self) -> bool:
        """Counts are compared between forces as rates per `rate_per` of the population."""
        return self.unit.id == "count"

    @property
    def rate_base(self) -> str:
        """`per 1,000` or `per 100,000`."""
        return f"per {self.rate_per:,}"


@dataclass(frozen=True, slots=True)
class Force:
    id: str
    name: str
    short: str
    area_code: str
    population: int | None
    population_source: str
    # the population by edition of the source (Table P3 of the ONS tables), each from the
    # quarter its 12 months end with, in order; empty: `population` throughout
    populations: tuple[tuple[Quarter, int], ...] = ()

    def population_for(self, ends: Quarter | None) -> int | None:
        """The population a window ending with `ends` is rated on: the latest edition at or
        before it (the first edition for an earlier window), else `population`."""
        if not self.populations:
            return self.population
        if ends is None:
            return self.populations[-1][1]
        chosen = self.populations[0][1]
        for quarter, population in self.populations:
            if quarter > ends:
                break
            chosen = population
        return chosen


@dataclass(frozen=True, slots=True)
class SpcSettings:
    screen_outliers: bool = True
    run_length: int = 7
    trend_length: int = 7
    min_points: int = 13


@dataclass(frozen=True, slots=True)
class Settings:
    home_force: str
    comparators: tuple[str, ...]
    forces: dict[str, Force] = field(hash=False)
    data_folder: str
    baselines: dict[str, Window] = field(hash=False)
    trajectory_tolerance_pct: float = 2.0
    significance_level: float = 0.95
    milestone_tolerance_pct: float = 2.0
    msf_margin_pct: float = 10.0
    stale_after_quarters: int = 1
    # `[settings.publication]`: a source's own staleness (its publication cycle), by the
    # KPIs' `source` text; a KPI's own `stale_after_quarters` goes before it
    publication: dict[str, int] = field(default_factory=dict, hash=False)
    spc: SpcSettings = SpcSettings()
    notes_file: str | None = None
    author: str | None = None  # who writes the notes, when --author does not say
    # the board paper's front sheet from `[report]` (protective_marking, meeting, …)
    report: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def all_forces(self) -> tuple[str, ...]:
        """The home force and its most similar forces (the plan's comparison group)."""
        return (self.home_force, *self.comparators)

    @property
    def national_forces(self) -> tuple[str, ...]:
        """Every force of the config: the home force, its most similar forces, then the rest
        of the national list in the config's order."""
        group = self.all_forces
        return (*group, *(f for f in self.forces if f not in group))

    def stale_after(self, kpi: Kpi) -> int:
        """How many quarters the KPI's figure may lag and still be judged: its own setting,
        else its source's publication cycle, else the general setting."""
        if kpi.stale_after_quarters is not None:
            return kpi.stale_after_quarters
        return self.publication.get(kpi.source, self.stale_after_quarters)

    def role(self, force_id: str) -> str:
        """`home`, `most similar` or `national` (in the national list only)."""
        if force_id == self.home_force:
            return "home"
        return "most similar" if force_id in self.comparators else "national"

    def force_id(self, text: str) -> str | None:
        """Resolve a force as written in a data file (id, name or short name, any case)."""
        wanted = " ".join(str(text).split()).casefold()
        for force in self.forces.values():
            names = {force.id, force.name, force.short, force.name.removesuffix(" Police")}
            if wanted in {name.casefold() for name in names if name}:
                return force.id
        return None


@dataclass(frozen=True, slots=True)
class PlanNode:
    """A node of the plan tree: a section, objective, sub-objective or national priority."""

    kind: Literal["section", "objective", "sub_objective", "priority", "unplaced"]
    id: str
    title: str
    children: tuple[PlanNode, ...]
    kpis: tuple[Kpi, ...]

    def walk_kpis(self) -> Iterator[Kpi]:
        yield from self.kpis
        for child in self.children:
            yield from child.walk_kpis()

    def distinct_kpis(self) -> Iterator[Kpi]:
        """The node's KPIs in plan order, each once (a KPI can sit in two places under it)."""
        seen = set()
        for kpi in self.walk_kpis():
            if kpi.id not in seen:
                seen.add(kpi.id)
                yield kpi


@dataclass(frozen=True, slots=True)
class Framework:
    sections: tuple[Section, ...]
    objectives: tuple[Objective, ...]
    sub_objectives: tuple[SubObjective, ...]
    priorities: tuple[Priority, ...]
    kpis: tuple[Kpi, ...]

    def kpi(self, kpi_id: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.id == kpi_id:
                return kpi
        raise KeyError(kpi_id)

    @property
    def kpi_ids(self) -> tuple[str, ...]:
        return tuple(kpi.id for kpi in self.kpis)

    def title_of(self, node_id: str) -> str:
        for group in (self.sections, self.objectives, self.sub_objectives, self.priorities):
            for item in group:
                if item.id == node_id:
                    return item.title
        raise KeyError(node_id)

    def location(self, kpi: Kpi) -> str:
        """Where the KPI sits: `West Midlands Police › Preventing and reducing crime › …`."""
        if kpi.objective is None:
            return "National Crime and Policing Measures"
        objective = next(o for o in self.objectives if o.id == kpi.objective)
        parts = [self.title_of(objective.section), objective.title]
        if kpi.sub_objective:
            parts.append(self.title_of(kpi.sub_objective))
        return " › ".join(parts)

    def _listed_under(self, node_id: str) -> tuple[Kpi, ...]:
        return tuple(kpi for kpi in self.kpis if node_id in kpi.also_in)

    def by_plan(self) -> tuple[PlanNode, ...]:
        """Section → objective → sub-objective → KPI, in the plan's order.

        KPIs with no place in the plan (national-only proxies) come last, in their own node.
        """
        nodes = []
        for section in self.sections:
            objectives = []
            for objective in (o for o in self.objectives if o.section == section.id):
                subs = tuple(
                    PlanNode(
                        "sub_objective",
                        sub.id,
                        sub.title,
                        (),
                        tuple(k for k in self.kpis if k.sub_objective == sub.id)
                        + self._listed_under(sub.id),
                    )
                    for sub in self.sub_objectives
                    if sub.objective == objective.id
                )
                direct = tuple(
                    k for k in self.kpis if k.objective == objective.id and k.sub_objective is None
                ) + self._listed_under(objective.id)
                objectives.append(
                    PlanNode("objective", objective.id, objective.title, subs, direct)
                )
            nodes.append(PlanNode("section", section.id, section.title, tuple(objectives), ()))
        unplaced = tuple(k for k in self.kpis if k.objective is None)
        if unplaced:
            nodes.append(
                PlanNode("unplaced", "national-only", "National measures only", (), unplaced)
            )
        return tuple(nodes)

    def by_priority(self) -> tuple[PlanNode, ...]:
        """The six national priorities, each with its proxy metrics."""
        return tuple(
            PlanNode(
                "priority",
                priority.id,
                priority.title,
                (),
                tuple(k for k in self.kpis if priority.id in k.priorities),
            )
            for priority in self.priorities
        )
