"""The board paper: front sheet, executive summary, scorecard and charts, in HTML, Word and PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.report import PaperMeta, build_report, paper_meta, render_html
from pcp_tui.report.charts import assurance_icon_svg, nice_ticks, variation_icon_svg
from pcp_tui.rules.assess import Assessment, build_timeline

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
TODAY = date(2021, 11, 26)


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


@pytest.fixture(scope="module")
def page(assessment: Assessment) -> str:
    return render_html(assessment, [], today=TODAY, meta=PaperMeta(agenda_item="6"))


class Structure(HTMLParser):
    """Headings in order, every chart and its text, and every paragraph's classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.svgs: list[dict[str, str | None]] = []
        self.svg_text: list[list[str]] = []
        self.svg_classes: list[list[str]] = []
        self.paragraphs: list[dict[str, str | None]] = []
        self._in_svg = False
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "svg" and ("class", "figure") in attrs:
            self._in_svg = True
            self.svgs.append(dict(attrs))
            self.svg_text.append([])
            self.svg_classes.append([])
        elif self._in_svg:
            self.svg_classes[-1].append(dict(attrs).get("class") or "")
        if tag == "p":
            self.paragraphs.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg = False

    def handle_data(self, data: str) -> None:
        if self._in_svg:
            self.svg_text[-1].append(f"{self._tag}:{data}")


def test_html_structure_one_h1_headings_in_order_charts_described(page: str) -> None:
    doc = Structure()
    doc.feed(page)
    assert doc.headings.count(1) == 1 and doc.headings[0] == 1
    for before, after in zip(doc.headings, doc.headings[1:]):
        assert after <= before + 1, "a heading level is skipped"
    assert len(doc.svgs) >= 20
    for attrs, texts, classes in zip(doc.svgs, doc.svg_text, doc.svg_classes):
        assert attrs.get("role") == "img"
        labelled = (attrs.get("aria-labelledby") or "").split()
        assert len(labelled) == 2
        title = [t for t in texts if t.startswith("title:Figure")]
        desc = [t for t in texts if t.startswith("desc:") and "quarterly from" in t]
        assert title and desc  # a text alternative
        assert classes.count("axis-label") == 2  # both axes are labelled
        assert any(t.startswith("text:Q") for t in texts)  # quarters on the x axis
        assert "Financial year and quarter" in " ".join(texts)
        assert classes.count("tick") >= 4  # values on the y axis


STATUS_CLASSES = {"red", "amber", "green", "breach", "warning", "signal", "improvement",
                  "stale", "grey", "monitor"}


def test_no_body_paragraph_is_coloured_as_a_status(page: str) -> None:
    doc = Structure()
    doc.feed(page)
    coloured = [p for p in doc.paragraphs
                if STATUS_CLASSES & set((p.get("class") or "").split())]
    assert coloured == []
    # the CSS colours nothing but the glyph spans, markers and chart parts by status
    css = page[page.index("<style>"):page.index("</style>")]
    for rule in re.findall(r"([^{}]+)\{[^}]*(?<![-\w])color:\s*var\(--(?:red|amber|green|signal)\)",
                           css):
        assert all(sel.strip().startswith((".red", ".amber", ".green", ".signal", ".breach",
                                           ".warning", ".improvement", ".stale"))
                   for sel in rule.split(",")), rule
    assert ".glyph" in css


def test_front_sheet_contents_and_sources(page: str, assessment: Assessment) -> None:
    assert '<p class="marking">OFFICIAL</p>' in page
    assert "<th scope=\"row\">Agenda item</th><td>6</td>" in page
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page
    sources = page[page.index('<h2 id="sources">'):]
    for file in assessment.timeline.observations.files:
        assert Path(file).name in sources
    assert "illustrative" in sources


def test_paper_meta_from_config_then_command_line() -> None:
    meta = paper_meta({"protective_marking": "OFFICIAL-SENSITIVE", "meeting": "SPCB",
                       "version": "0.3"},
                      {"meeting": "Board (extra)", "version": None, "author": None},
                      "Performance Team", "West Midlands Police")
    assert (meta.protective_marking, meta.meeting, meta.version, meta.author) == (
        "OFFICIAL-SENSITIVE", "Board (extra)", "0.3", "Performance Team")


