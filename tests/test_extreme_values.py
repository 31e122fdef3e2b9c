"""Finite extremes: a figure of 1.7e308 is finite, but its double is not, and the span of two such
figures is not either. Figures beyond what a KPI can hold are problems at load time; JSON output is
strict whatever it is given; a sparkline never turns NaN into an integer."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from pcp_tui.cli import main
from pcp_tui.render import SPARK_CHARS, sparkline

ROOT = Path(__file__).resolve().parents[1]

EXTREME_ROWS = (
    "kpi,force,period,value,numerator,denominator\n"
    # a score may be negative: the span of these two overflows
    "impact-area-harm,WMP,2021/22 Q2,1.7e308,,\n"
    "impact-area-harm,WMP,2021/22 Q1,-1.7e308,,\n"
    # three quarters whose rolling sum overflows
    "homicides,WMP,2021/22 Q2,1.7e308,,\n"
    "homicides,WMP,2021/22 Q1,1.7e308,,\n"
    "homicides,WMP,2020/21 Q4,1e16,,\n"
    # a rate whose numerator and denominator are fine but whose quotient is not
    "rape-positive-outcome-rate,WMP,2021/22 Q2,,1e14,1e-300\n"
)


@pytest.fixture(scope="module")
def extreme(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("extreme")
    shutil.copy(ROOT / "config.toml", folder / "config.toml")
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "data" / "zz-extreme.csv").write_text(EXTREME_ROWS, encoding="utf-8")
    return folder


def run(folder: Path, capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main([*argv, "--config", str(folder / "config.toml"),
                   "--notes", str(folder / "notes.jsonl"), "--no-color", "--width", "160"])
    out = capsys.readouterr()
    return status, out.out, out.err


def strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_figures_beyond_a_kpi_are_problems_naming_file_row_and_column(extreme, capsys):
    status, out, _ = run(extreme, capsys, "validate", "--format", "json")
    assert status == 1
    problems = [p for p in strict_json(out)["problems"] if p["file"].endswith("zz-extreme.csv")]
    assert sorted((p["row"], p["column"]) for p in problems) == [
        (2, "value"), (3, "value"), (4, "value"), (5, "value"), (6, "value"),
        (7, "denominator")]
    assert all("1,000,000,000,000,000" in p["expected"] for p in problems)


@pytest.mark.parametrize("argv", [("summary",), ("show", "impact-area-harm"),
                                  ("show", "homicides"), ("alerts",)], ids=" ".join)
def test_printouts_carry_on_without_the_extreme_rows(extreme, capsys, argv):
    status, out, err = run(extreme, capsys, *argv)
    assert status in (0, 1), err
    assert "unexpected error" not in err


@pytest.mark.parametrize("argv", [("alerts", "--format", "json"), ("summary", "--format", "json"),
                                  ("show", "homicides", "--format", "json")], ids=" ".join)
def test_json_is_strict(extreme, capsys, argv):
    status, out, _ = run(extreme, capsys, *argv)
    assert status in (0, 1)
    strict_json(out)


def test_alerts_json_writes_a_figure_that_is_not_finite_as_null(monkeypatch) -> None:
    from pcp_tui import printouts
    from pcp_tui.config import load_config
    from pcp_tui.dataset import load_observations
    from pcp_tui.rules.assess import build_timeline

    config = load_config(ROOT / "config.toml")
    assessment = build_timeline(config, load_observations([ROOT / "data"], config)).at()
    record = printouts.alert_record

    def infinite(*args, **kwargs):
        return {**record(*args, **kwargs), "value": math.inf}

    monkeypatch.setattr(printouts, "alert_record", infinite)
    document = strict_json(printouts.alerts_json(assessment, assessment.alerts[:1], []))
    assert document["alerts"][0]["value"] is None


@pytest.mark.parametrize("values", [
    [1.7e308, -1.7e308],
    [-1.7e308, 0.0, 1.7e308],
    [math.inf, 1.0, 2.0],
    [math.nan, 1.0, 2.0],
    [5e-324, 0.0, -5e-324],
])
def test_sparkline_of_extremes_is_drawn(values) -> None:
    line = sparkline(values)
    assert line and set(line) <= set(SPARK_CHARS)
