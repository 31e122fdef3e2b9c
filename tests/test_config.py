"""`config.toml` → Framework and Settings: the valid config loads, files too large or endless
are refused, locate_config finds the file, and whole-file problems are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from broken_configs import WriteConfig, find, problems_of
from conftest import CONFIG_TOML, FORCES_TOML, KPIS_TOML, PLAN_TOML, SETTINGS_TOML

from pcp_tui.config import (
    MAX_CONFIG_BYTES,
    ConfigError,
    bundled_config_path,
    load_config,
    locate_config,
)

# the valid config --------------------------------------------------------------------------


def test_valid_config_loads(config_path: Path) -> None:
    config = load_config(config_path)
    assert config.path == config_path
    assert config.framework.kpi_ids == (
        "residential-burglary", "rape-por", "pcsos", "officer-uplift", "s163",
        "victim-confidence",
    )
    assert config.data_folder == config_path.parent / "data"


def test_config_with_byte_order_mark_loads(write_config: WriteConfig, tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CONFIG_TOML.encode("utf-8"))
    assert load_config(path).settings.home_force == "west-midlands"


def test_a_config_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(CONFIG_TOML + "# padding\n" * (MAX_CONFIG_BYTES // 10), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problem, = caught.value.problems
    assert problem.file == str(path)
    assert f"larger than {MAX_CONFIG_BYTES >> 20} MB" in problem.message


ZERO = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.path.insert(0, sys.argv[1])
from pcp_tui.config import ConfigError, load_config
try:
    load_config("/dev/zero")
except ConfigError as err:
    print(err)
"""


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_config_is_refused_in_bounded_memory() -> None:
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[1])
    # reading it whole would fill the memory; with 1 GB of address space it is a MemoryError
    done = subprocess.run([sys.executable, "-c", ZERO, root], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert "/dev/zero: file: is larger than" in done.stdout


# locate_config ----------------------------------------------------------------------------------


def test_locate_config_explicit_path_wins(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    explicit = tmp_path / "elsewhere" / "mine.toml"
    assert locate_config(explicit, cwd=tmp_path) == explicit
    assert locate_config(str(explicit), cwd=tmp_path) == explicit


def test_locate_config_uses_config_in_working_folder(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    assert locate_config(None, cwd=tmp_path) == tmp_path / "config.toml"


def test_locate_config_defaults_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert locate_config(None) == tmp_path / "config.toml"


def test_locate_config_falls_back_to_bundled(tmp_path: Path) -> None:
    assert locate_config(None, cwd=tmp_path) == bundled_config_path()
    # a folder called config.toml is not a config file
    (tmp_path / "config.toml").mkdir()
    assert locate_config(None, cwd=tmp_path) == bundled_config_path()
    assert bundled_config_path().name == "config.toml"


# whole-file problems ----------------------------------------------------------------------------


def test_invalid_toml_names_line_and_column(write_config: WriteConfig) -> None:
    text = CONFIG_TOML + '\n[[kpis]\nid = "broken"\n'
    line = text.count("\n", 0, text.index("[[kpis]\n")) + 1
    path, problems = problems_of(write_config, text)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.where == "file"
    assert "not valid TOML" in problem.message
    assert f"line {line}" in problem.message
    assert "column" in problem.message
    assert str(path) in str(problem)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "nope.toml")
    assert "cannot be read" in problem.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    text = CONFIG_TOML.replace("West Midlands Police", "West Midlands £")
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "not UTF-8" in caught.value.problems[0].message


def test_missing_settings(write_config: WriteConfig) -> None:
    _, problems = problems_of(write_config, FORCES_TOML + PLAN_TOML + KPIS_TOML)
    assert "[settings]" in find(problems, "settings", "").message


def test_missing_forces_and_kpis(write_config: WriteConfig) -> None:
    _, problems = problems_of(write_config, SETTINGS_TOML + PLAN_TOML)
    assert "forces" in find(problems, "forces", "").message
    assert "[[kpis]]" in find(problems, "kpis", "").message
