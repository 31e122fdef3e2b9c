"""The quarterly board report (Markdown and HTML), read as the board would read it."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.notes import NotesLog
from pcp_tui.printouts import md_cell, md_table, md_text
from pcp_tui.report import Chart, build_report, render_html, render_markdown, svg_chart
from pcp_tui.rules.assess import Assessment, build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
TODAY = date(2021, 11, 26)


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


@pytest.fixture
def notes(tmp_path: Path, assessment: Assessment) -> NotesLog:
    log = NotesLog(tmp_path / "notes.jsonl")
    quarter = assessment.as_of
    log.add("priority:homicide", quarter, "reflection",
            "Homicides: 56 in the year, one more than the baseline.\n# not a heading",
            author="analyst")
    log.add("priority:homicide", quarter, "action", "Review [red]x[/red] | <script>",
            author="analyst")
    log.add("priority:drugs", quarter, "reflection", "Disruptions are up.", author="analyst")
    log.add("priority:drugs", quarter.minus(1), "action", "Last quarter's action.",
            author="analyst")
    log.add("rape-positive-outcome-rate", quarter, "action", "A rape review & plan.",
            author="analyst")
    return log


def markdown(assessment: Assessment, log: NotesLog | None = None) -> str:
    return render_markdown(assessment, log.read()[0] if log else [], today=TODAY)


def html_report(assessment: Assessment, log: NotesLog | None = None) -> str:
    return render_html(assessment, log.read()[0] if log else [], today=TODAY)


def md_section(text: str, heading: str) -> str:
    """The Markdown under a heading line, up to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n") + len(heading) + 1
    stop = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, start)
    return text[start:stop.start() if stop else len(text)]


# Markdown -----------------------------------------------------------------------------------


def test_markdown_has_a_section_per_national_priority_with_its_metrics(
    assessment: Assessment,
) -> None:
    text = markdown(assessment)
    framework = assessment.config.framework
    nodes = framework.by_priority()
    assert len(nodes) == 6
    for number, node in enumerate(nodes, start=1):
        section = md_section(text, f"### {number}. {md_text(node.title)}")
        for kpi in node.kpis:
            status = assessment.status(kpi.id)
            row = next(line for line in section.splitlines()
                       if f"| {md_cell(kpi.title)} |" in line)
            if kpi.is_numeric and status.national_baseline is not None:
                assert f"| {kpi.unit.format(status.national_baseline)} |" in row, kpi.id
                assert f"{status.national_change_pct:+.1f}%" in row, kpi.id
        assert "#### Reflections on force performance" in section
        assert "#### Planned action for the next quarter" in section


def test_missing_commentary_is_listed_as_missing_and_never_invented(
    assessment: Assessment,
) -> None:
    text = markdown(assessment)
    glance = md_section(text, "## At a glance")
    assert "Commentary missing for 2021/22 Q2** (12 of 12 items)" in glance
    for number, node in enumerate(assessment.config.framework.by_priority(), start=1):
        section = md_section(text, f"### {number}. {md_text(node.title)}")
        assert section.count("**Missing:**") == 2
        assert not [line for line in section.splitlines() if line.startswith(">")]  # no quotes


def test_written_commentary_appears_under_its_priority(
    assessment: Assessment, notes: NotesLog,
) -> None:
    text = markdown(assessment, notes)
    homicide = md_section(text, "### 1. Reduce murder and other homicide")
    assert "> Homicides: 56 in the year, one more than the baseline.  \n> \\# not a heading" \
        in homicide
    assert r"> Review \[red\]x\[/red\] \| \<script\>" in homicide
    assert "**Missing:**" not in homicide
    drugs = md_section(text, "### 3. Disrupt drugs supply and county lines")
    assert "Disruptions are up." in drugs
    assert "Last quarter's action." not in text  # another quarter's note is not this one's
    assert drugs.count("**Missing:**") == 1
    glance = md_section(text, "## At a glance")
    assert "(9 of 12 items)" in glance
    assert "Reduce murder and other homicide" not in glance


def test_every_breach_and_signal_is_reported_with_its_explanation(
    assessment: Assessment,
) -> None:
    text = markdown(assessment)
    alerts = md_section(text, "## Breaches, warnings and signals")
    flat = " ".join(alerts.split())
    for alert in assessment.alerts:
        if alert.severity in ("breach", "warning", "signal"):
            assert md_text(alert.message) in flat, alert.id
            explanation = assessment.status(alert.kpi, alert.force).explanation
            assert md_text(explanation) in flat, alert.id
    counts = {s: sum(a.severity == s for a in assessment.alerts)
              for s in ("breach", "warning", "signal")}
    assert f"Breaches ({counts['breach']})" in alerts
    assert f"Signals of special-cause concern ({counts['signal']})" in alerts
    assert alerts.count("\n#### ") == sum(counts.values())


def test_kpi_notes_follow_their_alert(assessment: Assessment, notes: NotesLog) -> None:
    text = markdown(assessment, notes)
    rape = md_section(text, "#### ✖ Positive outcome rate: Rape")
    assert "> A rape review & plan." in rape


