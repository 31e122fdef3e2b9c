"""The board paper as a Word document (python-docx, the optional extra `[word]`): real headings
and tables the clerks can edit, and each chart as a PNG rasterised (cairosvg) from the same SVG
the HTML and the PDF show, with its text alternative set on the picture and as its caption."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pcp_tui.report.charts import figure_svg
from pcp_tui.report.figures import Figure
from pcp_tui.report.model import BoardReport
from pcp_tui.report.paper import Headline

MISSING_WORD = ("Word output needs the optional extra: pip install 'pcp-tui[word]' "
                "(python-docx and cairosvg; cairosvg needs the Cairo library, Debian's "
                "libcairo2)")


class FormatUnavailable(Exception):
    """An optional output format whose libraries are not installed; the message says how."""


def _libraries():  # noqa: ANN202 - the modules themselves
    try:
        import cairosvg
        import docx
    except (ImportError, OSError) as err:  # OSError: cairosvg without the Cairo library
        raise FormatUnavailable(f"{MISSING_WORD} ({err})") from None
    return docx, cairosvg


def render_docx(report: BoardReport) -> bytes:
    docx, cairosvg = _libraries()
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.8)
    for part in (section.header, section.footer):
        part.paragraphs[0].text = report.meta.protective_marking
        part.paragraphs[0].alignment = 1  # centred
    _page_number(section.footer.add_paragraph())

    document.add_paragraph(report.meta.protective_marking).alignment = 1
    document.add_heading(report.meta.title or report.title, level=0)
    rows = report.meta.rows()
    if rows:
        _table(document, ("", ""), rows)
    if report.sample_notice:
        document.add_paragraph().add_run(report.sample_notice + ".").bold = True
    document.add_paragraph(f"{report.force_name} · as of {report.quarter} ({report.months}) · "
                           f"prepared {report.generated} from {report.data_summary}.")

    e = report.executive
    if e is not None:
        document.add_heading("Executive summary", level=1)
        document.add_heading(f"What changed since {e.previous_quarter}", level=2)
        for title, items, none in (
                (f"New breaches ({len(e.new_breaches)})", e.new_breaches, "No new breaches."),
                (f"Resolved alerts ({len(e.resolved)})", e.resolved, "Nothing resolved."),
                (f"Status changes ({len(e.changed)})", e.changed, "No status changed.")):
            document.add_heading(title, level=3)
            _headlines(document, items, none)
        document.add_heading("The most serious breaches", level=2)
        document.add_paragraph(e.ordering)
        _headlines(document, e.serious, "No breaches this quarter.")
        document.add_heading("The biggest improvements", level=2)
        _headlines(document, e.improvements, "No improvements signalled this quarter.")
        document.add_heading("Each national priority", level=2)
        for p in e.priorities:
            para = document.add_paragraph(style="List Bullet")
            para.add_run(f"{p.glyph} {p.word} ")
            para.add_run(p.title).bold = True
            para.add_run(f": {p.text} Commentary: {p.commentary}.")
        document.add_heading("Reflections and planned actions", level=2)
        document.add_paragraph().add_run(
            f"{e.commentary_written} of the {e.commentary_expected} items of commentary the "
            f"Order requires for {report.quarter} are written.").bold = True

    document.add_heading("Scorecard", level=1)
    document.add_paragraph("Every KPI of the plan, by section and objective. SPC: the Making "
                           "Data Count variation and assurance. Direction: the move since the "
                           "quarter before. MSF rank: 1 best.")
    for group in report.scorecard:
        document.add_heading(" – ".join(x for x in (group.section, group.objective) if x),
                             level=3)
        _table(document, ("KPI", "Latest", "Target", "Status", "Change on baseline",
                          "Direction", "SPC", "MSF rank"),
               [(r.title, r.latest, r.target, f"{r.glyph} {r.word}",
                 "; ".join(x for x in (r.change, r.significance) if x) or "–",
                 r.direction or "–",
                 "; ".join(x for x in (r.variation_words, r.assurance_words) if x) or "–",
                 r.msf or "–") for r in group.rows], size=7.5)

    document.add_heading("Breaches, warnings and signals", level=1)
    for severity, items in report.alert_sections:
        document.add_heading(f"{severity.capitalize()} ({len(items)})", level=2)
        if not items:
            document.add_paragraph("None this quarter.")
        for it in items:
            document.add_heading(f"{it.kpi.title}", level=3)
            document.add_paragraph(" · ".join(p for p in (it.location, it.force_name) if p))
            for label, text in (("Value", it.value_text), ("Against", it.reference),
                                ("Evidence", it.message)):
                para = document.add_paragraph()
                para.add_run(f"{label}: ").bold = True
                para.add_run(text)
            _figure(document, cairosvg, it.figure)
            for note in it.notes:
                document.add_paragraph(f"{note.kind.capitalize()} ({note.author}): {note.text}")

    document.add_heading("National priorities", level=1)
    for block in report.priorities:
        document.add_heading(f"{block.number}. {block.title}", level=2)
        if block.metrics:
            _table(document, ("Status", "Proxy metric", "Latest", "Comparison",
                              "12 months ending June 2019", "Change", "SPC"),
                   [(f"{m.glyph_char} {m.glyph_word}", m.kpi.title, m.latest, m.comparison,
                     m.national_baseline, m.national_change, m.spc) for m in block.metrics],
                   size=8)
            for m in block.metrics:
                _figure(document, cairosvg, m.figure)
        for heading, notes, missing in (
                ("Reflections on force performance", block.reflections,
                 "no reflection on force performance has been written"),
                ("Planned action for the next quarter", block.actions,
                 "no planned action has been written")):
            document.add_heading(heading, level=3)
            if not notes:
                document.add_paragraph().add_run(f"Missing: {missing} for "
                                                 f"{report.quarter}.").bold = True
            for note in notes:
                document.add_paragraph(note.text, style="Quote")
                document.add_paragraph(f"— {note.author or 'unknown author'}, "
                                       f"{note.written_at[:10]}")

    document.add_heading("Sources", level=1)
    _table(document, ("file", "quarters", "rows", "figures", "source and edition"),
           [(s.name, s.quarters, f"{s.rows:,}", "illustrative" if s.illustrative
             else "as published", (s.publication or "a return written by hand")
             + "".join(f"; {x.name} {x.edition}".rstrip() for x in s.editions))
            for s in report.sources], size=8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _headlines(document, items: Sequence[Headline], none: str) -> None:  # noqa: ANN001
    if not items:
        document.add_paragraph(none)
    for i in items:
        para = document.add_paragraph(style="List Bullet")
        para.add_run(f"{i.glyph} {i.word} ")
        para.add_run(i.title).bold = True
        para.add_run(f": {i.text}")


def _table(document, headers: Sequence[str], rows: Sequence[Sequence[str]],  # noqa: ANN001
           size: float = 9) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text)
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)


def _repeat_header(row) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _page_number(paragraph) -> None:  # noqa: ANN001
    """`Page N`: a PAGE field Word fills in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = 2  # right
    paragraph.add_run("Page ")
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _figure(document, cairosvg, fig: Figure | None) -> None:  # noqa: ANN001
    from docx.shared import Cm

    if fig is None or not fig.has_data:
        return
    png = cairosvg.svg2png(bytestring=figure_svg(fig, standalone=True).encode("utf-8"),
                           output_width=1360)
    document.add_picture(io.BytesIO(png), width=Cm(16.5))
    picture = document.inline_shapes[-1]
    picture._inline.docPr.set("descr", fig.alt)  # the picture's alternative text
    picture._inline.docPr.set("title", f"Figure {fig.number}: {fig.title}")
    caption = document.add_paragraph()
    caption.add_run(f"Figure {fig.number}: {fig.title}. ").bold = True
    caption.add_run(fig.alt)
    for marker in fig.markers:
        document.add_paragraph(f"{marker.number}. {marker.quarter}: {marker.text}")
