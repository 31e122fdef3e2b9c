"""`config.toml` → Framework and Settings, checked in full before anything else runs.

Every problem names the file, the table (or KPI id) and the key, says what was found and what
was expected; one run reports all of them, not just the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pcp_tui.framework import (
    COMMITMENT_STATUSES,
    OPERATORS,
    RATE_UNITS,
    SPC_METHODS,
    TARGET_KINDS,
    UNITS,
    Commitment,
    Force,
    Framework,
    Kpi,
    Milestone,
    Monitor,
    Objective,
    Priority,
    Section,
    Settings,
    SpcSettings,
    SubObjective,
    Target,
    Threshold,
    Trajectory,
)
from pcp_tui.keymap import KEY_IDS, KEY_WORDS, clashes, key_name, key_problem, split_keys
from pcp_tui.layouts import DeclaredLayout, read_layouts
from pcp_tui.periods import PeriodError, Quarter, Window, parse_window

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["COMMITMENT_STATUSES", "Config", "ConfigError", "ConfigProblem", "load_config"]

PACKAGE_DIR = Path(__file__).resolve().parent
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")  # used with fullmatch: no trailing newline
ID_WORDS = "expected lowercase letters, digits and hyphens"

# The largest magnitude a configured figure may have (a target, a goal, a start value): the same
# bound the data loader holds returns to, far beyond any police statistic and small enough that
# sums, rates and differences of such figures stay finite.
MAX_FIGURE = 1e15
MAX_TOLERANCE_PCT = 1000.0  # a tolerance is a percentage of a baseline or goal
MAX_QUARTERS = 400  # a century of quarters: stale_after_quarters and the SPC lengths
MAX_POPULATION = 10**10
MAX_NESTING = 32  # the framework needs 4 levels ([import.police_uk.population_by_ethnicity.x])


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    file: str
    where: str  # `settings`, `kpis[12] (rape-positive-outcome-rate)`, …
    key: str
    message: str

    def __str__(self) -> str:
        key = f", key '{self.key}'" if self.key else ""
        return f"{self.file}: {self.where}{key}: {self.message}"


class ConfigError(Exception):
    """The config cannot be used; `problems` lists everything that is wrong."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    framework: Framework
    settings: Settings
    keys: Mapping[str, str] = field(default_factory=dict)
    """`[keys]`: binding id → the keys that replace its own (`"j,down"`)."""
    layouts: tuple[DeclaredLayout, ...] = ()
    """`[[data.layout]]`: how returns the loader cannot read alone are laid out."""

    @property
    def data_folder(self) -> Path:
        folder = Path(self.settings.data_folder)
        return folder if folder.is_absolute() else self.path.parent / folder

    @property
    def is_bundled(self) -> bool:
        return self.path.resolve() == bundled_config_path().resolve()

    @property
    def notes_path(self) -> Path:
        """`settings.notes_file`, else beside the config (the user's data folder if bundled)."""
        from pcp_tui.notes import default_notes_path

        if self.settings.notes_file:
            path = Path(self.settings.notes_file).expanduser()
            return path if path.is_absolute() else self.path.parent / path
        return default_notes_path(self.path, self.is_bundled)


def bundled_config_path() -> Path:
    """The framework shipped with the package (or, in a source checkout, the repo's own)."""
    installed = PACKAGE_DIR / "bundled" / "config.toml"
    if installed.exists():
        return installed
    return PACKAGE_DIR.parent / "config.toml"


def locate_config(explicit: str | Path | None, cwd: Path | None = None) -> Path:
    """`--config` wins, then `./config.toml`, then the bundled framework."""
    if explicit:
        return Path(explicit)
    local = (cwd or Path.cwd()) / "config.toml"
    if local.is_file():
        return local
    return bundled_config_path()


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
TOP_KEYS = {
    "settings", "forces", "sections", "objectives", "sub_objectives", "priorities", "kpis",
    "import", "report", "keys", "data",
}
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


