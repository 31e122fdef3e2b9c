"""The plan in the config: sections, objectives, sub-objectives and priorities, then each KPI
and its target (threshold, trajectory, milestone, monitor or commitment), into a Framework.
"""

from __future__ import annotations

from typing import Any

from pcp_tui.config_reader import (
    MAX_FIGURE,
    MAX_QUARTERS,
    MAX_TOLERANCE_PCT,
    Reader,
    shown,
    suggest,
    type_name,
)
from pcp_tui.framework import (
    OPERATORS,
    RATE_UNITS,
    SPC_METHODS,
    TARGET_KINDS,
    UNITS,
    Commitment,
    Framework,
    Kpi,
    Milestone,
    Monitor,
    Objective,
    Priority,
    Section,
    Settings,
    SubObjective,
    Target,
    Threshold,
    Trajectory,
)
from pcp_tui.periods import PeriodError, Quarter

# Schema: allowed keys per table, so that a typo gets a "did you mean".
KPI_KEYS = {
    "id", "title", "short", "statement", "objective", "sub_objective", "bullet", "also_in",
    "priorities", "unit", "better", "measure", "source", "msf", "target",
    "stale_after_quarters", "spc", "spc_rebase", "spc_fixed_after", "rate_per",
}
RATE_BASES = (1000, 100000)
TARGET_KEYS = {
    "threshold": {"kind", "op", "value", "judge_on"},
    "trajectory": {"kind", "direction", "baseline", "tolerance_pct", "judged_by"},
    "milestone": {
        "kind", "goal", "increase", "op", "start", "start_value", "deadline", "tolerance_pct",
    },
    "monitor": {"kind"},
    "commitment": {"kind"},
}
DIRECTIONS = ("decrease", "increase", "not-decrease", "not-increase")
JUDGE_ON = ("quarter", "12 months")


def _entries(reader: Reader, document: dict[str, Any], key: str) -> list[tuple[str, dict]]:
    """The `[[key]]` array, each entry with a label for messages."""
    items = document.get(key, [])
    if not isinstance(items, list):
        reader.problem(key, "", f"found {type_name(items)}; expected [[{key}]] entries")
        return []
    out = []
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            reader.problem(f"{key}[{i}]", "", f"found {type_name(entry)}; expected a table")
            continue
        ident = entry.get("id")
        label = f"{key}[{i}] ({shown(ident)})" if isinstance(ident, str) else f"{key}[{i}]"
        out.append((label, entry))
    return out


def _read_nodes(
    reader: Reader, document: dict[str, Any], key: str, parent_key: str | None,
    parents: set[str], seen: dict[str, str],
) -> list[tuple[str, str, str | None]]:
    nodes = []
    allowed = {"id", "title"} | ({parent_key} if parent_key else set())
    for where, entry in _entries(reader, document, key):
        reader.unknown_keys(entry, allowed, where)
        ident = reader.get(entry, "id", str, where)
        title = reader.get(entry, "title", str, where, default="")
        parent = None
        if parent_key:
            parent = reader.get(entry, parent_key, str, where)
            if parent is not None and parent not in parents:
                reader.problem(where, parent_key, f"unknown {parent_key} {parent!r}"
                               + suggest(parent, parents))
        if ident is None:
            continue
        reader.identifier(ident, where)
        if ident in seen:
            reader.problem(where, "id", f"duplicate id {ident!r}, already used by {seen[ident]}")
            continue
        seen[ident] = where
        nodes.append((ident, title, parent))
    return nodes


def read_framework(
    reader: Reader, document: dict[str, Any], settings: Settings | None
) -> Framework | None:
    seen: dict[str, str] = {}
    sections = [Section(i, t) for i, t, _ in
                _read_nodes(reader, document, "sections", None, set(), seen)]
    objectives = [Objective(i, p or "", t) for i, t, p in _read_nodes(
        reader, document, "objectives", "section", {s.id for s in sections}, seen)]
    subs = [SubObjective(i, p or "", t) for i, t, p in _read_nodes(
        reader, document, "sub_objectives", "objective", {o.id for o in objectives}, seen)]
    priorities = [Priority(i, t) for i, t, _ in
                  _read_nodes(reader, document, "priorities", None, set(), seen)]
    if not document.get("kpis"):
        reader.problem("kpis", "", "missing; expected [[kpis]] entries")

    places = {o.id for o in objectives} | {s.id for s in subs}
    sub_parent = {s.id: s.objective for s in subs}
    kpis: list[Kpi] = []
    kpi_seen: dict[str, str] = {}
    shorts: dict[str, str] = {}
    for order, (where, entry) in enumerate(_entries(reader, document, "kpis")):
        kpi = _read_kpi(reader, entry, where, order, settings,
                        objectives={o.id for o in objectives}, sub_parent=sub_parent,
                        places=places, priorities={p.id for p in priorities})
        if kpi is None:
            continue
        if kpi.id in kpi_seen or kpi.id in seen:
            first = kpi_seen.get(kpi.id) or seen.get(kpi.id)
            reader.problem(where, "id", f"duplicate id {kpi.id!r}, already used by {first}")
            continue
        if kpi.short in shorts:
            reader.problem(where, "short", f"duplicate short title {kpi.short!r}, "
                           f"already used by {shorts[kpi.short]}")
        shorts[kpi.short] = where
        kpi_seen[kpi.id] = where
        kpis.append(kpi)
    return Framework(tuple(sections), tuple(objectives), tuple(subs), tuple(priorities),
                     tuple(kpis))


