"""Scrollbars drawn in whole cells.

Textual draws the ends of a scrollbar's thumb with the eighth-block glyphs (`▁▂▃…`) for a
smoother look. Beside the plan tree's sparklines, which are drawn with the same glyphs, a
thumb ending in `▁▁` read as the end of a sparkline. Whole cells cost a little smoothness and
never look like data.
"""

from __future__ import annotations

from typing import ClassVar

from textual.scrollbar import ScrollBar, ScrollBarRender


class WholeCellScrollBarRender(ScrollBarRender):
    """A thumb of whole cells: no partial glyph at either end."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_whole_cell_scrollbars() -> None:
    """Draw every scrollbar of the app in whole cells (Textual's documented hook:
    `ScrollBar.renderer`)."""
    ScrollBar.renderer = WholeCellScrollBarRender