def test_status_by_objective_matches_the_rollups(assessment: Assessment) -> None:
    text = markdown(assessment)
    table = md_section(text, "## Status by objective")
    for node in assessment.config.framework.by_plan():
        for item in (node, *node.children):
            counts = assessment.rollup(item)
            title = md_cell(item.title)
            row = next(line for line in table.splitlines()
                       if line.startswith((f"| {title} |", f"| ↳ {title} |")))
            cells = [c.strip() for c in row.strip("|").split("|")][1:]
            assert cells == [str(counts[k]) for k in
                             ("red", "amber", "green", "grey", "monitor", "signal", "stale")]


def test_a_stale_figure_is_marked_stale_never_no_data(assessment: Assessment) -> None:
    """A proxy metric with no figure since 2020/21 Q3 shows its figure beside the stale mark,
    and the legend says what the mark means, in both formats."""
    observations = assessment.timeline.observations
    cut = observations.frame.filter(
        (pl.col("kpi") != "robbery-personal") | (pl.col("period") < date(2021, 1, 1)))
    stale = build_timeline(assessment.config, replace(observations, frame=cut)).at()
    status = stale.status("robbery-personal")
    assert status.freshness == "stale" and status.latest_value is not None
    figure = status.kpi.unit.format(status.latest_value)
    meaning = "◌ stale (figure older than the as-of quarter allows; not judged)"

    text = markdown(stale)
    legend = next(line for line in text.splitlines() if line.startswith("Status is shown"))
    assert meaning + "." in legend  # the legend, under the title lines
    section = md_section(text, "## National priorities")
    row = next(line for line in section.splitlines()
               if f"| {md_cell(status.kpi.title)} |" in line)
    assert row.startswith("| ◌ stale |") and figure in row

    page = html_report(stale)
    assert '<span class="glyph stale">◌ stale</span> (figure older than the as-of quarter ' \
           "allows; not judged)" in page
    cell = re.search(r"<tr><td>(<span [^<]*</span>)</td><td>"
                     + re.escape(status.kpi.title) + "</td><td class=num>([^<]*)</td>", page)
    assert cell is not None, "no metric row"
    assert cell.group(1) == '<span class="glyph stale">◌ stale</span>'
    assert figure in cell.group(2)


def test_msf_tables_and_data_sections(assessment: Assessment) -> None:
    text = markdown(assessment)
    msf = md_section(text, "## Most similar forces")
    msf_kpis = [k for k in assessment.config.framework.kpis if assessment.status(k.id).msf]
    assert msf_kpis
    for kpi in msf_kpis:
        assert md_cell(kpi.title) in msf
    revisions = md_section(text, "### Revisions (1)")
    assert "3,829" in revisions and "3,877" in revisions
    assert "No problems in the data files." in text


