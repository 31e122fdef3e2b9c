"""`config.toml` → Framework and Settings, checked in full before anything else runs.

Every problem names the file, the table (or KPI id) and the key, says what was found and what
was expected; one run reports all of them, not just the first.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pcp_tui.config_framework import read_framework
from pcp_tui.config_reader import ConfigProblem, Reader
from pcp_tui.config_settings import (
    check_import_tables,
    check_publication,
    read_forces,
    read_keys,
    read_report,
    read_settings,
)
from pcp_tui.framework import COMMITMENT_STATUSES, Framework, Settings
from pcp_tui.layouts import DeclaredLayout, read_layouts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["COMMITMENT_STATUSES", "Config", "ConfigError", "ConfigProblem", "load_config"]

PACKAGE_DIR = Path(__file__).resolve().parent

MAX_NESTING = 32  # the framework needs 4 levels ([import.police_uk.population_by_ethnicity.x])


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


TOP_KEYS = {
    "settings", "forces", "sections", "objectives", "sub_objectives", "priorities", "kpis",
    "import", "report", "keys", "data",
}


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
    reader = Reader(str(path))
    reader.unknown_keys(document, TOP_KEYS, "top level")
    forces = read_forces(reader, document.get("forces", {}))
    settings = read_settings(reader, document.get("settings"), forces)
    if settings is not None:
        settings = replace(settings, report=read_report(reader, document.get("report", {})))
    framework = read_framework(reader, document, settings)
    check_import_tables(reader, document.get("import", {}), framework)
    check_publication(reader, settings, framework)
    keys = read_keys(reader, document.get("keys", {}))
    layouts = read_layouts(reader, document.get("data"),
                           settings.force_id if settings is not None else None)
    if reader.problems:
        raise ConfigError(reader.problems)
    assert settings is not None and framework is not None
    return Config(path, framework, settings, keys, layouts)
