"""Text is data: titles, force names, file names, cells and notes are shown literally everywhere.

A config copy gives a KPI a title full of markup, a force a name that is a Rich link, a data
file a name and a cell with a terminal escape, and a note all of them at once; every printout
and export must show them as written (or, where a format needs it, escaped for that format),
never act on them.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pcp_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
ESC = "\x1b]52;c;AAAA\x07"  # OSC 52: would write to the clipboard if a terminal obeyed it
TITLE = "[/bold] Rape [red]POR[/red] <script>alert(1)</script> | `x` " + ESC
SHORT = "[/b]Rape POR" + ESC
FORCE = "[link=https://example.org]GMP[/link] =cmd|' /C calc'!A0" + ESC
NOTE = "[red]x[/red] " + ESC + " <b>bold?</b> | pipe"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Positive outcome rate: Rape"\nshort = "Rape POR"',
                        f"title = {json.dumps(TITLE)}\nshort = {json.dumps(SHORT)}", 1)
    # the data files name the force "Greater Manchester": keep that as its short name
    text = text.replace('name = "Greater Manchester Police"\nshort = "GMP"',
                        f'name = {json.dumps(FORCE)}\nshort = "Greater Manchester"', 1)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "data", folder / "data")
    # a file whose name and one cell are hostile: the bad cell is reported, literally
    (folder / "data" / "[bold]return.csv").write_text(
        f"kpi,force,period,value\nhomicides,WMP,2021/22 Q2,{ESC}[/bold]\n", encoding="utf-8")
    assert main(["note", "add", "rape-positive-outcome-rate", "--kind", "reflection",
                 "--quarter", "2021/22 Q2", "--text", NOTE,
                 "--config", str(folder / "config.toml"),
                 "--notes", str(folder / "notes.jsonl")]) == 0
    assert main(["note", "add", "priority:homicide", "--kind", "action",
                 "--quarter", "2021/22 Q2", "--text", NOTE,
                 "--config", str(folder / "config.toml"),
                 "--notes", str(folder / "notes.jsonl")]) == 0
    return folder


def run(hostile: Path, capsys, *argv: str, stdout_only: bool = False) -> tuple[int, str]:
    capsys.readouterr()
    status = main([*argv, "--config", str(hostile / "config.toml"),
                   "--notes", str(hostile / "notes.jsonl")])
    out = capsys.readouterr()
    return status, out.out if stdout_only else out.out + out.err


TERMINAL = [
    ("alerts", "--no-color", "--width", "200"),
    ("alerts", "--no-color", "--width", "200", "--by", "priority"),
    ("summary", "--no-color", "--width", "200"),
    ("show", "rape-positive-outcome-rate", "--no-color", "--width", "200"),
    ("show", "homicides", "--no-color", "--width", "200"),
    ("validate", "--no-color", "--width", "200"),
    ("note", "list", "--no-color", "--width", "200"),
]


@pytest.mark.parametrize("argv", TERMINAL, ids=lambda a: " ".join(a[:2]))
def test_terminal_printouts_show_text_literally(hostile, capsys, argv):
    status, out = run(hostile, capsys, *argv)
    assert status in (0, 1)
    assert "\x1b" not in out and "\x07" not in out  # no escape reaches the terminal
    flat = " ".join(out.split())
    rape = "homicides" not in argv
    if argv[0] in ("alerts", "show") and rape:
        assert "[/bold] Rape [red]POR[/red]" in flat or "[/b]Rape POR\\x1b" in flat
    if argv[0] == "summary":
        assert "[/b]Rape POR\\x1b]52;c;AAAA\\x07" in flat
    if argv[0] == "note" or (argv[0] == "show" and rape):
        assert "[red]x[/red]" in flat
    if argv[0] == "validate":
        assert "GMP[/link] =cmd|' /C calc'!A0\\x1b]52;c;AAAA\\x07" in flat  # forces table
        assert "[bold]return.csv" in flat
        assert "\\x1b]52;c;AAAA\\x07[/bold]" in flat  # the cell, made visible


def test_show_names_the_force_literally(hostile, capsys):
    status, out = run(hostile, capsys, "show", "homicides", "--no-color", "--width", "200")
    assert status == 0
    assert "[link=https://example.org]GMP[/link]" in " ".join(out.split())


def test_json_round_trips_the_text(hostile, capsys):
    _, out = run(hostile, capsys, "alerts", "--format", "json", stdout_only=True)
    document = json.loads(out)
    titles = {a["kpi_title"] for a in document["alerts"]}
    assert TITLE in titles


def test_csv_neutralises_formulas(hostile, capsys):
    _, out = run(hostile, capsys, "alerts", "--format", "csv", stdout_only=True)
    for row in csv.DictReader(io.StringIO(out)):
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r", cell


def test_markdown_escapes_table_cells(hostile, capsys):
    _, out = run(hostile, capsys, "alerts", "--format", "markdown")
    assert "\x1b" not in out
    for line in out.splitlines():
        if "Rape" in line and line.startswith("|"):
            assert "<script>" not in line
            assert "| `x`" not in line  # a pipe in a title must not open a new cell


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_report_escapes_everything(hostile, capsys, tmp_path, fmt):
    target = tmp_path / f"report.{'html' if fmt == 'html' else 'md'}"
    status, _ = run(hostile, capsys, "report", "--format", fmt, "--output", str(target))
    assert status == 0
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    if fmt == "html":
        parser = _Collect()
        parser.feed(text)
        assert "script" not in parser.tags and "b" not in parser.tags
        body = "".join(parser.text)
        assert "<script>alert(1)</script>" in body  # shown as text, not run
        assert "[red]x[/red]" in body
    else:  # escaped for Markdown, so that it renders as written
        assert "\\[red\\]x\\[/red\\]" in text
        assert "\\<b\\>bold?\\</b\\>" in text


def test_export_csv_neutralises_formulas_but_keeps_numbers(tmp_path, capsys):
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "=HYPERLINK(1).csv").write_text(
        "kpi,force,period,value\nhomicides,WMP,2021/22 Q1,5\n", encoding="utf-8")
    assert main(["export", "--config", str(tmp_path / "config.toml")]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert row["file"] == "'=HYPERLINK(1).csv"
    assert row["value"] == "5.0"


# CSV: line breaks inside cells, and CSV printed to a terminal ----------------------------------

BREAKS = "\r=1+2\n@SUM(A1)\r\n-3\t+4" + ESC  # a title a spreadsheet would split into formulas


@pytest.fixture(scope="module")
def breaking(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("breaking")
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Positive outcome rate: Rape"',
                        f"title = {json.dumps(BREAKS)}", 1)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "data", folder / "data")
    # a return whose file name holds a CR, a formula after it and an escape
    (folder / "data" / ("zz\r=2+3" + ESC + ".csv")).write_text(
        "kpi,force,period,value\nhomicides,WMP,2021/22 Q2,5\n", encoding="utf-8")
    return folder


def assert_no_formula_on_any_line(out: str) -> None:
    """However a spreadsheet splits the text (CR, LF or CRLF), no line starts a formula, and a
    CSV reader sees every record whole."""
    import re

    for line in re.split(r"\r\n|\r|\n", out):
        assert not line or line[0] not in "=+-@\t", repr(line)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len({len(row) for row in rows}) == 1, "a record was split"


def test_alerts_csv_quotes_a_bare_cr_and_neutralises_formulas_after_it(breaking, capsys):
    _, out = run(breaking, capsys, "alerts", "--format", "csv", stdout_only=True)
    assert_no_formula_on_any_line(out)
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    titles = {r["kpi_title"] for r in rows if r["kpi"] == "rape-positive-outcome-rate"}
    assert titles == {"'\r'=1+2\n'@SUM(A1)\r\n'-3\t+4" + ESC}  # piped: the text is exact


def test_export_csv_quotes_a_bare_cr_and_neutralises_formulas_after_it(breaking, capsys):
    _, out = run(breaking, capsys, "export", "--kpi", "homicides", stdout_only=True)
    assert_no_formula_on_any_line(out)
    files = {r["file"] for r in csv.DictReader(io.StringIO(out, newline=""))}
    assert "zz\r'=2+3" + ESC + ".csv" in files


def test_csv_cells_after_a_line_break_are_neutralised() -> None:
    from pcp_tui.printouts import csv_line, csv_safe

    assert csv_safe("a\r=b") == "a\r'=b"
    assert csv_safe("a\n\n+b\r@c") == "a\n\n'+b\r'@c"
    assert csv_safe("fine\nline") == "fine\nline"
    assert csv_line(["a\rb", "c", 'd"e', "f,g"]) == '"a\rb",c,"d""e","f,g"\n'


@pytest.mark.parametrize("argv", [("alerts", "--format", "csv"), ("export",),
                                  ("alerts", "--format", "markdown")], ids=" ".join)
def test_csv_to_a_terminal_shows_control_characters_as_escapes(breaking, argv):
    """Printed to a terminal, ESC, BEL and CR are shown as escapes, never acted on; the same
    command piped keeps them exact (the tests above)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "pcp_tui", *argv, "--config", str(breaking / "config.toml"),
         "--notes", str(breaking / "notes.jsonl")],
        stdout=follower, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait() in (0, 1)
    out = b"".join(chunks).decode("utf-8")
    assert "\x1b" not in out and "\x07" not in out
    if argv != ("alerts", "--format", "markdown"):
        assert "\\x1b]52;c;AAAA\\x07" in out
        assert "\r'=" not in out and "\\x0d'=" in out  # the bare CR, made visible
