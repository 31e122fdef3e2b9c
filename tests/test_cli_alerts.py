"""`pcp-tui alerts` end to end: the table, JSON checked against its documented schema, CSV and
Markdown, the filters and the exit status; expected content comes from the Assessment."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from printout_runs import (
    CONFIG,
    SEVERITIES,
    copy_config,
    severity_counts,
)

from pcp_tui.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main
from pcp_tui.printouts import (
    ALERT_FIELDS,
    ALERTS_JSON_SCHEMA,
    ALERTS_SCHEMA_DOC,
    csv_safe,
)
from pcp_tui.rules.assess import Assessment

# A hand-written JSON Schema check: the subset of draft 2020-12 that ALERTS_JSON_SCHEMA uses.

_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list, "null": type(None)}


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    errors: list[str] = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]

        def fits(kind: str) -> bool:
            if kind == "integer":
                return isinstance(value, int) and not isinstance(value, bool)
            if kind == "number":
                return isinstance(value, (int, float)) and not isinstance(value, bool)
            return isinstance(value, _TYPES[kind])

        if not any(fits(kind) for kind in types):
            errors.append(f"{where}: {value!r} is not {types}")
            return errors
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "minimum" in schema \
            and value < schema["minimum"]:
        errors.append(f"{where}: {value} < {schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing {key}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{i}]")
    return errors


def test_the_schema_check_catches_mistakes() -> None:
    record = {name: "x" for name in ALERT_FIELDS}
    document = {"format": "pcp-tui-alerts", "version": 1, "as_of": "2021/22 Q2",
                "home_force": "h", "filters": {},
                "counts": dict.fromkeys(SEVERITIES, 0), "alerts": [record], "resolved": []}
    errors = schema_errors(document, ALERTS_JSON_SCHEMA)
    assert any(".state" in e for e in errors)  # "x" is not an allowed state
    assert any(".new" in e for e in errors)  # "x" is not a boolean
    assert schema_errors({**document, "extra": 1}, ALERTS_JSON_SCHEMA)


# alerts ---------------------------------------------------------------------------------------


def test_alerts_table_header_counts_match_the_assessment(run, assessment: Assessment) -> None:
    status, out, _ = run("alerts", "--width", "120")
    counts = severity_counts(assessment.alerts)
    first_lines = "\n".join(out.splitlines()[:2])
    assert f"as of {assessment.as_of.label}" in first_lines
    assert f"{len(assessment.alerts)} firing" in first_lines
    assert f"{len(assessment.resolved)} resolved" in first_lines
    for severity in SEVERITIES:
        assert f"{counts[severity]} {severity}" in first_lines
    # one row per alert: its severity word starts a line
    rows = Counter(m.group(1) for m in re.finditer(
        r"^. (breach|warning|signal|improvement|data)\b", out, re.MULTILINE))
    resolved = severity_counts(assessment.resolved)
    for severity in SEVERITIES:
        assert rows[severity] == counts[severity] + resolved[severity]
    assert status == EXIT_PROBLEMS  # the sample data has breaches


def test_alerts_table_shows_every_message_and_the_resolved(run, assessment: Assessment) -> None:
    _, out, _ = run("alerts", "--width", "160")
    flat = " ".join(out.split())
    for alert in (*assessment.alerts, *assessment.resolved):
        assert " ".join(alert.message.split()) in flat
    assert f"Resolved since {assessment.as_of.minus(1).label}" in out


def test_alerts_json_validates_and_counts_match(run, assessment: Assessment) -> None:
    status, out, _ = run("alerts", "--format", "json")
    document = json.loads(out)
    assert schema_errors(document, ALERTS_JSON_SCHEMA) == []
    assert document["as_of"] == assessment.as_of.label
    assert [r["id"] for r in document["alerts"]] == [a.id for a in assessment.alerts]
    assert document["counts"] == {s: severity_counts(assessment.alerts)[s] for s in SEVERITIES}
    assert Counter(r["severity"] for r in document["alerts"]) == severity_counts(
        assessment.alerts)
    assert [r["id"] for r in document["resolved"]] == [a.id for a in assessment.resolved]
    assert all(list(r) == list(ALERT_FIELDS) for r in document["alerts"])
    assert {r["state"] for r in document["alerts"]} == {"firing"}
    assert status == EXIT_PROBLEMS


def test_alerts_json_records_carry_the_evidence(run, assessment: Assessment) -> None:
    _, out, _ = run("alerts", "--format", "json")
    records = {r["id"]: r for r in json.loads(out)["alerts"]}
    rape = assessment.status("rape-positive-outcome-rate")
    record = next(r for r in records.values()
                  if r["kpi"] == "rape-positive-outcome-rate" and r["rule"] == "target")
    assert record["severity"] == "breach"
    assert record["value"] == pytest.approx(rape.latest_value)
    assert record["unit"] == "percent"
    assert record["target"] == "more than 5%"
    burglary = next(r for r in records.values() if r["rule"] == "revised")
    assert burglary["target"].startswith("was 3,829")
    msf = [r for r in records.values() if r["rule"] == "msf"]
    assert msf and all(r["unit"] == "per-1000" for r in msf)


def test_resolved_alerts_no_longer_fire(run, assessment: Assessment) -> None:
    _, out, _ = run("alerts", "--format", "json")
    document = json.loads(out)
    firing = {(r["kpi"], r["force"], r["rule"]) for r in document["alerts"]}
    assert document["resolved"]
    for record in document["resolved"]:
        assert record["state"] == "resolved"
        assert (record["kpi"], record["force"], record["rule"]) not in firing


def test_alerts_csv_rows_match(run, assessment: Assessment) -> None:
    _, out, _ = run("alerts", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(ALERT_FIELDS)
    firing = [r for r in rows if r["state"] == "firing"]
    assert Counter(r["severity"] for r in firing) == severity_counts(assessment.alerts)
    assert len(rows) == len(assessment.alerts) + len(assessment.resolved)
    assert {r["new"] for r in rows} <= {"true", "false"}
    for row in firing:
        if row["value"]:
            float(row["value"])  # a plain number, never prefixed


def test_alerts_markdown_rows_match(run, assessment: Assessment) -> None:
    _, out, _ = run("alerts", "--format", "markdown")
    rows = Counter(m.group(1) for m in re.finditer(
        r"^\| \S+ \| (breach|warning|signal|improvement|data) \|", out, re.MULTILINE))
    expected = severity_counts(assessment.alerts) + severity_counts(assessment.resolved)
    assert rows == expected
    assert out.startswith(f"# Alerts as of {assessment.as_of.label}")


def test_csv_cells_that_look_like_formulas_are_neutralised() -> None:
    for text in ("=1+1", "+44 121", "-2", "@SUM(A1)", "\t=x"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("fine") == "fine"
    assert csv_safe(3.5) == 3.5


def test_csv_formula_in_a_kpi_title_is_neutralised_end_to_end(run, tmp_path: Path) -> None:
    config = copy_config(tmp_path, 'title = "Positive outcome rate: Rape"',
                         'title = "=HYPERLINK(\\"x\\")"')
    status, out, _ = run("alerts", "--format", "csv", config=config)
    rows = list(csv.DictReader(io.StringIO(out)))
    titles = {r["kpi_title"] for r in rows if r["kpi"] == "rape-positive-outcome-rate"}
    assert titles == {"'=HYPERLINK(\"x\")"}
    assert status == EXIT_PROBLEMS


@pytest.mark.parametrize("severity", SEVERITIES)
def test_severity_filter_is_a_minimum(run, assessment: Assessment, severity: str) -> None:
    _, out, _ = run("alerts", "--format", "json", "--severity", severity)
    rank = SEVERITIES.index(severity)
    expected = [a.id for a in assessment.alerts if SEVERITIES.index(a.severity) <= rank]
    assert [r["id"] for r in json.loads(out)["alerts"]] == expected


def test_objective_and_force_filters(run, assessment: Assessment) -> None:
    framework = assessment.config.framework
    wanted = {k.id for k in framework.kpis if k.objective == "preventing-and-reducing-crime"}
    _, out, _ = run("alerts", "--format", "json", "--objective", "preventing-and-reducing-crime")
    ids = [r["id"] for r in json.loads(out)["alerts"]]
    assert ids == [a.id for a in assessment.alerts if a.kpi in wanted]
    _, out, _ = run("alerts", "--format", "json", "--force", "GMP")
    assert json.loads(out)["alerts"] == []


@pytest.mark.parametrize(("args", "expected"), [
    ((), EXIT_PROBLEMS),  # breaches present, --fail-on breach by default
    (("--fail-on", "none"), EXIT_OK),
    (("--fail-on", "data"), EXIT_PROBLEMS),
    (("--objective", "safer-travel"), EXIT_OK),  # only monitored KPIs there
    (("--objective", "safer-travel", "--fail-on", "warning"), EXIT_OK),
    (("--objective", "safer-travel", "--fail-on", "signal"), EXIT_PROBLEMS),  # a survey signal
    (("--priority", "homicide"), EXIT_OK),
    # homicides are amber (56 against 55: no significant change), which warns of nothing
    (("--priority", "homicide", "--fail-on", "warning"), EXIT_OK),
    (("--severity", "improvement", "--fail-on", "improvement", "--force", "GMP"), EXIT_OK),
    (("--objective", "no-such-objective"), EXIT_USAGE),
    (("--priority", "no-such-priority"), EXIT_USAGE),
    (("--force", "Atlantis"), EXIT_USAGE),
    (("--quarter", "2030/31 Q1"), EXIT_USAGE),
    (("--quarter", "not a quarter"), EXIT_USAGE),
    (("--format", "yaml"), EXIT_USAGE),
    (("--fail-on", "catastrophe"), EXIT_USAGE),
])
def test_alerts_exit_status(run, args: tuple[str, ...], expected: int) -> None:
    status, _, _ = run("alerts", "--format", "json", *args)
    assert status == expected


def test_exit_status_follows_the_assessment(run, assessment: Assessment) -> None:
    framework = assessment.config.framework
    for objective in framework.objectives:
        kpis = {k.id for k in framework.kpis if k.objective == objective.id}
        breach = any(a.kpi in kpis and a.severity == "breach" for a in assessment.alerts)
        status, _, _ = run("alerts", "--format", "csv", "--objective", objective.id)
        assert status == (EXIT_PROBLEMS if breach else EXIT_OK), objective.id


def test_earlier_quarter(run, assessment: Assessment) -> None:
    earlier = assessment.timeline.at(assessment.as_of.minus(4))
    status, out, _ = run("alerts", "--format", "json", "--quarter", earlier.as_of.label)
    document = json.loads(out)
    assert document["as_of"] == earlier.as_of.label
    assert [r["id"] for r in document["alerts"]] == [a.id for a in earlier.alerts]
    breach = any(a.severity == "breach" for a in earlier.alerts)
    assert status == (EXIT_PROBLEMS if breach else EXIT_OK)


def test_no_data_is_not_a_clean_bill_of_health(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    common = ["--config", str(CONFIG), "--data", str(empty), "--notes", str(tmp_path / "n")]
    assert main(["alerts", *common]) == EXIT_USAGE
    assert "no usable data" in capsys.readouterr().err
    assert main(["summary", *common]) == EXIT_OK  # the framework still prints, with a warning
    assert "no usable data" in capsys.readouterr().err


def test_config_error_exits_2(run, tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[settings\n", encoding="utf-8")
    status, out, err = run("alerts", config=bad)
    assert status == EXIT_USAGE
    assert "config cannot be used" in err
    assert out == ""


def test_schema_option_prints_the_documented_schema(run) -> None:
    status, out, _ = run("alerts", "--schema")
    assert status == EXIT_OK
    assert out == ALERTS_SCHEMA_DOC
    for name in ALERT_FIELDS:
        assert f"`{name}`" in ALERTS_SCHEMA_DOC
    record = ALERTS_JSON_SCHEMA["properties"]["alerts"]["items"]
    assert record["required"] == list(ALERT_FIELDS)
    assert list(record["properties"]) == list(ALERT_FIELDS)
