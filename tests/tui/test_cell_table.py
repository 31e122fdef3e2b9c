"""Cells cut or padded to their width, and rows of them aligned."""

from __future__ import annotations

from rich.text import Text

from pcp_tui.tui.cell_table import cell, table_lines


def test_a_cell_is_exactly_its_width():
    assert cell("abc", 5).plain == "abc  "
    assert cell("abc", 5, "right").plain == "  abc"
    assert cell("abcdefgh", 5).plain == "abcd…"
    assert cell(Text("漢字漢字"), 5).cell_len == 5  # wide characters are measured in cells


def test_a_cell_keeps_the_style_and_leaves_the_original_alone():
    original = Text("Breach", style="bold red")
    out = cell(original, 10)
    assert out.plain == "Breach    " and original.plain == "Breach"
    assert out.style == "bold red"


def test_rows_line_up_by_their_column_widths():
    rows = [[Text("Quarter"), Text("Value")], [Text("2021/22 Q2"), Text("1,234")]]
    lines = table_lines(rows, [8, 6], ["left", "right"], gap=1).plain.split("\n")
    assert lines == ["Quarter   Value", "2021/22…  1,234"]
