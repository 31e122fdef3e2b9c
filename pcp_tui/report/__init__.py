"""The quarterly board report: the paper built once as a model, and one renderer per format."""

from __future__ import annotations

from pcp_tui.report.charts import svg_chart
from pcp_tui.report.docx import FormatUnavailable, render_docx
from pcp_tui.report.html import render_html
from pcp_tui.report.markdown import render_markdown
from pcp_tui.report.model import BoardReport, Chart, build_report
from pcp_tui.report.paper import PaperMeta, paper_meta
from pcp_tui.report.pdf import render_pdf

__all__ = ["BoardReport", "Chart", "FormatUnavailable", "PaperMeta", "build_report", "paper_meta",
           "render_docx", "render_html", "render_markdown", "render_pdf", "svg_chart"]
