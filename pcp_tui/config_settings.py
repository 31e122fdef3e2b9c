"""The config's tables beside the plan: `[forces]`, `[settings]` (with its publication
calendar), `[report]`, `[keys]`, and the checks of `[import.*]` against the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pcp_tui.config_reader import (
    MAX_POPULATION,
    MAX_QUARTERS,
    MAX_TOLERANCE_PCT,
    Reader,
    shown,
    suggest,
    type_name,
)
from pcp_tui.framework import Force, Framework, Settings, SpcSettings
from pcp_tui.keymap import KEY_IDS, KEY_WORDS, clashes, key_name, key_problem, split_keys
from pcp_tui.periods import PeriodError, Quarter, Window

# Schema: allowed keys per table, so that a typo gets a "did you mean".
SETTINGS_KEYS = {
    "home_force", "comparators", "data_folder", "stale_after_quarters",
    "baselines", "tolerances", "spc", "notes_file", "significance_level", "author",
    "publication",
}
# The board paper's front sheet (`[report]`); every key can be given on the command line too.
REPORT_KEYS = {
    "protective_marking", "meeting", "meeting_date", "author", "agenda_item", "version",
    "title", "organisation",
}
TOLERANCE_KEYS = {"trajectory_pct", "milestone_pct", "msf_margin_pct"}
SPC_KEYS = {"screen_outliers", "run_length", "trend_length", "min_points"}
FORCE_KEYS = {"name", "short", "area_code", "population", "population_source", "populations"}


def read_keys(reader: Reader, table: Any) -> dict[str, str]:
    """`[keys]`: `quarter.earlier = ","`, or a list (`tree.down = ["j", "down"]`)."""
    if not isinstance(table, dict):
        reader.problem("keys", "", f"found {type_name(table)}; expected a table of "
                       "key names (`quarter.earlier = \",\"`)")
        return {}
    keymap: dict[str, str] = {}
    for binding, value in table.items():
        if isinstance(value, dict):
            # `[keys]` with `quarter.earlier = …` unquoted is a nested table in TOML
            for name, inner in value.items():
                _read_key(reader, keymap, f"{binding}.{name}", inner)
        else:
            _read_key(reader, keymap, binding, value)
    for key, binding, other in clashes(keymap):
        reader.problem("keys", binding, f"{shown(key)!r} is also the key of '{other}' "
                       f"({'everywhere' if KEY_IDS[other][0] == 'app' else 'in the same pane'}); "
                       "give one of them another key")
    return keymap


def _read_key(reader: Reader, keymap: dict[str, str], binding: str, value: Any) -> None:
    if binding not in KEY_IDS:
        reader.problem("keys", shown(binding), "unknown key binding" + suggest(
            binding, KEY_IDS))
        return
    if isinstance(value, str):
        keys = split_keys(value)
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        keys = [v.strip() for v in value]
    else:
        reader.problem("keys", binding, f"found {type_name(value)} {value!r}; {KEY_WORDS}")
        return
    bad = [(key, key_problem(key)) for key in keys if key_problem(key)]
    if bad:
        key, message = bad[0]
        reader.problem("keys", binding, f"found {shown(value)!r}: {message}; {KEY_WORDS}")
        return
    keymap[binding] = ",".join(key_name(key) for key in keys)


def check_import_tables(reader: Reader, imports: Any, framework: Framework | None) -> None:
    """`[import.*]`: which category of a public file feeds which KPI (see pcp_tui.importers)."""
    if not imports:
        return
    if not isinstance(imports, dict):
        reader.problem("import", "", f"found {type_name(imports)}; expected a table")
        return
    # the importers read the data layer, which reads this module: import them only here
    from pcp_tui.importers.mapping import IMPORT_TABLES, MappingError

    reader.unknown_keys(imports, set(IMPORT_TABLES), "import")
    for key, check in IMPORT_TABLES.items():
        try:
            check(imports.get(key), framework)
        except MappingError as err:
            for message in err.messages:
                reader.problem("import", key, message)


def read_forces(reader: Reader, table: Any) -> dict[str, Force]:
    if not isinstance(table, dict) or not table:
        reader.problem("forces", "", "missing; expected a [forces.<id>] table for each force")
        return {}
    forces = {}
    for force_id, entry in table.items():
        where = f"forces.{shown(force_id)}"
        reader.identifier(force_id, where, "")
        if not isinstance(entry, dict):
            reader.problem(where, "", f"found {type_name(entry)}; expected a table")
            continue
        reader.unknown_keys(entry, FORCE_KEYS, where)
        population = reader.number(entry, "population", where, low=0, high=MAX_POPULATION,
                                   above=True, whole=True, required=False)
        area_code = reader.get(entry, "area_code", str, where, required=False, default="")
        if area_code and not re.fullmatch(r"[EWKSN]\d{8}", area_code.strip().upper()):
            reader.problem(where, "area_code",
                           f"found {area_code!r}; expected an ONS area code such as 'E23000014'")
        forces[force_id] = Force(
            id=force_id,
            name=reader.get(entry, "name", str, where, default=force_id),
            short=reader.get(entry, "short", str, where, required=False, default=force_id),
            area_code=area_code,
            population=population,
            population_source=reader.get(
                entry, "population_source", str, where, required=False, default=""
            ),
            populations=_read_populations(reader, entry, where),
        )
    by_code: dict[str, str] = {}
    for force in forces.values():
        code = force.area_code.strip().upper()
        if code and code in by_code:
            reader.problem(f"forces.{force.id}", "area_code",
                           f"{code} is also the area code of forces.{by_code[code]}; "
                           "expected one force per area code")
        by_code.setdefault(code, force.id)
    return forces


def _read_populations(
    reader: Reader, entry: dict[str, Any], where: str,
) -> tuple[tuple[Quarter, int], ...]:
    """`populations = { "2019/20 Q1" = 2916500, … }`: the population by edition."""
    table = reader.get(entry, "populations", dict, where, required=False, default={})
    found: dict[Quarter, int] = {}
    for key, value in table.items():
        try:
            quarter = Quarter.parse(key)
        except PeriodError as err:
            reader.problem(f"{where}.populations", key, f"{err}; expected a quarter such as "
                           "'2019/20 Q1' (the quarter the edition's 12 months end with)")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            reader.problem(f"{where}.populations", key,
                           f"found {type_name(value)} {value!r}; expected a positive whole "
                           "number")
            continue
        if quarter in found:
            reader.problem(f"{where}.populations", key,
                           f"{quarter.label} is given twice; expected one figure per edition")
            continue
        found[quarter] = value
    return tuple(sorted(found.items()))


def read_settings(reader: Reader, table: Any, forces: dict[str, Force]) -> Settings | None:
    if not isinstance(table, dict):
        reader.problem("settings", "", "missing; expected a [settings] table")
        return None
    where = "settings"
    reader.unknown_keys(table, SETTINGS_KEYS, where)
    home = reader.get(table, "home_force", str, where)
    if home is not None and forces and home not in forces:
        reader.problem(where, "home_force", f"unknown force {home!r}" + suggest(home, forces))
    comparators = reader.texts(
        reader.get(table, "comparators", list, where, required=False, default=[]),
        where, "comparators",
    )
    for i, item in enumerate(comparators):
        if item not in forces:
            reader.problem(
                where, "comparators", f"unknown force {item!r}" + suggest(item, forces)
            )
        elif item == home:
            reader.problem(where, "comparators",
                           f"{item!r} is the home force; expected its most similar forces")
        elif item in comparators[:i]:
            reader.problem(where, "comparators", f"{item!r} is listed twice")

    baselines_table = reader.get(table, "baselines", dict, where)
    baselines: dict[str, Window] = {}
    if baselines_table is not None:
        for key in ("plan", "national"):
            if key not in baselines_table:
                reader.problem("settings.baselines", key, "missing; expected a window")
        for key, text in baselines_table.items():
            window = reader.window(text, "settings.baselines", key)
            if window is not None:
                baselines[key] = window

    tolerances = reader.get(table, "tolerances", dict, where, required=False, default={})
    reader.unknown_keys(tolerances, TOLERANCE_KEYS, "settings.tolerances")
    tol = {
        key: float(reader.number(tolerances, key, "settings.tolerances", low=0,
                                 high=MAX_TOLERANCE_PCT, required=False, default=default))
        for key, default in (("trajectory_pct", 2.0), ("milestone_pct", 2.0),
                             ("msf_margin_pct", 10.0))
    }

    spc_table = reader.get(table, "spc", dict, where, required=False, default={})
    reader.unknown_keys(spc_table, SPC_KEYS, "settings.spc")
    spc = SpcSettings(
        screen_outliers=reader.get(spc_table, "screen_outliers", bool, "settings.spc",
                                   required=False, default=True),
        **{key: reader.number(spc_table, key, "settings.spc", low=2, high=MAX_QUARTERS,
                              whole=True, required=False, default=default)
           for key, default in (("run_length", 7), ("trend_length", 7), ("min_points", 13))},
    )

    stale = reader.number(table, "stale_after_quarters", where, low=0, high=MAX_QUARTERS,
                          whole=True, required=False, default=1)
    publication = _read_publication(
        reader, reader.get(table, "publication", dict, where, required=False, default={}))
    level = reader.number(table, "significance_level", where, low=0.5, high=0.9999,
                          required=False, default=0.95)
    level = float(level if level is not None else 0.95)
    return Settings(
        home_force=home or "",
        comparators=tuple(comparators),
        forces=forces,
        data_folder=reader.get(table, "data_folder", str, where, required=False, default="data"),
        baselines=baselines,
        trajectory_tolerance_pct=tol["trajectory_pct"],
        milestone_tolerance_pct=tol["milestone_pct"],
        msf_margin_pct=tol["msf_margin_pct"],
        stale_after_quarters=stale,
        publication=publication,
        significance_level=level,
        spc=spc,
        notes_file=reader.get(table, "notes_file", str, where, required=False),
        author=reader.get(table, "author", str, where, required=False),
    )


def _read_publication(reader: Reader, table: dict[str, Any]) -> dict[str, int]:
    """`[settings.publication]`: per source (a KPI's `source` text), how many quarters its
    figures may lag and still be judged, for the KPIs that do not set their own
    `stale_after_quarters` (`"Home Office" = 2` for a half-yearly publication)."""
    where = "settings.publication"
    found: dict[str, int] = {}
    for source in table:
        value = reader.number(table, source, where, low=0, high=MAX_QUARTERS, whole=True)
        if value is not None:
            found[source] = value
    return found


def check_publication(reader: Reader, settings: Settings | None,
                       framework: Framework | None) -> None:
    """Every source of `[settings.publication]` is the `source` of some KPI: a misspelt one
    would otherwise leave its KPIs on the general setting without a word."""
    if settings is None or framework is None:
        return
    sources = {kpi.source for kpi in framework.kpis}
    for source in settings.publication:
        if source not in sources:
            reader.problem("settings.publication", shown(source),
                           "no KPI has this source" + suggest(source, sorted(sources))
                           + "; expected a KPI's `source` text exactly as written")


def read_report(reader: Reader, table: Any) -> dict[str, str]:
    """`[report]`: the paper's protective marking, meeting, date, author, agenda item, version;
    each a text (a date may be a TOML date)."""
    if not isinstance(table, dict):
        reader.problem("report", "", f"found {type_name(table)}; expected a [report] table")
        return {}
    reader.unknown_keys(table, REPORT_KEYS, "report")
    out = {}
    for key, value in table.items():
        if key not in REPORT_KEYS:
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if not isinstance(value, str):
            reader.problem("report", key, f"found {type_name(value)} {value!r}; expected text")
            continue
        out[key] = value
    return out
