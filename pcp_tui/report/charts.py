"""The report's charts, drawn once as SVG."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pcp_tui.render import (
    visible,
)
from pcp_tui.report.model import Chart

if TYPE_CHECKING:
    pass


def _h(text: object) -> str:
    """Escape text for HTML; control characters shown as `\\x1b`, never passed on."""
    return html.escape(visible(text, newlines=True), quote=True)


def svg_chart(chart: Chart, *, width: int = 140, height: int = 32, label: str = "") -> str:
    """An inline SVG line chart: the series, its mean and process limits, and the target."""
    values = list(chart.values)
    if not values:
        return ""
    lines = [v for v in (chart.mean, chart.lpl, chart.upl, chart.target) if v is not None]
    low = min(values + lines)
    high = max(values + lines)
    span = (high - low) or 1.0
    pad = 3

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / max(1, len(values) - 1))

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * ((v - low) / span)

    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{_h(label)}">']
    if label:
        parts.append(f"<title>{_h(label)}</title>")
    for value, cls in ((chart.lpl, "limit"), (chart.upl, "limit"), (chart.mean, "mean"),
                       (chart.target, "target")):
        if value is not None:
            parts.append(f'<line class="{cls}" x1="{pad}" x2="{width - pad}" '
                         f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline class="series" points="{points}"/>')
    parts.append(f'<circle class="last {_h(chart.style)}" cx="{x(len(values) - 1):.1f}" '
                 f'cy="{y(values[-1]):.1f}" r="2.6"/>')
    parts.append("</svg>")
    return "".join(parts)