def _suggest(word: str, choices: Any) -> str:
    words = [str(c) for c in choices]
    # the same characters in another order first: `=>` means `>=`, not the closer-looking `>`
    close = [c for c in words if sorted(c) == sorted(str(word))] or difflib.get_close_matches(
        str(word), words, n=1, cutoff=0.6
    )
    return f"; did you mean '{_shown(close[0])}'?" if close else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(text: object) -> str:
    """A name as it goes into a message: control characters as escapes (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], str(text))


def _plain(number: float) -> str:
    """`1e+15` as `1,000,000,000,000,000`, `0.5` as `0.5`: a bound as people write it."""
    if float(number).is_integer() and abs(number) < 1e16:
        return f"{int(number):,}"
    return repr(number)


def _type_name(value: Any) -> str:
    return {
        bool: "true/false", int: "a whole number", float: "a number", str: "text",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)


class _Reader:
    """Collects problems while reading one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ConfigProblem] = []

    def problem(self, where: str, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self.file, where, key, message))

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(where, key, "unknown key" + _suggest(key, allowed))

    def get(
        self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
        *, required: bool = True, default: Any = None,
    ) -> Any:
        if key not in table:
            if required:
                self.problem(where, key, "missing; it is required")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a number key must not accept true/false
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            wanted = " or ".join(_type_name(k()) if k is not bool else "true/false" for k in kinds)
            self.problem(where, key, f"found {_type_name(value)} {value!r}; expected {wanted}")
            return default
        return value

    def number(
        self, table: dict[str, Any], key: str, where: str, *, low: float, high: float,
        required: bool = True, default: Any = None, whole: bool = False,
        above: bool = False,
    ) -> Any:
        """A finite number from `low` (excluded when `above`) to `high`, else a problem."""
        value = self.get(table, key, int if whole else (int, float), where,
                         required=required, default=default)
        if key not in table or table[key] is not value:
            return value  # missing, or not a number: reported (when it matters) by get()
        if not math.isfinite(value):
            self.problem(where, key, f"found {value!r}; expected a finite number")
            return default
        if value > high or value < low or (above and value == low):
            if above and low == 0:
                low_words = "a positive number"
            else:
                low_words = f"above {_plain(low)}" if above else f"{_plain(low)} or more"
            self.problem(where, key, f"found {_plain(value)}; expected {low_words} "
                         f"up to {_plain(high)}")
            return default
        return value

    def identifier(self, value: str, where: str, key: str = "id") -> bool:
        if ID_RE.fullmatch(value):
            return True
        self.problem(where, key, f"found {value!r}; {ID_WORDS}")
        return False

    def texts(self, items: list[Any], where: str, key: str) -> list[str]:
        """The text items of a list; anything else (a number, a list, a table) is a problem."""
        for item in items:
            if not isinstance(item, str):
                self.problem(where, key, f"found {_type_name(item)} {item!r} in the list; "
                             "expected text")
        return [item for item in items if isinstance(item, str)]

    def choice(
        self, table: dict[str, Any], key: str, choices: tuple[str, ...] | list[str], where: str,
        *, required: bool = True, default: str | None = None,
    ) -> str | None:
        value = self.get(table, key, str, where, required=required, default=default)
        if value is None or value in choices:
            return value
        self.problem(
            where, key, f"found {value!r}; expected one of {', '.join(choices)}"
            + _suggest(value, choices),
        )
        return default

    def quarter(self, table: dict[str, Any], key: str, where: str) -> Quarter | None:
        text = self.get(table, key, str, where)
        if text is None:
            return None
        try:
            return Quarter.parse(text)
        except PeriodError as err:
            self.problem(where, key, str(err))
            return None

    def window(self, text: Any, where: str, key: str) -> Window | None:
        if not isinstance(text, str):
            self.problem(where, key, f"found {_type_name(text)}; expected text such as '2019/20'")
            return None
        try:
            return parse_window(text)
        except PeriodError as err:
            self.problem(where, key, str(err))
            return None


MAX_CONFIG_BYTES = 4 << 20


