"""Property tests: whatever a config file holds, only ConfigError ever escapes."""

from __future__ import annotations

import json
import math

from conftest import CONFIG_TOML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcp_tui.config import Config, ConfigError, load_config
from pcp_tui.config_reader import ID_RE, MAX_FIGURE, MAX_POPULATION, MAX_QUARTERS, MAX_TOLERANCE_PCT

LINES = CONFIG_TOML.splitlines()
VALUE_LINES = [i for i, line in enumerate(LINES) if " = " in line]

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["[/bold]", "[link=x]y[/link]", "\x1b]52;c;AAAA\x07", "2021/22 Q5",
                     "12 months ending Smarch 2019", "=>", "", "west-midlands", "count"]),
)
toml_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


def toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is a JSON string
    return "[" + ", ".join(toml_literal(v) for v in value) + "]"  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.sampled_from(VALUE_LINES), toml_values), max_size=6),
    dropped=st.sets(st.sampled_from(range(len(LINES))), max_size=4),
)
def test_mutated_configs_load_or_raise_config_error(tmp_path, edits, dropped):
    lines = list(LINES)
    for index, value in edits:
        key = lines[index].split(" = ", 1)[0]
        lines[index] = f"{key} = {toml_literal(value)}"
    text = "\n".join(line for i, line in enumerate(lines) if i not in dropped) + "\n"
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path)
    except ConfigError as error:
        assert error.problems
        assert all(str(problem).startswith(str(path)) for problem in error.problems)
    else:
        assert isinstance(config, Config)
        assert_sane(config)


def assert_sane(config: Config) -> None:
    """What loads is usable: every configured number finite and in range, every id a slug."""
    s = config.settings
    for value in (s.trajectory_tolerance_pct, s.milestone_tolerance_pct, s.msf_margin_pct):
        assert math.isfinite(value) and 0 <= value <= MAX_TOLERANCE_PCT
    assert 0 <= s.stale_after_quarters <= MAX_QUARTERS
    for length in (s.spc.run_length, s.spc.trend_length, s.spc.min_points):
        assert 2 <= length <= MAX_QUARTERS
    for force in s.forces.values():
        assert ID_RE.fullmatch(force.id)
        assert force.population is None or 0 < force.population <= MAX_POPULATION
    for kpi in config.framework.kpis:
        assert ID_RE.fullmatch(kpi.id)
        for name in ("value", "goal", "increase", "start_value", "tolerance_pct"):
            figure = getattr(kpi.target, name, None)
            assert figure is None or (math.isfinite(figure) and abs(figure) <= MAX_FIGURE)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_config_error(tmp_path, data):
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    try:
        config = load_config(path)
    except ConfigError as error:
        assert error.problems
    else:  # a few bytes can only be a valid config by accident; it must still be one
        assert isinstance(config, Config)
        assert_sane(config)
