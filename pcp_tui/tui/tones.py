"""Status colours as theme variables, never hex codes, and always beside a glyph.

`render.py` gives each glyph a Rich style for printouts; in the app the same statuses take
their colour from the theme's text colours (`$text-error`, `$text-warning`, …, which
`legible.py` brings up to 4.5:1 on the app's backgrounds) through component classes,
so every built-in theme and NO_COLOR work. A widget that draws glyphs adds `TONE_CLASSES` to
its COMPONENT_CLASSES and `tone_css("WidgetName")` to its DEFAULT_CSS, then asks
`tone_style(widget, tone)` for the style.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from pcp_tui.render import (
    RAG_GLYPHS,
    SEVERITY_GLYPHS,
    SIGNAL_GLYPH,
    STALE_GLYPH,
    Glyph,
    status_glyph,
)

if TYPE_CHECKING:
    from pcp_tui.rules.assess import KpiStatus

TONES = ("red", "amber", "green", "grey", "monitor", "signal", "improvement", "data", "muted",
         "stale")
TONE_CLASSES = {f"tone--{tone}" for tone in TONES}

_TONE_RULES = {
    "red": "color: $text-error; text-style: bold;",
    "amber": "color: $text-warning; text-style: bold;",
    "green": "color: $text-success;",
    "grey": "color: $pcp-text-muted;",
    "monitor": "color: $text-accent;",
    "signal": "color: $text-secondary; text-style: bold;",
    "improvement": "color: $text-success;",
    "data": "color: $text-primary;",
    "muted": "color: $pcp-text-muted;",
    "stale": "color: $text-warning;",
}

SEVERITY_TONES = {
    "breach": "red",
    "warning": "amber",
    "signal": "signal",
    "improvement": "improvement",
    "data": "data",
}


def tone_css(selector: str) -> str:
    """CSS for the tone component classes of one widget type."""
    rules = "\n".join(f"    & > .tone--{tone} {{ {rule} }}" for tone, rule in _TONE_RULES.items())
    return f"{selector} {{\n{rules}\n}}\n"


def component_style(widget: Widget, name: str) -> Style:
    """A component class's style, cached on the widget until its styles change (a label asks
    for several on every line, and each look-up walks the stylesheet)."""
    cache: dict[str, Style] | None = getattr(widget, "_tone_styles", None)
    if cache is None:
        cache = {}
        widget._tone_styles = cache  # type: ignore[attr-defined]
    style = cache.get(name)
    if style is None:
        style = cache[name] = widget.get_component_rich_style(name, partial=True)
    return style


def tone_style(widget: Widget, tone: str) -> Style:
    """The themed style of a tone (`red`, `amber`, `signal`, …)."""
    return component_style(widget, f"tone--{tone}")


def forget_tone_styles(widget: Widget) -> None:
    """Call from `notify_style_update`: a new theme brings new colours."""
    widget._tone_styles = None  # type: ignore[attr-defined]


def status_tone(rag: str | None, signal: bool = False) -> str:
    if rag is None:
        return "signal" if signal else "monitor"
    return rag if rag in ("red", "amber", "green") else "grey"


def status_mark(widget: Widget, rag: str | None, signal: bool = False) -> tuple[Glyph, Style]:
    """The glyph of a KPI status and its themed style."""
    return status_glyph(rag, signal), tone_style(widget, status_tone(rag, signal))


def kpi_mark(widget: Widget, status: KpiStatus) -> tuple[Glyph, Style]:
    """The glyph of one KPI's status and its themed style: a figure too old to judge is
    stale, as the printouts and the report mark it, never "no data" beside its value."""
    if status.is_stale:
        return STALE_GLYPH, tone_style(widget, "stale")
    return status_mark(widget, status.rag, status.is_signal)


def severity_mark(widget: Widget, severity: str) -> tuple[Glyph, Style]:
    glyph = SEVERITY_GLYPHS.get(severity, SEVERITY_GLYPHS["data"])
    return glyph, tone_style(widget, SEVERITY_TONES.get(severity, "data"))


def rollup_text(widget: Widget, counts: dict[str, int]) -> Text:
    """`✖3 ▲2 ●9 ◆1 ·2`: only the statuses that occur, themed."""
    text = Text()
    for key, glyph, tone in (
        ("red", RAG_GLYPHS["red"], "red"),
        ("amber", RAG_GLYPHS["amber"], "amber"),
        ("green", RAG_GLYPHS["green"], "green"),
        ("signal", SIGNAL_GLYPH, "signal"),
        ("grey", RAG_GLYPHS["grey"], "grey"),
        ("stale", STALE_GLYPH, "stale"),
    ):
        if counts.get(key):
            if text:
                text.append(" ")
            text.append(f"{glyph.char}{counts[key]}", style=tone_style(widget, tone))
    return text


class Toned:
    """Mixin for widgets that draw tones: forget the cached styles when the theme changes."""

    def notify_style_update(self) -> None:
        forget_tone_styles(self)  # type: ignore[arg-type]
        super().notify_style_update()  # type: ignore[misc]
