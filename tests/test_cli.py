"""The printout commands end to end: `alerts`, `summary`, `show`, `note`, `report` (briefly;
tests/test_report.py reads the report closely), on the bundled config and sample data.

Expected content comes from the Assessment the commands print, never from the printout itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from pcp_tui.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.printouts import (
    ALERT_FIELDS,
    ALERTS_JSON_SCHEMA,
    ALERTS_SCHEMA_DOC,
    csv_safe,
)
from pcp_tui.rules.assess import Assessment, build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
SEVERITIES = ("breach", "warning", "signal", "improvement", "data")
ESC = "\x1b"


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


@pytest.fixture
def notes_file(tmp_path: Path) -> Path:
    return tmp_path / "notes.jsonl"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], notes_file: Path, monkeypatch: pytest.MonkeyPatch):
    """`pcp-tui ARGS` on the bundled config and data; returns (status, stdout, stderr)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def call(*args: str, config: Path = CONFIG) -> tuple[int, str, str]:
        argv = [*args, "--config", str(config), "--data", str(DATA), "--notes", str(notes_file)]
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse: --help, bad choices
            status = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return call


def severity_counts(alerts: Any) -> Counter[str]:
    return Counter(a.severity for a in alerts)


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


# terminal manners -----------------------------------------------------------------------------


PRINTOUTS = [
    ("alerts",),
    ("summary",),
    ("show", "rape-positive-outcome-rate"),
    ("note", "list"),
]


@pytest.mark.parametrize("command", PRINTOUTS)
def test_no_color_env_gives_plain_text_even_on_a_terminal(
    run, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], notes_file: Path,
) -> None:
    add_note(notes_file, "rape-positive-outcome-rate", "a note")
    monkeypatch.setenv("FORCE_COLOR", "1")  # pretend stdout is a terminal
    _, coloured, _ = run(*command)
    assert ESC in coloured  # the check below can see escape codes
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run(*command)
    assert ESC not in plain
    monkeypatch.delenv("NO_COLOR")
    _, plain, _ = run(*command, "--no-color")
    assert ESC not in plain


def test_piped_output_is_plain_80_columns_and_unbroken() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pcp_tui", "alerts", "--config", str(CONFIG), "--data",
         str(DATA)],
        capture_output=True, text=True, env=plain_env(), check=False)
    assert result.returncode == EXIT_PROBLEMS
    out = result.stdout
    assert ESC not in out
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert not [line for line in lines if line != line.rstrip()]
    # a sentence wrapped between words reads the same once the line breaks are spaces
    config = load_config(CONFIG)
    alerts = build_timeline(config, load_observations([DATA], config)).at().alerts
    flat = " ".join(out.split())
    for alert in alerts:
        assert " ".join(alert.message.split()) in flat


@pytest.mark.parametrize("width", [60, 100, 132])
def test_width_option(run, width: int) -> None:
    for command in (("alerts",), ("summary",), ("show", "homicides")):
        _, out, _ = run(*command, "--width", str(width))
        assert max(cell_len(line) for line in out.splitlines()) <= width, command