def _read_kpi(
    reader: Reader, entry: dict[str, Any], where: str, order: int, settings: Settings | None,
    *, objectives: set[str], sub_parent: dict[str, str], places: set[str], priorities: set[str],
) -> Kpi | None:
    reader.unknown_keys(entry, KPI_KEYS, where)
    ident = reader.get(entry, "id", str, where)
    if ident is not None:
        reader.identifier(ident, where)
    title = reader.get(entry, "title", str, where, default="")
    objective = reader.get(entry, "objective", str, where, required=False)
    sub = reader.get(entry, "sub_objective", str, where, required=False)
    kpi_priorities = reader.texts(
        reader.get(entry, "priorities", list, where, required=False, default=[]),
        where, "priorities",
    )
    also_in = reader.texts(
        reader.get(entry, "also_in", list, where, required=False, default=[]), where, "also_in"
    )
    if objective is not None and objective not in objectives:
        reader.problem(where, "objective", f"unknown objective {objective!r}"
                       + suggest(objective, objectives))
    if sub is not None:
        if sub not in sub_parent:
            reader.problem(where, "sub_objective", f"unknown sub-objective {sub!r}"
                           + suggest(sub, sub_parent))
        elif objective is not None and sub_parent[sub] != objective:
            reader.problem(where, "sub_objective", f"{sub!r} belongs to objective "
                           f"{sub_parent[sub]!r}, not {objective!r}")
        elif objective is None:
            objective = sub_parent[sub]
    for item in kpi_priorities:
        if item not in priorities:
            reader.problem(where, "priorities", f"unknown priority {item!r}"
                           + suggest(item, priorities))
    for item in also_in:
        if item not in places:
            reader.problem(where, "also_in", f"unknown objective or sub-objective {item!r}"
                           + suggest(item, places))
    if objective is None and not kpi_priorities:
        reader.problem(where, "objective", "the KPI has no place in the plan; expected an "
                       "objective (or sub_objective) or at least one national priority")

    unit_id = reader.choice(entry, "unit", tuple(UNITS), where)
    better = reader.choice(entry, "better", ("higher", "lower", "none"), where,
                           required=False, default="none")
    measure = reader.choice(entry, "measure", ("flow", "stock", "rate"), where, default="flow")
    # (an unknown or missing unit is reported above; do not also blame the fallback `count`)
    if measure == "rate" and unit_id is not None and unit_id not in RATE_UNITS:
        reader.problem(where, "unit", f"a rate needs a unit of {', '.join(RATE_UNITS)}, "
                       f"not {unit_id!r}")
    target_table = reader.get(entry, "target", dict, where)
    target = (
        _read_target(reader, target_table, f"{where}.target", settings)
        if target_table is not None else None
    )
    if (isinstance(target, Threshold) and target.judge_on == "12 months"
            and measure == "stock"):
        reader.problem(f"{where}.target", "judge_on", "a level (measure = \"stock\") has no "
                       "12-month figure; expected 'quarter', or a flow or a rate")
    stale_after = reader.get(entry, "stale_after_quarters", int, where, required=False)
    if stale_after is not None and stale_after < 0:
        reader.problem(where, "stale_after_quarters", f"found {stale_after}; expected 0 or more")
        stale_after = None
    # a milestone's series rises along its planned path by design: XmR on the levels would
    # call the plan itself a special cause, so its default is the change each quarter
    spc_default = "increments" if isinstance(target, Milestone) else "xmr"
    spc = reader.choice(entry, "spc", SPC_METHODS, where, required=False, default=spc_default)
    rebase: list[Quarter] = []
    for text in reader.texts(reader.get(entry, "spc_rebase", list, where, required=False,
                                        default=[]), where, "spc_rebase"):
        try:
            rebase.append(Quarter.parse(text))
        except PeriodError as err:
            reader.problem(where, "spc_rebase", f"{err}; expected quarters such as '2020/21 Q1'")
    fixed_after = reader.number(entry, "spc_fixed_after", where, low=2, high=MAX_QUARTERS,
                                whole=True, required=False)
    rate_per = reader.get(entry, "rate_per", int, where, required=False, default=1000)
    if rate_per not in RATE_BASES:
        reader.problem(where, "rate_per", f"found {rate_per}; expected 1000 (per 1,000 "
                       "population) or 100000 (per 100,000, for rare crimes such as homicide)")
        rate_per = 1000
    elif "rate_per" in entry and (unit_id or "count") != "count":
        reader.problem(where, "rate_per", f"a KPI in {unit_id!r} is not compared per "
                       "population; expected rate_per only on a count")
    if ident is None or target is None:
        return None
    return Kpi(
        id=ident,
        title=title,
        short=reader.get(entry, "short", str, where, required=False, default=title[:24]),
        statement=reader.get(entry, "statement", str, where, required=False, default=""),
        objective=objective,
        sub_objective=sub,
        bullet=reader.get(entry, "bullet", str, where, required=False),
        also_in=tuple(also_in),
        priorities=tuple(kpi_priorities),
        unit=UNITS[unit_id or "count"],
        better=better or "none",  # type: ignore[arg-type]
        measure=measure or "flow",  # type: ignore[arg-type]
        source=reader.get(entry, "source", str, where, required=False, default=""),
        msf=reader.get(entry, "msf", bool, where, required=False, default=False),
        target=target,
        order=order,
        stale_after_quarters=stale_after,
        spc=spc or spc_default,  # type: ignore[arg-type]
        spc_rebase=tuple(sorted(set(rebase))),
        spc_fixed_after=fixed_after,
        rate_per=rate_per,
    )