def test_data_problems_are_reported(assessment: Assessment, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for file in DATA.iterdir():
        (data / file.name).write_bytes(file.read_bytes())
    (data / "2021-22_Q2.csv").write_text(
        (DATA / "2021-22_Q2.csv").read_text(encoding="utf-8")
        + "homicides,West Midlands,2021/22 Q2,lots,,,,,,\n", encoding="utf-8")
    config = load_config(CONFIG)
    observations = load_observations([data], config)
    assert observations.problems
    text = render_markdown(build_timeline(config, observations).at(), [], today=TODAY)
    problems = md_section(text, f"### Problems ({len(observations.problems)})")
    assert "2021-22\\_Q2.csv" in problems
    assert "lots" in problems


# HTML ---------------------------------------------------------------------------------------


class Checker(HTMLParser):
    """Balanced tags, and every attribute and text collected for the checks below."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "line", "circle", "polyline", "path",
            "rect"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = tag
            self.headings.append((tag, ""))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self._heading = None
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with {self.stack[-3:]} open")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading and self.headings:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


def parse(text: str) -> Checker:
    checker = Checker()
    checker.feed(text)
    checker.close()
    return checker


# a link within the paper (the contents list) is `href="#id"`; nothing else may refer outside
EXTERNAL = re.compile(r"https?:|//|\bsrc\s*=|@import|url\s*\(|\bhref\s*=(?!\"#)", re.IGNORECASE)


def test_html_parses_and_is_self_contained(assessment: Assessment, notes: NotesLog) -> None:
    text = html_report(assessment, notes)
    checker = parse(text)
    assert checker.errors == []
    assert checker.stack == []
    assert text.startswith("<!DOCTYPE html>")
    assert EXTERNAL.findall(text) == []
    assert "<style>" in text and "@media print" in text
    assert "<svg" in text
    assert not [a for a in checker.attrs if a[1] in ("src", "srcset", "data", "action")]
    ids = {v for _, k, v in checker.attrs if k == "id"}
    links = [v for _, k, v in checker.attrs if k == "href"]
    assert links and all(v.startswith("#") and v[1:] in ids for v in links)


def test_html_sections_match_the_markdown(assessment: Assessment) -> None:
    checker = parse(html_report(assessment))
    h3 = [text for tag, text in checker.headings if tag == "h3"]
    for number, node in enumerate(assessment.config.framework.by_priority(), start=1):
        assert f"{number}. {node.title}" in h3
    h2 = [text for tag, text in checker.headings if tag == "h2"]
    assert h2 == ["Contents", "Executive summary", "Scorecard", "At a glance",
                  "Breaches, warnings and signals", "National priorities",
                  "Most similar forces", "Data: problems and revisions", "Sources"]
    body = " ".join(" ".join(checker.text).split())
    for alert in assessment.alerts:
        if alert.severity in ("breach", "warning", "signal"):
            assert " ".join(alert.message.split()) in body


def test_html_escapes_notes_and_config_text(assessment: Assessment, notes: NotesLog) -> None:
    text = html_report(assessment, notes)
    assert "Review [red]x[/red] | &lt;script&gt;" in text
    assert "<script" not in text
    assert "A rape review &amp; plan." in text
    checker = parse(text)
    body = "".join(checker.text)
    assert "Review [red]x[/red] | <script>" in body  # what the reader sees


def test_html_missing_commentary_box(assessment: Assessment) -> None:
    text = html_report(assessment)
    assert 'Commentary missing for 2021/22 Q2 (12 of 12 items)' in text
    assert text.count('<p class="missing">Missing:') == 12


def test_svg_chart_is_inline_and_escaped() -> None:
    svg = svg_chart(Chart((1.0, 3.0, 2.0), mean=2.0, lpl=0.5, upl=3.5, target=2.5,
                          style="red"), label='a "quoted" <label>')
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&quot;quoted&quot; &lt;label&gt;" in svg
    assert svg.count("<line") == 4
    assert EXTERNAL.findall(svg) == []
    assert svg_chart(Chart(())) == ""
    flat = svg_chart(Chart((5.0, 5.0)))  # a flat series does not divide by zero
    assert "polyline" in flat


# the command --------------------------------------------------------------------------------


def run(*args: str, notes: Path) -> int:
    return main([*args, "--config", str(CONFIG), "--data", str(DATA), "--notes", str(notes)])


def test_report_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        assessment: Assessment) -> None:
    notes = tmp_path / "notes.jsonl"
    out = tmp_path / "board.html"
    assert run("report", "--output", str(out), notes=notes) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")  # the format follows the suffix
    assert "wrote the 2021/22 Q2 board report (html)" in capsys.readouterr().err
    assert run("report", "--output", str(out), notes=notes) == EXIT_USAGE  # no --overwrite
    assert "--overwrite" in capsys.readouterr().err
    assert run("report", "--output", str(out), "--overwrite", "--format", "markdown",
               notes=notes) == EXIT_OK
    assert out.read_text(encoding="utf-8").splitlines()[2].startswith("# Police and Crime Plan")


def test_report_file_mode_follows_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "board.md"
    old = os.umask(0o022)
    try:
        assert run("report", "--output", str(out), notes=tmp_path / "n.jsonl") == EXIT_OK
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644  # readable by the board, not private


def test_report_for_an_earlier_quarter(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       assessment: Assessment) -> None:
    earlier = assessment.as_of.minus(2)
    assert run("report", "--format", "markdown", "--quarter", earlier.label,
               notes=tmp_path / "n.jsonl") == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "**OFFICIAL**", "",
        f"# Police and Crime Plan and national priorities: performance report, {earlier.label}"]


def test_report_model_is_shared(assessment: Assessment, notes: NotesLog) -> None:
    report = build_report(assessment, notes.read()[0], today=TODAY)
    assert report.quarter == "2021/22 Q2"
    assert [b.id for b in report.priorities] == [
        p.id for p in assessment.config.framework.priorities]
    assert len(report.missing) == 9


# Markdown escaping --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("a | b", r"a \| b"),
    ("`code`", r"\`code\`"),
    ("# heading", r"\# heading"),
    ("*bold* _it_", r"\*bold\* \_it\_"),
    ("[link](x)", r"\[link\](x)"),
    ("<b>", r"\<b\>"),
    ("&amp;", r"\&amp;"),
    ("-5%", "-5%"),
    ("two\nlines", "two lines"),
    ("", " "),
])
def test_md_cell(text: str, expected: str) -> None:
    assert md_cell(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("1. item", r"1\. item"),
    ("3.9%", "3.9%"),
    ("> quote", r"\> quote"),
    ("# h", r"\# h"),
    ("---", r"\---"),
    ("a\n# b", "a  \n\\# b"),
])
def test_md_text(text: str, expected: str) -> None:
    assert md_text(text) == expected


def test_md_table_has_one_pipe_per_cell_boundary() -> None:
    table = md_table(("a", "b"), [("x | y", "`z`")])
    body = table.splitlines()[2]
    assert len(re.findall(r"(?<!\\)\|", body)) == 3