@pytest.mark.parametrize("command", [
    ("alerts",), ("summary",), ("show",), ("report",), ("note",), ("note", "add"),
    ("note", "list"), ("validate",), ("export",),
])
def test_help_has_examples(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Example" in out
    assert f"pcp-tui {command[0]}" in out.split("Example", 1)[1]


def test_printouts_never_import_textual(tmp_path: Path) -> None:
    commands = [
        ["alerts", "--format", "json"], ["alerts"], ["summary"], ["show", "homicides"],
        ["report", "--format", "html"], ["report", "--format", "markdown"],
        ["note", "list"], ["validate"],
    ]
    code = (
        "import sys, io, contextlib\n"
        "from pcp_tui.cli import main\n"
        f"for argv in {commands!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        f"        main(argv + ['--config', {str(CONFIG)!r}, '--data', {str(DATA)!r},"
        f" '--notes', {str(tmp_path / 'n.jsonl')!r}])\n"
        "    bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "    assert not bad, (argv, bad[:3])\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=plain_env(), check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# summary ------------------------------------------------------------------------------------


def test_summary_tree_holds_the_plan(run, assessment: Assessment) -> None:
    status, out, _ = run("summary", "--width", "200")
    assert status == EXIT_OK
    framework = assessment.config.framework
    for node in (*framework.sections, *framework.objectives, *framework.sub_objectives):
        assert node.title in " ".join(out.split()), node.title
    lines = out.splitlines()
    for kpi in framework.kpis:
        status_ = assessment.status(kpi.id)
        line = next(line for line in lines if f" {kpi.short} " in line)
        if kpi.is_numeric and status_.latest_value is not None:
            assert kpi.unit.format(status_.latest_value) in line, kpi.id


def test_summary_marks_a_stale_figure_stale_never_no_data(run, assessment: Assessment) -> None:
    status, out, _ = run("summary", "--width", "200")
    assert status == EXIT_OK
    lines = out.splitlines()
    stale = [s for s in assessment.home_statuses.values() if s.is_stale]
    assert stale  # the sample's CSEW figures end in 2019/20 Q4
    for status_ in stale:
        line = next(line for line in lines if f" {status_.kpi.short} " in line)
        figure = status_.kpi.unit.format(status_.latest_value)
        assert f"◌ {status_.kpi.short} " in line and figure in line
        assert f"{figure}†" not in line  # one mark, not two
    legend = " ".join(out.split())
    assert "◌ stale: figure older than the as-of quarter allows; not judged" in legend
    assert "† a figure for an earlier quarter, still judged" in legend


def test_summary_objective_rollups(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--width", "200", "--depth", "2")
    framework = assessment.config.framework
    for section in framework.by_plan():
        for objective in section.children:
            counts = assessment.rollup(objective)
            line = next(line for line in out.splitlines() if objective.title in line)
            if counts["red"]:
                assert f"✖{counts['red']}" in line
            if counts["green"]:
                assert f"●{counts['green']}" in line


def test_summary_depth_and_only_alerts(run, assessment: Assessment) -> None:
    framework = assessment.config.framework
    _, out, _ = run("summary", "--depth", "1", "--width", "200")
    assert all(o.title not in out for o in framework.objectives)
    _, out, _ = run("summary", "--depth", "2", "--width", "200")
    assert framework.kpi("rape-positive-outcome-rate").short not in out
    _, out, _ = run("summary", "--only-alerts", "--width", "200")
    flagged = {a.kpi for a in assessment.alerts if a.severity in ("breach", "warning", "signal")}
    for kpi in framework.kpis:
        present = re.search(rf" {re.escape(kpi.short)} ", out) is not None
        assert present == (kpi.id in flagged), kpi.id


def test_summary_by_priority(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--by", "priority", "--width", "200")
    for priority in assessment.config.framework.priorities:
        assert priority.title in out
    homicides = assessment.status("homicides")
    line = next(line for line in out.splitlines() if " Homicides " in line)
    assert f"{homicides.national_change_pct:+.1f}%" in line


def test_summary_sparkline_range_is_printed(run, assessment: Assessment) -> None:
    _, out, _ = run("summary", "--width", "200")
    history = [v for _, v in assessment.history("residential-burglary")][-12:]
    line = next(line for line in out.splitlines() if " Residential burglary " in line)
    assert f"{min(history):,.0f}–{max(history):,.0f}" in line


def test_summary_bad_depth(run) -> None:
    assert run("summary", "--depth", "0")[0] == EXIT_USAGE


# show ---------------------------------------------------------------------------------------


def test_show_one_kpi(run, assessment: Assessment) -> None:
    status, out, _ = run("show", "residential-burglary", "--width", "120")
    assert status == EXIT_OK
    burglary = assessment.status("residential-burglary")
    assert "Residential burglary offences" in out
    assert "reduce on 2019/20" in out
    for quarter, value in assessment.history("residential-burglary"):
        assert re.search(rf"{re.escape(quarter.label)}\s+{value:,.0f}\b", out), quarter
    spc = burglary.spc
    assert f"{spc.lpl:,.0f} to {spc.upl:,.0f}" in out
    for name in ("West Midlands Police", "Greater Manchester Police", "Merseyside Police",
                 "West Yorkshire Police"):
        assert name in out
    for entry in burglary.msf.entries:
        assert f"{entry.basis:,.2f}" in out
    assert "revised from 3,829 to 3,877" in " ".join(out.split())


def test_show_history_labels_special_causes(run, assessment: Assessment) -> None:
    _, out, _ = run("show", "pcsos", "--width", "120")
    last = assessment.spc_points("pcsos")[-1]
    line = next(line for line in out.splitlines() if line.strip().startswith(last.quarter.label))
    assert "concern" in line


def test_show_unknown_kpi_suggests(run) -> None:
    status, _, err = run("show", "rape-positive-outcome")
    assert status == EXIT_USAGE
    assert "rape-positive-outcome-rate" in err


def test_show_by_short_title_and_force(run) -> None:
    status, out, _ = run("show", "Rape POR", "--force", "GMP")
    assert status == EXIT_OK
    assert "Greater Manchester Police" in out


# notes --------------------------------------------------------------------------------------


def add_note(path: Path, subject: str, text: str, kind: str = "reflection",
             quarter: str = "2021/22 Q2") -> None:
    status = main(["note", "add", subject, "--kind", kind, "--text", text, "--quarter", quarter,
                   "--config", str(CONFIG), "--data", str(DATA), "--notes", str(path)])
    assert status == EXIT_OK


def test_note_add_and_list(run, notes_file: Path) -> None:
    status, out, _ = run("note", "add", "priority:homicide", "--kind", "reflection",
                         "--text", "Homicides are level with the baseline.")
    assert status == EXIT_OK
    assert "priority:homicide" in out
    status, out, _ = run("note", "add", "pcsos", "--kind", "action", "--quarter", "2021/22 Q1",
                         "--text", "Recruit PCSOs.")
    assert status == EXIT_OK
    _, out, _ = run("note", "list")
    assert "Homicides are level with the baseline." in out
    assert "Recruit PCSOs." in out
    _, out, _ = run("note", "list", "--quarter", "2021/22 Q2")
    assert "Recruit PCSOs." not in out
    _, out, _ = run("note", "list", "--subject", "pcsos", "--format", "json")
    notes = json.loads(out)
    assert [(n["subject"], n["quarter"], n["kind"]) for n in notes] == [
        ("pcsos", "2021/22 Q1", "action")]


def test_note_defaults_to_the_latest_quarter(run, assessment: Assessment) -> None:
    run("note", "add", "homicides", "--kind", "reflection", "--text", "x")
    _, out, _ = run("note", "list", "--format", "json")
    assert json.loads(out)[0]["quarter"] == assessment.as_of.label


def test_note_text_from_stdin(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("from\nstandard input\n"))
    assert run("note", "add", "homicides", "--kind", "action", "--text", "-")[0] == EXIT_OK
    _, out, _ = run("note", "list", "--format", "json")
    assert json.loads(out)[0]["text"] == "from\nstandard input\n"


@pytest.mark.parametrize("subject", ["priority:nope", "no-such-kpi", "priority:", ""])
def test_note_subject_is_checked(run, subject: str, notes_file: Path) -> None:
    status, _, err = run("note", "add", subject, "--kind", "reflection", "--text", "x")
    assert status == EXIT_USAGE
    assert "pcp-tui:" in err
    assert not notes_file.exists()


def test_note_with_empty_text_is_refused(run) -> None:
    assert run("note", "add", "homicides", "--kind", "action", "--text", "  ")[0] == EXIT_USAGE


def test_note_list_filter_subject_is_checked(run) -> None:
    assert run("note", "list", "--subject", "nope")[0] == EXIT_USAGE


# markup and control characters from notes and the config print literally ----------------------

MARKUP = "[red]x[/red]"


def test_markup_in_a_note_prints_literally(
    run, notes_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    add_note(notes_file, "rape-positive-outcome-rate", f"see {MARKUP} here")
    add_note(notes_file, "priority:homicide", f"reflect {MARKUP}")
    add_note(notes_file, "priority:homicide", f"act {MARKUP}\x1b[31m", kind="action")
    monkeypatch.setenv("FORCE_COLOR", "1")  # styles on: markup would be acted on if parsed
    for command in (("show", "rape-positive-outcome-rate"), ("note", "list")):
        status, out, _ = run(*command, "--width", "120")
        assert status == EXIT_OK
        assert MARKUP in strip_ansi(out), command
    _, out, _ = run("note", "list", "--width", "120")
    assert "\\x1b[31m" in strip_ansi(out)  # the note's own escape code is shown, not obeyed
    for fmt in ("markdown", "html"):
        report = tmp_path / f"report.{fmt}"
        assert run("report", "--format", fmt, "--output", str(report))[0] == EXIT_OK
        text = report.read_text(encoding="utf-8")
        if fmt == "html":
            assert f"reflect {MARKUP}" in text  # brackets need no escaping in HTML
        else:
            assert r"reflect \[red\]x\[/red\]" in text  # shown as [red]x[/red]
        assert ESC not in text


def test_markup_in_a_kpi_title_does_not_break_any_printout(
    run, tmp_path: Path, notes_file: Path,
) -> None:
    title = "[/bold] Rape [red]POR[/red] | `x` # <b>"
    config = copy_config(tmp_path, 'title = "Positive outcome rate: Rape"',
                         f'title = "{title}"', 'short = "Rape POR"', 'short = "[/bold]"')
    add_note(notes_file, "rape-positive-outcome-rate", "a note")
    commands = [
        ("alerts",), ("alerts", "--format", "json"), ("alerts", "--format", "csv"),
        ("alerts", "--format", "markdown"), ("summary",), ("summary", "--by", "priority"),
        ("show", "rape-positive-outcome-rate"), ("note", "list"),
        ("report", "--format", "markdown"), ("report", "--format", "html"),
    ]
    for command in commands:
        status, out, err = run(*command, "--width", "200", config=config)
        assert status in (EXIT_OK, EXIT_PROBLEMS), (command, err)
        if "markdown" in command:
            assert r"\[/bold\]" in out, command  # escaped: reads [/bold] once rendered
        elif command[-1] != "priority":  # Rape POR is no national proxy metric
            assert "[/bold]" in out, command


# helpers ------------------------------------------------------------------------------------


def copy_config(tmp_path: Path, *replacements: str) -> Path:
    """The bundled config with text replaced (pairs of old, new), reading the bundled data."""
    text = CONFIG.read_text(encoding="utf-8")
    pairs = list(zip(replacements[::2], replacements[1::2]))
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def plain_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "TTY_COMPATIBLE")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env