def load_config(path: str | Path) -> Config:
    """Read and check a config file; raise ConfigError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as handle:
            # a bounded read: `--config /dev/zero` or a huge file must not fill the memory
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as err:
        raise ConfigError(
            [ConfigProblem(name, "file", "", f"cannot be read: {err.strerror or err}")]
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError([ConfigProblem(
            name, "file", "",
            f"is larger than {MAX_CONFIG_BYTES >> 20} MB, the most a config may be "
            "(the bundled one is under 100 KB); is it the right file?",
        )])
    try:
        document = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ConfigError(
            [ConfigProblem(name, "file", "", f"is not UTF-8 text (byte {err.start})")]
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([ConfigProblem(name, "file", "", f"is not valid TOML: {err}")]) from None
    except RecursionError:  # the TOML reader recurses once per nested array or inline table
        raise ConfigError([ConfigProblem(
            name, "file", "", f"nests arrays or tables too deeply (more than {MAX_NESTING} "
            "levels)")]) from None
    if _nesting(document) > MAX_NESTING:
        raise ConfigError([ConfigProblem(
            name, "file", "", f"nests arrays or tables too deeply (more than {MAX_NESTING} "
            "levels)")])
    return parse_config(document, path)


def _nesting(document: Any) -> int:
    """How deeply tables and arrays nest, counted without recursion (dotted keys such as
    `a.a.a.… = 1` make a deep table the TOML reader builds without recursing)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


def parse_config(document: dict[str, Any], path: Path) -> Config:
    reader = _Reader(str(path))
    reader.unknown_keys(document, TOP_KEYS, "top level")
    forces = _read_forces(reader, document.get("forces", {}))
    settings = _read_settings(reader, document.get("settings"), forces)
    if settings is not None:
        settings = replace(settings, report=_read_report(reader, document.get("report", {})))
    framework = _read_framework(reader, document, settings)
    _check_import_tables(reader, document.get("import", {}), framework)
    _check_publication(reader, settings, framework)
    keys = _read_keys(reader, document.get("keys", {}))
    layouts = read_layouts(reader, document.get("data"),
                           settings.force_id if settings is not None else None)
    if reader.problems:
        raise ConfigError(reader.problems)
    assert settings is not None and framework is not None
    return Config(path, framework, settings, keys, layouts)


def _read_keys(reader: _Reader, table: Any) -> dict[str, str]:
    """`[keys]`: `quarter.earlier = ","`, or a list (`tree.down = ["j", "down"]`)."""
    if not isinstance(table, dict):
        reader.problem("keys", "", f"found {_type_name(table)}; expected a table of "
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
        reader.problem("keys", binding, f"{_shown(key)!r} is also the key of '{other}' "
                       f"({'everywhere' if KEY_IDS[other][0] == 'app' else 'in the same pane'}); "
                       "give one of them another key")
    return keymap


def _read_key(reader: _Reader, keymap: dict[str, str], binding: str, value: Any) -> None:
    if binding not in KEY_IDS:
        reader.problem("keys", _shown(binding), "unknown key binding" + _suggest(
            binding, KEY_IDS))
        return
    if isinstance(value, str):
        keys = split_keys(value)
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        keys = [v.strip() for v in value]
    else:
        reader.problem("keys", binding, f"found {_type_name(value)} {value!r}; {KEY_WORDS}")
        return
    bad = [(key, key_problem(key)) for key in keys if key_problem(key)]
    if bad:
        key, message = bad[0]
        reader.problem("keys", binding, f"found {_shown(value)!r}: {message}; {KEY_WORDS}")
        return
    keymap[binding] = ",".join(key_name(key) for key in keys)


def _check_import_tables(reader: _Reader, imports: Any, framework: Framework | None) -> None:
    """`[import.*]`: which category of a public file feeds which KPI (see pcp_tui.importers)."""
    if not imports:
        return
    if not isinstance(imports, dict):
        reader.problem("import", "", f"found {_type_name(imports)}; expected a table")
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


def _read_forces(reader: _Reader, table: Any) -> dict[str, Force]:
    if not isinstance(table, dict) or not table:
        reader.problem("forces", "", "missing; expected a [forces.<id>] table for each force")
        return {}
    forces = {}
    for force_id, entry in table.items():
        where = f"forces.{_shown(force_id)}"
        reader.identifier(force_id, where, "")
        if not isinstance(entry, dict):
            reader.problem(where, "", f"found {_type_name(entry)}; expected a table")
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
    reader: _Reader, entry: dict[str, Any], where: str,
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
                           f"found {_type_name(value)} {value!r}; expected a positive whole "
                           "number")
            continue
        if quarter in found:
            reader.problem(f"{where}.populations", key,
                           f"{quarter.label} is given twice; expected one figure per edition")
            continue
        found[quarter] = value
    return tuple(sorted(found.items()))


