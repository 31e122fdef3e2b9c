"""Configs spoilt one thing at a time: the base config plus one extra KPI, the problems a
config raises (each naming its file), and the problem at a table and key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CONFIG_TOML

from pcp_tui.config import (
    ConfigError,
    ConfigProblem,
    load_config,
)

WriteConfig = Callable[..., Path]

# A well-formed extra KPI, seventh in the list (index 6); each case below spoils one thing.
EXTRA_KPI = {
    "id": '"extra"',
    "title": '"Extra KPI"',
    "objective": '"crime"',
    "unit": '"count"',
    "measure": '"flow"',
    "target": '{ kind = "monitor" }',
}
EXTRA_WHERE = "kpis[6] (extra)"


def with_kpi(**changes: str | None) -> str:
    """The base config plus one extra KPI; a change of None drops the key."""
    fields = {**EXTRA_KPI, **changes}
    body = "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)
    return CONFIG_TOML + "\n[[kpis]]\n" + body


def problems_of(write_config: WriteConfig, text: str) -> tuple[Path, list[ConfigProblem]]:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert problems, "a ConfigError must list its problems"
    assert all(p.file == str(path) for p in problems)
    # the exception's text lists every problem, one a line
    assert str(caught.value).count("\n") == len(problems) - 1
    return path, problems


def find(problems: list[ConfigProblem], where: str, key: str) -> ConfigProblem:
    matches = [p for p in problems if p.where == where and p.key == key]
    assert matches, f"no problem at {where} / {key}; got {problems}"
    return matches[0]
