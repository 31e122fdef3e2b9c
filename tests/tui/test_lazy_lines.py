"""A pane's lines with its tables' rows drawn only when read, and drawn as a full render would."""

from __future__ import annotations

import pytest
from rich.console import Console, Group
from rich.segment import Segment
from rich.text import Text

from pcp_tui.tui.cell_table import TableRows, table_lines
from pcp_tui.tui.lazy_lines import Lines

WIDTH = 40


def console_and_options():
    console = Console(width=WIDTH, color_system="truecolor", force_terminal=True)
    return console, console.options.update(width=WIDTH, max_width=WIDTH, height=None)


def rows(count: int) -> list[list[Text]]:
    return [[Text("●", style="bold red"), Text(f"KPI number {n} with a title"),
             Text(f"{n * 1234:,}", style="italic")] for n in range(count)]


def plain_segments(line: list[Segment]) -> list[tuple[str, object]]:
    """A line's segments merged where their styles agree (renders split text differently)."""
    return [(segment.text, segment.style) for segment in Segment.simplify(line)
            if segment.text]


def test_the_lines_are_those_of_a_full_render():
    console, options = console_and_options()
    table = TableRows(rows(30), [1, 20, 10], ["left", "left", "right"])
    parts = [Text("Heading", style="bold"), Text(""), table, Text(""),
             Text("A closing paragraph long enough to wrap over more than one line here.")]
    eager = console.render_lines(
        Group(*parts[:2], table_lines(table.rows, table.widths, table.justify), *parts[3:]),
        options, pad=False, new_lines=False)
    lazy = Lines.render(Group(*parts), console, options)
    assert len(lazy) == len(eager) == 2 + 30 + 1 + 2
    for index, line in enumerate(eager):
        assert plain_segments(lazy[index]) == plain_segments(line), index


def test_a_row_is_drawn_only_when_its_line_is_read():
    console, options = console_and_options()
    drawn: list[int] = []

    class Counted(TableRows):
        def line(self, number: int) -> Text:
            drawn.append(number)
            return super().line(number)

    lines = Lines.render(Group(Text("top"), Counted(rows(100), [1, 20, 10],
                                                    ["left", "left", "right"])),
                         console, options)
    assert len(lines) == 101 and drawn == []
    lines[50]
    lines[50]
    assert drawn == [49]  # the first line is the text above the table; drawn once


def test_a_row_wider_than_the_pane_is_cut_with_an_ellipsis():
    console, options = console_and_options()
    lines = Lines.render(TableRows([[Text("x" * 30), Text("y" * 30)]], [30, 30],
                                   ["left", "left"]), console, options)
    text = "".join(segment.text for segment in lines[0])
    assert len(text) == WIDTH and text.endswith("…")


def test_a_line_past_the_end_is_an_index_error():
    console, options = console_and_options()
    lines = Lines.render(Text("one\ntwo"), console, options)
    assert len(lines) == 2
    with pytest.raises(IndexError):
        lines[2]
    with pytest.raises(IndexError):
        lines[-1]
