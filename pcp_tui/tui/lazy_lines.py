"""The rendered lines of a scrolling pane, with the lines of a long table built on demand.

A pane's content is rendered once at its width into lines of segments. A table of every KPI
in the plan runs to a hundred lines of which the pane shows a third; its line count is known
before any of them is drawn (one row, one line), so `Lines` keeps such a table as its rows
and renders a row the first time that line is asked for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.text import Text

from pcp_tui.tui.cell_table import TableRows


class Lines:
    """A sequence of lines (each a list of segments), some rendered only when read."""

    def __init__(self, console: Console, options: ConsoleOptions) -> None:
        self._console, self._options = console, options
        self._starts: list[int] = []
        self._blocks: list[list[list[Segment]] | TableRows] = []
        self._drawn: dict[int, list[Segment]] = {}  # the table lines rendered so far
        self._count = 0

    @classmethod
    def render(cls, content: RenderableType, console: Console,
               options: ConsoleOptions) -> Lines:
        """`content` rendered at `options`' width: the tables among the parts of a Group are
        kept as rows, and the parts between them rendered now."""
        lines = cls(console, options)
        parts = content.renderables if isinstance(content, Group) else [content]
        run: list[RenderableType] = []
        for part in parts:
            if isinstance(part, TableRows):
                lines._add_rendered(run)
                run = []
                lines._add_block(part, len(part))
            else:
                run.append(part)
        lines._add_rendered(run)
        return lines

    def _add_rendered(self, parts: Iterable[RenderableType]) -> None:
        parts = list(parts)
        if parts:
            rendered = self._console.render_lines(Group(*parts), self._options, pad=False,
                                                  new_lines=False)
            self._add_block(rendered, len(rendered))

    def _add_block(self, block: list[list[Segment]] | TableRows, count: int) -> None:
        if count:
            self._starts.append(self._count)
            self._blocks.append(block)
            self._count += count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> list[Segment]:
        if not 0 <= index < self._count:
            raise IndexError(index)
        number = bisect_right(self._starts, index) - 1
        block, offset = self._blocks[number], index - self._starts[number]
        if not isinstance(block, TableRows):
            return block[offset]
        line = self._drawn.get(index)
        if line is None:
            line = self._drawn[index] = self._row(block.line(offset))
        return line

    def _row(self, text: Text) -> list[Segment]:
        """One table row's segments. A row is a single line (its cells hold no line breaks)
        no wider than the table's columns, so it needs no wrapping: its Text renders directly,
        for a small part of the cost of a console render."""
        width = self._options.max_width
        if "\n" in text.plain:  # not a row as the tables make them: render it in full
            rendered = self._console.render_lines(text, self._options, pad=False,
                                                  new_lines=False)
            return [segment for part in rendered for segment in part]
        if text.cell_len > width:
            text.truncate(width, overflow="ellipsis")
        return list(text.render(self._console, end=""))
