"""The quarterly board report: the paper built once as a model, and one renderer per format."""

from __future__ import annotations

from pcp_tui.report.charts import svg_chart
from pcp_tui.report.html import render_html
from pcp_tui.report.markdown import render_markdown
from pcp_tui.report.model import BoardReport, Chart, build_report

__all__ = ["BoardReport", "Chart", "build_report", "render_html", "render_markdown", "svg_chart"]
