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


class TableRows:
    """Rows of cells as aligned lines, each line built only when it is asked for: the pane
    that scrolls through a long table (every KPI of the plan) draws the lines it shows, not
    the hundred it could. As a renderable it is the whole table (`table_lines`)."""

    def __init__(self, rows: list[list[Text]], widths: list[int], justify: list[str],
                 gap: int = 2) -> None:
        self.rows, self.widths, self.justify, self.gap = rows, widths, justify, gap

    def __len__(self) -> int:
        return len(self.rows)

    def line(self, number: int) -> Text:
        """Row `number` as one line, each cell cut or padded to its column's width."""
        out = Text(no_wrap=True, overflow="ellipsis")
        for index, (value, width) in enumerate(zip(self.rows[number], self.widths)):
            if index:
                out.append(" " * self.gap)
            out.append_text(cell(value, width, self.justify[index]))
        return out

    def __rich_console__(self, console, options):
        yield table_lines(self.rows, self.widths, self.justify, self.gap)


def table_lines(rows: list[list[Text]], widths: list[int], justify: list[str],
                gap: int = 2) -> Text:
    """Rows of cells as aligned lines (a light stand-in for a Rich Table: it is measured on
    every keypress, and a Table costs tens of milliseconds)."""
    table = TableRows(rows, widths, justify, gap)
    out = Text(no_wrap=True, overflow="ellipsis")
    for number in range(len(table)):
        if number:
            out.append("\n")
        out.append_text(table.line(number))
    return out
