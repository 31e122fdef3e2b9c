"""The detail pane's "all forces" section: the national position and a small funnel chart.

Not a widget of its own: `KpiDetail` puts what `national_section` returns in its scrolling
text. The chart is plain characters (one cell per force and limit, no colour needed): the
population on a log scale across, the rate up; `◆` is the home force, `•` the other forces,
`─` the rate of all forces, `·` the 95 % limits and `:` the 99.8 % limits; a force above the
chart's top is `↑` on the top row.
"""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text

from pcp_tui.framework import Kpi
from pcp_tui.render import literal, national_lines
from pcp_tui.rules.national import Z_95, Z_998, NationalPosition

CHART_WIDTH = 56
CHART_HEIGHT = 10
AXIS = 8  # the y-axis labels' width


def national_section(
    position: NationalPosition, kpi: Kpi, names: dict[str, str], heading: Text,
    label: Style | str, accent: Style | str, width: int = AXIS + CHART_WIDTH,
) -> RenderableType:
    """The section at `width` columns: the position in words, then the funnel chart."""
    lines = national_lines(position, kpi, names)
    return Group(
        heading,
        *(literal(line) for line in lines),
        Text(),
        funnel_chart(position, width=max(20, min(CHART_WIDTH, width - AXIS)), label=label,
                     accent=accent),
    )


def funnel_chart(
    position: NationalPosition, width: int = CHART_WIDTH, height: int = CHART_HEIGHT,
    label: Style | str = "dim", accent: Style | str = "bold",
) -> Text:
    """The funnel of every force's rate against its population, as text."""
    fun = position.funnel
    pops = [r.population for r in position.forces]
    lo_x, hi_x = math.log10(min(pops)), math.log10(max(pops))
    if hi_x - lo_x < 1e-9:
        lo_x, hi_x = lo_x - 0.5, hi_x + 0.5
    # the top: the home force's 99.8 % limit or the forces' rates, but not so high that one
    # small force with a rate many times the rest flattens the others
    ordinary = [r.rate for r in position.forces if r.rate <= 2.5 * fun.target] or [fun.target]
    top = max(fun.limits(position.home.population, Z_998)[1], max(ordinary)) * 1.1
    top = top if top > 0 else 1.0
    grid = [[" "] * width for _ in range(height)]
    kinds = [[""] * width for _ in range(height)]

    def row_of(rate: float) -> int | None:
        level = round(rate / top * (height - 1))
        return None if level < 0 or level > height - 1 else height - 1 - level

    def put(col: int, row: int | None, char: str, kind: str, over: tuple[str, ...]) -> None:
        if row is not None and 0 <= col < width and kinds[row][col] in over:
            grid[row][col], kinds[row][col] = char, kind

    for col in range(width):
        population = 10 ** (lo_x + (hi_x - lo_x) * col / (width - 1))
        put(col, row_of(fun.target), "─", "target", ("",))
        for z, char in ((Z_95, "·"), (Z_998, ":")):
            for bound in fun.limits(population, z):
                put(col, row_of(bound), char, "limit", ("", "target"))
    for rate in sorted(position.forces, key=lambda r: r.force == position.force):
        col = round((math.log10(rate.population) - lo_x) / (hi_x - lo_x) * (width - 1))
        home = rate.force == position.force
        row = row_of(rate.rate)
        char = "◆" if home else "•"
        if row is None and rate.rate > top:
            row, char = 0, "↑"
        put(col, row, char, "home" if home else "force",
            ("", "target", "limit", "force") if home else ("", "target", "limit"))

    text = Text()
    for r in range(height):
        value = top * (height - 1 - r) / (height - 1)
        tick = f"{value:,.1f}" if r in (0, height - 1) or r == row_of(fun.target) else ""
        text.append(f"{tick:>{AXIS - 1}} ", style=label)
        for c in range(width):
            kind = kinds[r][c]
            style = accent if kind == "home" else label if kind in ("limit", "target") else ""
            text.append(grid[r][c], style=style)
        text.append("\n")
    left, right = f"{min(pops):,.0f}", f"{max(pops):,.0f}"
    middle = width - len(left) - len(right)
    axis = f"{'population (log scale)' if middle >= 24 else 'population':^{max(1, middle)}}"
    text.append(" " * AXIS + left + axis + right + "\n", style=label)
    text.append(" " * AXIS + "◆ home  • other forces  · 95 %  : 99.8 %\n", style=label)
    text.append(" " * AXIS + f"─ all forces {fun.target:,.2f} {position.basis_words}",
                style=label)
    return text