def test_report_table_in_the_config_is_read_and_checked(tmp_path: Path) -> None:
    from pcp_tui.config import ConfigError

    text = CONFIG.read_text(encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(text + '\n[report]\nmeeting = "SPCB"\nmeeting_date = 2021-11-30\n',
                    encoding="utf-8")
    assert load_config(good).settings.report == {"meeting": "SPCB",
                                                 "meeting_date": "2021-11-30"}
    bad = tmp_path / "bad.toml"
    bad.write_text(text + '\n[report]\nmeetng = "SPCB"\nversion = 2\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    message = str(err.value)
    assert "report, key 'meetng': unknown key; did you mean 'meeting'" in message
    assert "report, key 'version': found a whole number 2; expected text" in message


def test_executive_summary_and_scorecard(assessment: Assessment) -> None:
    report = build_report(assessment, [], today=TODAY)
    e = report.executive
    assert e is not None
    breaches = {a.kpi for a in assessment.alerts if a.severity == "breach"
                and a.force == assessment.home_force}
    assert len(e.serious) == min(5, len(breaches))
    assert {h.kpi_id for h in e.serious} <= breaches
    zs = [abs(assessment.status(h.kpi_id).change_z or 0) for h in e.serious]
    assert zs == sorted(zs, reverse=True)  # ordered by the strength of the evidence
    assert {h.kpi_id for h in e.new_breaches} == {
        a.kpi for a in assessment.alerts if a.severity == "breach" and a.is_new
        and a.force == assessment.home_force}
    assert len(e.priorities) == len(assessment.config.framework.priorities)
    assert (e.commentary_written, e.commentary_expected) == (0, 12)
    rows = [r for g in report.scorecard for r in g.rows]
    assert sorted(r.kpi_id for r in rows) == sorted(k.id for k in assessment.config.framework.kpis)
    pcsos = next(r for r in rows if r.kpi_id == "pcsos")
    assert (pcsos.word, pcsos.variation, pcsos.assurance) == ("red", "concern_low",
                                                              "consistent_pass")
    assert pcsos.significance.startswith("no significant change (p = ")


def test_making_data_count_icons_have_text() -> None:
    assert ">L</text>" in variation_icon_svg("concern_low")
    assert "#e46c0a" in variation_icon_svg("concern_low")  # orange: concern
    assert ">H</text>" in variation_icon_svg("improvement_high")
    assert "#0070c0" in variation_icon_svg("improvement_high")  # blue: improvement
    assert "<title>common cause variation</title>" in variation_icon_svg("common_cause")
    assert ">F</text>" in assurance_icon_svg("consistent_fail")
    assert variation_icon_svg(None) == "" and assurance_icon_svg("nonsense") == ""


@pytest.mark.parametrize(("low", "high", "expected"), [
    (462, 531, [460, 480, 500, 520, 540]), (0, 1, [0, 0.25, 0.5, 0.75, 1.0]),
    (5, 5, [4, 4.5, 5, 5.5, 6])])
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == expected


# Word and PDF -------------------------------------------------------------------------------


def run(*args: str, notes: Path) -> int:
    return main([*args, "--config", str(CONFIG), "--data", str(DATA), "--notes", str(notes)])


def test_word_paper_reads_back_with_summary_scorecard_and_charts(
    tmp_path: Path, assessment: Assessment,
) -> None:
    docx = pytest.importorskip("docx")
    out = tmp_path / "board.docx"
    assert run("report", "--format", "docx", "--output", str(out), "--agenda-item", "7",
               notes=tmp_path / "n.jsonl") == EXIT_OK
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Executive summary", "The most serious breaches", "Scorecard",
                    "National priorities", "Sources"):
        assert heading in headings
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    for kpi in assessment.config.framework.kpis:
        assert kpi.title in cells, kpi.id  # every KPI in the scorecard's real tables
    assert "7" in cells and "OFFICIAL" in document.sections[0].header.paragraphs[0].text
    pictures = document.inline_shapes
    assert len(pictures) >= 20  # the charts, as images
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert all(d and "quarterly from" in d for d in descriptions)


def test_pdf_paper_text_has_summary_scorecard_and_charts(
    tmp_path: Path, assessment: Assessment,
) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "board.pdf"
    assert run("report", "--output", str(out), "--marking", "OFFICIAL-SENSITIVE",
               notes=tmp_path / "n.jsonl") == EXIT_OK
    assert out.read_bytes().startswith(b"%PDF")
    reader = pypdf.PdfReader(out)
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert "Executive summary" in text and "The most serious breaches" in text
    assert "Scorecard" in text
    for kpi in assessment.config.framework.kpis:
        title = " ".join(kpi.title.split())
        assert title.split(":")[0][:20] in text, kpi.id
    assert "Financial year and quarter" in text  # the charts' axis titles are drawn text
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)  # the marking on every page
