"""Rows of text cells as aligned lines, for the detail pane's tables: a light stand-in for a
Rich Table, whose measuring on every key press cost tens of milliseconds."""

from __future__ import annotations

from rich.text import Text


def cell(text: Text | str, width: int, justify: str = "left") -> Text:
    """Text cut or padded to exactly `width` cells."""
    text = text.copy() if isinstance(text, Text) else Text(text)
    text.truncate(width, overflow="ellipsis", pad=False)
    pad = width - text.cell_len
    if pad > 0:
        if justify == "right":
            text = Text(" " * pad) + text
        else:
            text.append(" " * pad)
    return text


def table_lines(rows: list[list[Text]], widths: list[int], justify: list[str],
                gap: int = 2) -> Text:
    """Rows of cells as aligned lines (a light stand-in for a Rich Table: it is measured on
    every keypress, and a Table costs tens of milliseconds)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for number, row in enumerate(rows):
        if number:
            out.append("\n")
        for index, (value, width) in enumerate(zip(row, widths)):
            if index:
                out.append(" " * gap)
            out.append_text(cell(value, width, justify[index]))
    return out
