"""The report's charts, drawn once as SVG."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from pcp_tui.render import (
    visible,
)
from pcp_tui.report.figures import Figure, FunnelFigure
from pcp_tui.report.model import Chart
from pcp_tui.rules.national import Z_95, Z_998

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




# The paper's charts ---------------------------------------------------------------------------

INK, GRID, MUTED = "#1a1a1a", "#d0d0d0", "#595959"
BAND, CI_BAND = "#e8eef7", "#d9d9d9"
TARGET = "#1a1a1a"
STATUS_FILL = {"red": "#b3261e", "amber": "#8a5a00", "green": "#1b6e3a", "signal": "#7a1fa2",
               "stale": "#8a5a00", "grey": "#666666", "none": "#00607a", "monitor": "#00607a"}
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
WIDTH, HEIGHT = 680, 290
LEFT, RIGHT, TOP, BOTTOM = 70, 70, 22, 62


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values for an axis from `low` to `high`: 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high, low = low + 1, low - 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5 and len(ticks) < 12:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _t(x: float, y: float, text: str, *, size: float = 11, anchor: str = "start",
       fill: str = INK, cls: str = "", weight: str = "normal") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text{klass} x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
            f'text-anchor="{anchor}" fill="{fill}" font-weight="{weight}">{_h(text)}</text>')


def figure_svg(fig: Figure, *, standalone: bool = False) -> str:
    """A chart a reader can read: labelled axes with values and financial-year quarters, the
    target line, the baseline window shaded, the SPC mean and limits (rebased where they
    change), a survey's confidence band and dated markers for notes. Drawn with presentation
    attributes only, so the same SVG renders in a browser, in a PDF and as a Word image
    (`standalone` adds the SVG namespace a file of its own needs; inline HTML does without)."""
    n = len(fig.quarters)
    title_id = f"{fig.id}-title"
    desc_id = f"{fig.id}-desc"
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    head = (f'<svg{namespace} class="figure" width="{WIDTH}" '
            f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}">'
            f'<title id="{title_id}">{_h(f"Figure {fig.number}: {fig.title}")}</title>'
            f'<desc id="{desc_id}">{_h(fig.alt)}</desc>')
    if not fig.has_data:
        return head + _t(WIDTH / 2, HEIGHT / 2, "No figures to chart", anchor="middle") + "</svg>"
    numbers = [v for v in (*fig.values, *fig.lower, *fig.upper, *fig.mean, *fig.lpl, *fig.upl,
                           fig.target) if v is not None and math.isfinite(v)]
    ticks = nice_ticks(min(numbers), max(numbers))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, n)

    def x(i: float) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / span)

    parts = [head, f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    if fig.baseline is not None:  # the baseline window
        a, b = fig.baseline
        parts.append(f'<rect class="baseline" x="{x(a) - step / 2:.1f}" y="{TOP}" '
                     f'width="{step * (b - a + 1):.1f}" height="{plot_h}" fill="{BAND}"/>')
        parts.append(_t(x(a) - step / 2 + 3, TOP + 11, f"baseline {fig.baseline_label}",
                        size=9.5, fill=MUTED))
    for tick in ticks:  # the value axis and its grid
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        parts.append(_t(LEFT - 6, y(tick) + 3.5, fig.fmt(tick), size=10, anchor="end",
                        cls="tick"))
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{INK}"/>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
                 f'y2="{TOP + plot_h}" stroke="{INK}"/>')
    parts.append(f'<text class="axis-label" transform="translate(14 {TOP + plot_h / 2:.1f}) '
                 f'rotate(-90)" font-family="{FONT}" font-size="10.5" text-anchor="middle" '
                 f'fill="{INK}">{_h(fig.y_label)}</text>')
    for i, quarter in enumerate(fig.quarters):  # the quarter axis: Q1–Q4 under their year
        parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{TOP + plot_h}" '
                     f'y2="{TOP + plot_h + 4}" stroke="{INK}"/>')
        parts.append(_t(x(i), TOP + plot_h + 15, f"Q{quarter.q}", size=9.5, anchor="middle",
                        cls="tick"))
        if quarter.q == 1 or i == 0:
            parts.append(_t(x(i) - step / 2 + 2, TOP + plot_h + 28, quarter.label[:7],
                            size=9.5, fill=MUTED))
            if i:
                parts.append(f'<line x1="{x(i) - step / 2:.1f}" x2="{x(i) - step / 2:.1f}" '
                             f'y1="{TOP + plot_h}" y2="{TOP + plot_h + 30}" stroke="{GRID}"/>')
    parts.append(f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" '
                 f'font-family="{FONT}" font-size="10.5" text-anchor="middle" fill="{INK}">'
                 "Financial year and quarter</text>")

    band = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(fig.lower, fig.upper))
            if lo is not None and hi is not None]
    if band:  # a survey's confidence interval
        points = [f"{x(i):.1f},{y(hi):.1f}" for i, _, hi in band]
        points += [f"{x(i):.1f},{y(lo):.1f}" for i, lo, _ in reversed(band)]
        parts.append(f'<polygon class="ci" points="{" ".join(points)}" fill="{CI_BAND}" '
                     'fill-opacity="0.8"/>')

    def segments(series: tuple[float | None, ...]) -> list[list[tuple[int, float]]]:
        runs: list[list[tuple[int, float]]] = []
        for i, v in enumerate(series):
            if v is None or (i in fig.rebased) or not runs:
                runs.append([])
            if v is not None:
                runs[-1].append((i, v))
        return [r for r in runs if r]

    for series, cls, dash, width in ((fig.mean, "mean", "", 1.2), (fig.lpl, "limit", "4 3", 1),
                                     (fig.upl, "limit", "4 3", 1)):
        for run in segments(series):
            a, b = run[0][0], run[-1][0]
            for (i, v), (j, w) in zip(run, run[1:]):
                parts.append(f'<line class="{cls}" x1="{x(i):.1f}" x2="{x(j):.1f}" '
                             f'y1="{y(v):.1f}" y2="{y(w):.1f}" stroke="{MUTED}" '
                             f'stroke-width="{width}"'
                             + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            if a == b:
                parts.append(f'<line class="{cls}" x1="{x(a) - step / 2:.1f}" '
                             f'x2="{x(a) + step / 2:.1f}" y1="{y(run[0][1]):.1f}" '
                             f'y2="{y(run[0][1]):.1f}" stroke="{MUTED}"/>')
    right: list[tuple[float, str, str]] = []  # labels at the right end, kept apart below
    last_mean = next((v for v in reversed(fig.mean) if v is not None), None)
    if last_mean is not None:
        labels = [("mean", last_mean),
                  ("upper limit", next((v for v in reversed(fig.upl) if v is not None), None)),
                  ("lower limit", next((v for v in reversed(fig.lpl) if v is not None), None))]
        right += [(y(value) + 3.5, word, "normal") for word, value in labels
                  if value is not None]
    for i in fig.rebased:
        parts.append(f'<line class="rebase" x1="{x(i) - step / 2:.1f}" '
                     f'x2="{x(i) - step / 2:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     f'stroke="{MUTED}" stroke-dasharray="1 2"/>')
        parts.append(_t(x(i) - step / 2 + 2, TOP + plot_h - 4, "limits rebased", size=8.5,
                        fill=MUTED))
    if fig.target is not None:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(fig.target):.1f}" y2="{y(fig.target):.1f}" stroke="{TARGET}" '
                     'stroke-width="1.6" stroke-dasharray="8 3"/>')
        right.append((y(fig.target) + 3.5, "target", "bold"))
    placed: list[float] = []
    for at, word, weight in sorted(right):
        at = max([at, *(p + 11 for p in placed)])
        placed.append(at)
        parts.append(_t(WIDTH - RIGHT + 4, at, word, size=9.5, weight=weight,
                        fill=INK if weight == "bold" else MUTED))

    runs: list[list[tuple[int, float]]] = []
    for i, v in enumerate(fig.values):
        if v is None:
            runs.append([])
        elif not runs:
            runs.append([(i, v)])
        else:
            runs[-1].append((i, v))
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(f'<polyline class="series" points="{points}" fill="none" '
                         f'stroke="{INK}" stroke-width="2"/>')
    shown = [(i, v) for i, v in enumerate(fig.values) if v is not None]
    for i, v in shown[:-1]:
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.4" fill="{INK}"/>')
    i, v = shown[-1]
    fill = STATUS_FILL.get(fig.status_style, INK)
    parts.append(f'<circle class="last" cx="{x(i):.1f}" cy="{y(v):.1f}" r="5" fill="{fill}" '
                 f'stroke="{INK}" stroke-width="1"/>')
    parts.append(_t(x(i), y(v) - 9, fig.unit.format(v), size=10, anchor="end", weight="bold"))
    for marker in fig.markers:  # dated notes
        mx = x(marker.index)
        parts.append(f'<line class="note" x1="{mx:.1f}" x2="{mx:.1f}" y1="{TOP}" '
                     f'y2="{TOP + plot_h}" stroke="{INK}" stroke-width="0.8" '
                     'stroke-dasharray="2 2"/>')
        parts.append(f'<circle cx="{mx:.1f}" cy="{TOP + 2}" r="7" fill="#ffffff" '
                     f'stroke="{INK}"/>')
        parts.append(_t(mx, TOP + 5.5, str(marker.number), size=9, anchor="middle",
                        weight="bold"))
    parts.append("</svg>")
    return "".join(parts)


FUNNEL_POINTS = 60  # points along each limit curve


def funnel_svg(fig: FunnelFigure, *, standalone: bool = False) -> str:
    """A funnel plot: every force's rate (y) against its population (x) as a dot, the national
    rate as a line, the 95 % and 99.8 % limits (with the between-force variance τ² of the
    position) as curves, and the home force marked and labelled. Labelled axes and a text
    alternative, as `figure_svg` has."""
    p, fun = fig.position, fig.position.funnel
    title_id, desc_id = f"{fig.id}-title", f"{fig.id}-desc"
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    parts = [f'<svg{namespace} class="funnel" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{title_id} {desc_id}">'
             f'<title id="{title_id}">{_h(fig.title)}</title>'
             f'<desc id="{desc_id}">{_h(fig.alt)}</desc>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    millions = [r.population / 1e6 for r in p.forces]
    x_ticks = nice_ticks(0.0, max(millions) * 1.02)
    x_high = x_ticks[-1] or 1.0
    # the curves start at the smallest force (they run off to infinity at no population)
    start = min(millions) * 0.8
    curve_at = [start + (x_high - start) * k / (FUNNEL_POINTS - 1) for k in range(FUNNEL_POINTS)]
    curves = {z: [fun.limits(m * 1e6, z) for m in curve_at] for z in (Z_95, Z_998)}
    lows = [lo for lo, _ in curves[Z_998]]
    # a force far beyond the limits (the City of London's few residents) would squash the
    # rest: a rate over three times the upper limit at the middle force's population is
    # drawn at the top edge, labelled; the curves are cut off at the top of the plot
    middle = sorted(r.population for r in p.forces)[len(p.forces) // 2]
    cap = 3 * fun.limits(middle, Z_998)[1]
    off_scale = [r for r in p.forces if r.rate > cap]
    rates = [r.rate for r in p.forces if r.rate <= cap] or [fun.target]
    top = max(*rates, fun.limits(middle, Z_998)[1]) * 1.15
    highs = [min(hi, top) for _, hi in curves[Z_998]]
    y_ticks = nice_ticks(max(0.0, min([*rates, *lows])), max([*rates, *highs]))
    y_low, y_high = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(m: float) -> float:
        return LEFT + plot_w * (m / x_high)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_low) / ((y_high - y_low) or 1.0))

    for tick in y_ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        parts.append(_t(LEFT - 6, y(tick) + 3.5, f"{tick:,.10g}", size=10, anchor="end",
                        cls="tick"))
    for tick in x_ticks:
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{TOP + plot_h}" '
                     f'y2="{TOP + plot_h + 4}" stroke="{INK}"/>')
        parts.append(_t(x(tick), TOP + plot_h + 15, f"{tick:,.10g}", size=9.5,
                        anchor="middle", cls="tick"))
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{INK}"/>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
                 f'y2="{TOP + plot_h}" stroke="{INK}"/>')
    parts.append(f'<text class="axis-label" transform="translate(14 {TOP + plot_h / 2:.1f}) '
                 f'rotate(-90)" font-family="{FONT}" font-size="10.5" text-anchor="middle" '
                 f'fill="{INK}">{_h(fig.y_label)}</text>')
    parts.append(f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" '
                 f'font-family="{FONT}" font-size="10.5" text-anchor="middle" fill="{INK}">'
                 "Population (millions)</text>")

    clip = f"{fig.id}-plot"
    parts.append(f'<clipPath id="{clip}"><rect x="{LEFT}" y="{TOP}" width="{plot_w}" '
                 f'height="{plot_h}"/></clipPath>')
    right: list[tuple[float, str, str]] = []
    for z, dash, words in ((Z_998, "4 3", "99.8 % limits"), (Z_95, "", "95 % limits")):
        for side in (0, 1):
            points = " ".join(f"{x(m):.1f},{y(limits[side]):.1f}"
                              for m, limits in zip(curve_at, curves[z]))
            parts.append(f'<polyline class="limit" points="{points}" fill="none" '
                         f'clip-path="url(#{clip})" stroke="{MUTED}" stroke-width="1"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            right.append((y(curves[z][-1][side]) + 3.5, words if side else "", "normal"))
    parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                 f'y1="{y(fun.target):.1f}" y2="{y(fun.target):.1f}" stroke="{TARGET}" '
                 'stroke-width="1.4"/>')
    right.append((y(fun.target) + 3.5, "national", "bold"))
    placed: list[float] = []
    for at, word, weight in sorted(right):
        if not word:
            continue
        at = max([at, *(q + 11 for q in placed)])
        placed.append(at)
        parts.append(_t(WIDTH - RIGHT + 4, at, word, size=9.5, weight=weight,
                        fill=INK if weight == "bold" else MUTED))

    for row in off_scale:
        ox = x(row.population / 1e6)
        parts.append(f'<path class="force off-scale" d="M{ox - 4:.1f},{TOP + 6:.1f} '
                     f'L{ox:.1f},{TOP:.1f} L{ox + 4:.1f},{TOP + 6:.1f} Z" fill="{INK}"/>')
        parts.append(_t(ox + 7, TOP + 8, f"{fig.names.get(row.force, row.force)} "
                        f"{row.rate:,.2f} (off the scale)", size=9, fill=MUTED))
    for row in p.forces:
        if row.force != p.force and row.rate <= cap:
            parts.append(f'<circle class="force" cx="{x(row.population / 1e6):.1f}" '
                         f'cy="{y(row.rate):.1f}" r="2.6" fill="{INK}" fill-opacity="0.55"/>')
    home = p.home
    hx, hy = x(home.population / 1e6), y(min(home.rate, y_high))
    if p.band == "inside":
        fill = STATUS_FILL["grey"]
    elif not fig.better:
        fill = STATUS_FILL["none"]
    elif p.side * fig.better > 0:
        fill = STATUS_FILL["green"]
    else:
        fill = STATUS_FILL["red" if p.band == "99.8" else "amber"]
    parts.append(f'<circle class="home" cx="{hx:.1f}" cy="{hy:.1f}" r="5.5" fill="{fill}" '
                 f'stroke="{INK}" stroke-width="1.2"/>')
    anchor = "end" if hx > LEFT + plot_w * 0.7 else "start"
    parts.append(_t(hx + (-9 if anchor == "end" else 9), hy - 8,
                    f"{fig.home_name} {home.rate:,.2f}", size=10, anchor=anchor,
                    weight="bold", cls="home-label"))
    parts.append("</svg>")
    return "".join(parts)


# NHS "Making Data Count" icons ------------------------------------------------------------------

MDC_ORANGE, MDC_BLUE, MDC_GREY, MDC_PURPLE = "#e46c0a", "#0070c0", "#7f7f7f", "#6a1b9a"
VARIATION_ICON_WORDS = {
    "common_cause": "common cause variation",
    "improvement_high": "special cause improvement (high)",
    "improvement_low": "special cause improvement (low)",
    "concern_high": "special cause concern (high)",
    "concern_low": "special cause concern (low)",
    "neutral_high": "special cause variation (high)",
    "neutral_low": "special cause variation (low)",
}
ASSURANCE_ICON_WORDS = {
    "consistent_pass": "will consistently meet the target",
    "consistent_fail": "will consistently miss the target",
    "inconsistent": "will hit and miss the target",
}


def _icon(colour: str, letter: str, words: str, extra: str = "") -> str:
    return (f'<svg class="mdc" width="26" height="26" '
            f'viewBox="0 0 26 26" role="img" aria-label="{_h(words)}"><title>{_h(words)}'
            f'</title><circle cx="13" cy="13" r="11.5" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="2.2"/>{extra}'
            + (f'<text x="13" y="17.5" font-family="{FONT}" font-size="13" font-weight="bold" '
               f'text-anchor="middle" fill="{colour}">{letter}</text>' if letter else "")
            + "</svg>")


def variation_icon_svg(icon: str | None) -> str:
    """The variation icon: grey for common cause, orange for concern, blue for improvement,
    purple where neither is better; H or L for a high or a low special cause."""
    if icon is None or icon not in VARIATION_ICON_WORDS:
        return ""
    words = VARIATION_ICON_WORDS[icon]
    if icon == "common_cause":
        dots = "".join(f'<circle cx="{cx}" cy="{cy}" r="1.6" fill="{MDC_GREY}"/>'
                       for cx, cy in ((6, 14), (9, 11), (12, 15), (15, 12), (18, 14),
                                      (21, 12)))
        return _icon(MDC_GREY, "", words, dots)
    kind, side = icon.split("_")
    colour = {"improvement": MDC_BLUE, "concern": MDC_ORANGE}.get(kind, MDC_PURPLE)
    return _icon(colour, "H" if side == "high" else "L", words)


def assurance_icon_svg(assurance: str | None) -> str:
    """The assurance icon: P (blue) consistently passes, F (orange) consistently fails, ?
    (grey) hits and misses the target."""
    if assurance not in ASSURANCE_ICON_WORDS:
        return ""
    colour, letter = {"consistent_pass": (MDC_BLUE, "P"), "consistent_fail": (MDC_ORANGE, "F"),
                      "inconsistent": (MDC_GREY, "?")}[assurance]  # type: ignore[index]
    return _icon(colour, letter, ASSURANCE_ICON_WORDS[assurance])  # type: ignore[index]
