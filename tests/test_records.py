"""`validate`, `summary` and `show` as JSON: strict, stable, and the same figures as the views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcp_tui.cli import main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.records import RECORDS_SCHEMA_DOC, dumps
from pcp_tui.rules.assess import build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
STATUS_FIELDS = (
    "kpi", "title", "force", "objective", "sub_objective", "priorities", "unit", "better",
    "measure", "target_kind", "status", "status_word", "freshness", "latest_quarter",
    "latest_value", "value_text", "comparison", "comparison_label", "baseline",
    "baseline_label", "change", "change_pct", "spc_variation", "spc_assurance", "explanation",
)


@pytest.fixture(scope="module")
def assessment():
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


def run(capsys, tmp_path, *argv):
    status = main([*argv, "--config", str(CONFIG), "--data", str(DATA),
                   "--notes", str(tmp_path / "notes.jsonl")])
    out = capsys.readouterr().out
    return status, json.loads(out, parse_constant=lambda name: pytest.fail(name))


def test_summary_json_has_every_kpi_with_its_status(capsys, tmp_path, assessment):
    status, document = run(capsys, tmp_path, "summary", "--format", "json")
    assert status == 0
    assert (document["format"], document["version"]) == ("pcp-tui-summary", 1)
    assert document["as_of"] == assessment.as_of.label
    kpis = assessment.config.framework.kpis
    assert [r["kpi"] for r in document["kpis"]] == [k.id for k in kpis]
    for record in document["kpis"]:
        assert tuple(record) == STATUS_FIELDS
        expected = assessment.status(record["kpi"])
        assert record["status"] == expected.rag
        assert record["latest_value"] == expected.latest_value


def test_show_json_gives_the_history_and_alerts(capsys, tmp_path, assessment):
    status, document = run(capsys, tmp_path, "show", "residential-burglary", "--format", "json")
    assert status == 0
    assert document["format"] == "pcp-tui-show"
    assert document["status"]["kpi"] == "residential-burglary"
    history = assessment.history("residential-burglary")
    assert [(h["quarter"], h["value"]) for h in document["history"]] == [
        (q.label, v) for q, v in history]
    expected = {a.id for a in assessment.alerts if a.kpi == "residential-burglary"
                and a.force == assessment.home_force}
    assert {a["id"] for a in document["alerts"]} == expected


def test_validate_json_lists_problems_with_file_row_and_column(capsys, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "2021-22_Q2.csv").write_text("kpi,value\nhomicides,12\nno-such-kpi,3\n",
                                         encoding="utf-8")
    status = main(["validate", "--format", "json", "--config", str(CONFIG),
                   "--data", str(data)])
    document = json.loads(capsys.readouterr().out)
    assert status == 1
    assert document["format"] == "pcp-tui-validate"
    assert document["kpis"] == sum(document["kpis_by_kind"].values())
    (problem,) = document["problems"]
    assert problem["file"].endswith("2021-22_Q2.csv")
    assert (problem["row"], problem["column"]) == (3, "kpi")
    assert document["data"]["rows"] == 1


def test_json_output_is_strict_even_for_non_finite_numbers():
    text = dumps({"a": float("inf"), "b": [float("nan"), 1.5], "c": {"d": -float("inf")}})
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


def test_the_schema_names_every_status_field():
    for field in STATUS_FIELDS:
        assert f"`{field}`" in RECORDS_SCHEMA_DOC
