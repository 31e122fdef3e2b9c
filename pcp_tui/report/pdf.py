"""The board paper as PDF: WeasyPrint (the optional extra `[pdf]`) lays out the same HTML, with
the protective marking at the top and bottom of every page, page numbers (CSS `@page`) and the
contents list's page numbers. WeasyPrint needs Pango (Debian's libpango-1.0-0 and
libpangoft2-1.0-0)."""

from __future__ import annotations

from pcp_tui.report.docx import FormatUnavailable
from pcp_tui.report.html import html_paper
from pcp_tui.report.model import BoardReport

MISSING_PDF = ("PDF output needs the optional extra: pip install 'pcp-tui[pdf]' (WeasyPrint, "
               "which needs Pango: on Debian, apt-get install libpango-1.0-0 libpangoft2-1.0-0)")


def render_pdf(report: BoardReport) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as err:  # OSError: WeasyPrint without Pango
        raise FormatUnavailable(f"{MISSING_PDF} ({err})") from None
    document = weasyprint.HTML(string=html_paper(report))
    return document.write_pdf() or b""
