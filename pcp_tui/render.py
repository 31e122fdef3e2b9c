"""Pieces shared by the printouts and the terminal app: glyphs, sparklines, literal text.

Status is never shown by colour alone: every status has a glyph. Text that comes from data files,
the config or notes goes through `literal()`, which returns a Rich `Text` (never parsed as markup)
with terminal control characters made visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text


@dataclass(frozen=True, slots=True)
class Glyph:
    char: str
    style: str  # a Rich style; the TUI maps these to theme variables
    word: str


RAG_GLYPHS: dict[str | None, Glyph] = {
    "red": Glyph("✖", "bold red", "red"),
    "amber": Glyph("▲", "bold yellow", "amber"),
    "green": Glyph("●", "green", "green"),
    "grey": Glyph("·", "dim", "no data"),
    None: Glyph("○", "cyan", "monitor"),
}
SIGNAL_GLYPH = Glyph("◆", "bold magenta", "signal")
SEVERITY_GLYPHS: dict[str, Glyph] = {
    "breach": Glyph("✖", "bold red", "breach"),
    "warning": Glyph("▲", "bold yellow", "warning"),
    "signal": Glyph("◆", "bold magenta", "signal"),
    "improvement": Glyph("✔", "green", "improvement"),
    "data": Glyph("◇", "blue", "data"),
}

SPARK_CHARS = "▁▂▃▄▅▆▇█"

# C0 and C1 control characters (ESC among them) and the DEL byte; newlines and tabs are kept
# only where the caller allows them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_WITH_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: object, *, newlines: bool = False) -> str:
    """Text with every control character shown as an escape (`\\x1b`), never acted on."""
    pattern = _CONTROL if newlines else _CONTROL_WITH_NEWLINES

    def show(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == "\t":
            return "    " if not newlines else "\t"
        if char == "\n" and not newlines:
            return " ⏎ "
        return f"\\x{ord(char):02x}"

    return pattern.sub(show, "" if text is None else str(text))


def literal(text: object, style: str = "", *, newlines: bool = False) -> Text:
    """Data as a Rich Text: shown exactly as written, never interpreted as markup."""
    return Text(visible(text, newlines=newlines), style=style)


def status_glyph(rag: str | None, signal: bool = False) -> Glyph:
    """The glyph of a KPI's status: its RAG, or a signal diamond for a monitored KPI."""
    if rag is None and signal:
        return SIGNAL_GLYPH
    return RAG_GLYPHS.get(rag, RAG_GLYPHS["grey"])


def sparkline(values: Sequence[float | None], width: int | None = None) -> str:
    """Block characters scaled to the series' own min–max (print the range beside it)."""
    points = [v for v in values if v is not None]
    if width is not None and len(points) > width:
        points = points[-width:]
    if not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        return SPARK_CHARS[len(SPARK_CHARS) // 2 - 1] * len(points)
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[round((v - low) / (high - low) * top)] for v in points)


def rollup_counts(counts: dict[str, int]) -> Text:
    """`✖3 ▲2 ●9 ◆1` — only the statuses that occur."""
    text = Text()
    for key, glyph in (("red", RAG_GLYPHS["red"]), ("amber", RAG_GLYPHS["amber"]),
                       ("green", RAG_GLYPHS["green"]), ("signal", SIGNAL_GLYPH),
                       ("grey", RAG_GLYPHS["grey"])):
        if counts.get(key):
            if text:
                text.append(" ")
            text.append(f"{glyph.char}{counts[key]}", style=glyph.style)
    return text