def _read_target(
    reader: Reader, table: dict[str, Any], where: str, settings: Settings | None
) -> Target | None:
    kind = reader.choice(table, "kind", TARGET_KINDS, where)
    if kind is None:
        return None
    reader.unknown_keys(table, TARGET_KEYS[kind], where)
    if kind == "threshold":
        op = reader.choice(table, "op", tuple(OPERATORS), where)
        value = reader.number(table, "value", where, low=-MAX_FIGURE, high=MAX_FIGURE)
        judge_on = reader.choice(table, "judge_on", JUDGE_ON, where, required=False,
                                 default="quarter")
        if op is None or value is None:
            return None
        return Threshold(op, float(value),  # type: ignore[arg-type]
                         judge_on=judge_on or "quarter")  # type: ignore[arg-type]
    if kind == "trajectory":
        direction = reader.choice(table, "direction", DIRECTIONS, where)
        name = reader.get(table, "baseline", str, where, required=False, default="plan")
        tolerance = reader.number(table, "tolerance_pct", where, low=0, high=MAX_TOLERANCE_PCT,
                                  required=False,
                                  default=settings.trajectory_tolerance_pct if settings else 2.0)
        baselines = settings.baselines if settings else {}
        if name in baselines:
            window = baselines[name]
        elif name in ("plan", "national"):
            return None  # already reported under settings.baselines
        else:
            window = reader.window(name, where, "baseline")
        if direction is None or window is None:
            return None
        judged_by = reader.choice(table, "judged_by", ("significance", "tolerance"), where,
                                  required=False, default="significance")
        return Trajectory(direction, window, name, float(tolerance),  # type: ignore[arg-type]
                          judged_by=judged_by or "significance")  # type: ignore[arg-type]
    if kind == "milestone":
        goal = reader.number(table, "goal", where, low=-MAX_FIGURE, high=MAX_FIGURE,
                             required=False)
        increase = reader.number(table, "increase", where, low=-MAX_FIGURE, high=MAX_FIGURE,
                                 required=False)
        if ("goal" in table) == ("increase" in table):
            reader.problem(where, "goal", "expected exactly one of 'goal' (a level) or "
                           "'increase' (a rise on the start value)")
        start = reader.quarter(table, "start", where)
        deadline = reader.quarter(table, "deadline", where)
        if start and deadline and deadline <= start:
            reader.problem(where, "deadline", f"{deadline} is not after the start {start}")
        op = reader.choice(table, "op", (">", ">="), where, required=False, default=">=")
        start_value = reader.number(table, "start_value", where, low=-MAX_FIGURE,
                                    high=MAX_FIGURE, required=False)
        tolerance = reader.number(table, "tolerance_pct", where, low=0, high=MAX_TOLERANCE_PCT,
                                  required=False,
                                  default=settings.milestone_tolerance_pct if settings else 2.0)
        if start is None or deadline is None or (goal is None) == (increase is None):
            return None
        return Milestone(
            start=start, deadline=deadline,
            goal=None if goal is None else float(goal),
            increase=None if increase is None else float(increase),
            start_value=None if start_value is None else float(start_value),
            op=op or ">=",  # type: ignore[arg-type]
            tolerance_pct=float(tolerance),
        )
    if kind == "monitor":
        return Monitor()
    return Commitment()