def _read_settings(reader: _Reader, table: Any, forces: dict[str, Force]) -> Settings | None:
    if not isinstance(table, dict):
        reader.problem("settings", "", "missing; expected a [settings] table")
        return None
    where = "settings"
    reader.unknown_keys(table, SETTINGS_KEYS, where)
    home = reader.get(table, "home_force", str, where)
    if home is not None and forces and home not in forces:
        reader.problem(where, "home_force", f"unknown force {home!r}" + _suggest(home, forces))
    comparators = reader.texts(
        reader.get(table, "comparators", list, where, required=False, default=[]),
        where, "comparators",
    )
    for i, item in enumerate(comparators):
        if item not in forces:
            reader.problem(
                where, "comparators", f"unknown force {item!r}" + _suggest(item, forces)
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


def _read_publication(reader: _Reader, table: dict[str, Any]) -> dict[str, int]:
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


def _check_publication(reader: _Reader, settings: Settings | None,
                       framework: Framework | None) -> None:
    """Every source of `[settings.publication]` is the `source` of some KPI: a misspelt one
    would otherwise leave its KPIs on the general setting without a word."""
    if settings is None or framework is None:
        return
    sources = {kpi.source for kpi in framework.kpis}
    for source in settings.publication:
        if source not in sources:
            reader.problem("settings.publication", _shown(source),
                           "no KPI has this source" + _suggest(source, sorted(sources))
                           + "; expected a KPI's `source` text exactly as written")


def _read_report(reader: _Reader, table: Any) -> dict[str, str]:
    """`[report]`: the paper's protective marking, meeting, date, author, agenda item, version;
    each a text (a date may be a TOML date)."""
    if not isinstance(table, dict):
        reader.problem("report", "", f"found {_type_name(table)}; expected a [report] table")
        return {}
    reader.unknown_keys(table, REPORT_KEYS, "report")
    out = {}
    for key, value in table.items():
        if key not in REPORT_KEYS:
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if not isinstance(value, str):
            reader.problem("report", key, f"found {_type_name(value)} {value!r}; expected text")
            continue
        out[key] = value
    return out


def _entries(reader: _Reader, document: dict[str, Any], key: str) -> list[tuple[str, dict]]:
    """The `[[key]]` array, each entry with a label for messages."""
    items = document.get(key, [])
    if not isinstance(items, list):
        reader.problem(key, "", f"found {_type_name(items)}; expected [[{key}]] entries")
        return []
    out = []
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            reader.problem(f"{key}[{i}]", "", f"found {_type_name(entry)}; expected a table")
            continue
        ident = entry.get("id")
        label = f"{key}[{i}] ({_shown(ident)})" if isinstance(ident, str) else f"{key}[{i}]"
        out.append((label, entry))
    return out


def _read_nodes(
    reader: _Reader, document: dict[str, Any], key: str, parent_key: str | None,
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
                               + _suggest(parent, parents))
        if ident is None:
            continue
        reader.identifier(ident, where)
        if ident in seen:
            reader.problem(where, "id", f"duplicate id {ident!r}, already used by {seen[ident]}")
            continue
        seen[ident] = where
        nodes.append((ident, title, parent))
    return nodes


def _read_framework(
    reader: _Reader, document: dict[str, Any], settings: Settings | None
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
    reader: _Reader, entry: dict[str, Any], where: str, order: int, settings: Settings | None,
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
                       + _suggest(objective, objectives))
    if sub is not None:
        if sub not in sub_parent:
            reader.problem(where, "sub_objective", f"unknown sub-objective {sub!r}"
                           + _suggest(sub, sub_parent))
        elif objective is not None and sub_parent[sub] != objective:
            reader.problem(where, "sub_objective", f"{sub!r} belongs to objective "
                           f"{sub_parent[sub]!r}, not {objective!r}")
        elif objective is None:
            objective = sub_parent[sub]
    for item in kpi_priorities:
        if item not in priorities:
            reader.problem(where, "priorities", f"unknown priority {item!r}"
                           + _suggest(item, priorities))
    for item in also_in:
        if item not in places:
            reader.problem(where, "also_in", f"unknown objective or sub-objective {item!r}"
                           + _suggest(item, places))
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
    reader: _Reader, table: dict[str, Any], where: str, settings: Settings | None
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
