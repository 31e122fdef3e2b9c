"""Rich text drawn once per change into strips: a block that sizes itself, and a scroller.

A `Static` with `height: auto` makes the screen measure (render) it on every layout, and a
change of its height makes the whole screen lay out again; the detail pane changes on every
cursor move, and that cost more than a keypress may (about 100 ms here). These widgets render
their content once at their width: `TextBlock` sets its own height and asks for a new layout
only when that height changes; `ScrollingText` keeps its line count in its virtual size and
never asks for one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import ClassVar

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from pcp_tui.tui.lazy_lines import Lines

NULL_STYLE = Style()
KEPT_RENDERS = 256  # rendered contents a ScrollingText keeps by key (the oldest go first)
KEPT_FINISHED = 512  # lines finished for the screen kept per content


def styled_strip(segments, width: int) -> Strip:
    """A strip of exactly `width` cells in which every segment has a style.

    Textual's NO_COLOR filter reads each segment's style and fails on a segment without one
    (as Rich leaves plain text), so plain segments get an empty style.
    """
    strip = Strip([Segment(text, style or NULL_STYLE, control)
                   for text, style, control in segments])
    return strip.extend_cell_length(width, NULL_STYLE).crop(0, width)


class Fitted:
    """A renderable drawn for the width it is given (`draw(width)`): a table inside a Group
    lays its columns out for the pane it is in."""

    def __init__(self, draw: Callable[[int], RenderableType]) -> None:
        self.draw = draw

    def __rich_console__(self, console, options):
        yield self.draw(options.max_width)


class Rendered:
    """Content rendered at a width: its lines, the strips made of them so far, and the lines
    finished for the screen (with the scroll mark and the widget's colours)."""

    __slots__ = ("lines", "width", "strips", "finished")

    def __init__(self, lines: Lines, width: int) -> None:
        self.lines = lines
        self.width = width
        self.strips: dict[int, Strip] = {}
        self.finished: dict[tuple[int, str, Style], Strip] = {}


def blank(width: int) -> Strip:
    return Strip.blank(width, NULL_STYLE)


class TextBlock(Widget):
    """Pre-rendered Rich content (always literal: give it Text and Rich renderables)."""

    DEFAULT_CSS = """
    TextBlock {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._content: RenderableType | Callable[[int], RenderableType] = Text("")
        self._strips: list[Strip] = []
        self._drawn_width = 0

    @property
    def content(self) -> RenderableType:
        content = self._content
        return content(self.size.width or 80) if callable(content) else content

    def update(self, content: RenderableType | str | Callable[[int], RenderableType]) -> None:
        """Show `content`: a renderable, or a function of the width giving one."""
        self._content = Text(content) if isinstance(content, str) else content
        self._draw()

    @property
    def plain(self) -> str:
        """The drawn text without styles (for tests and screen readers' sake)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def _draw(self, repaint: bool = True) -> None:
        width = self.size.width
        if width <= 0:
            return  # drawn on the first resize (or the first paint)
        console = self.app.console
        options = console.options.update(width=width, max_width=width, height=None)
        content = self._content(width) if callable(self._content) else self._content
        lines = console.render_lines(content, options, pad=False, new_lines=False)
        self._strips = [styled_strip(line, width) for line in lines] or [blank(width)]
        self._drawn_width = width
        height = len(self._strips)
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height
        elif not repaint:
            return
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._drawn_width:
            self._draw()

    def render_line(self, y: int) -> Strip:
        if self.size.width != self._drawn_width:
            self._draw(repaint=False)  # painted before the resize event arrives
        # the widget's own colours under the text (a strip from `render_line` is drawn as it
        # is: plain text would otherwise take the terminal's colours, not the theme's)
        base = self.visual_style.rich_style
        if y < len(self._strips):
            return self._strips[y].apply_style(base)
        return blank(self.size.width).apply_style(base)


class ScrollingText(Widget):
    """Pre-rendered Rich content that scrolls itself.

    Textual's scrolling widgets keep their content's line count in `virtual_size`, and a new
    line count makes the whole screen lay out again. This one scrolls by its own offset and
    draws its own scroll thumb in the last column, so new content repaints this widget alone.
    """

    DEFAULT_CSS = """
    ScrollingText {
        height: 1fr;
        width: 1fr;
    }
    ScrollingText > .scrolling-text--thumb { color: $primary-muted; }
    ScrollingText > .scrolling-text--track { color: $surface-lighten-1; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"scrolling-text--thumb", "scrolling-text--track"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._content: RenderableType | Callable[[int], RenderableType] = Text("")
        # the rendered lines, each made a strip when first shown: a KPI's figures run to
        # many more lines than the pane shows, and a strip costs more than the line's render
        self._lines: Sequence[list[Segment]] = []
        self._strips: dict[int, Strip] = {}
        self._key: Hashable | None = None
        # rendered lines by (key, width), with the strips made of them so far
        self._rendered: dict[tuple[Hashable, int], Rendered] = {}
        self._shown: Rendered | None = None
        self._width = 0
        self._drawn_width = 0
        self.top_line = 0

    def update(self, content: RenderableType | str | Callable[[int], RenderableType],
               *, keep_scroll: bool = False, key: Hashable | None = None) -> None:
        """Show `content` (a renderable, or a function of the width giving one). Content
        given a `key` is rendered once per width: showing the same key again reuses the
        lines (a step back to a quarter, a return to a KPI)."""
        self._content = Text(content) if isinstance(content, str) else content
        self._key = key
        if not keep_scroll:
            self.top_line = 0
        self._draw()

    def forget_rendered(self) -> None:
        """Drop the lines kept by key (their styles are out of date: a new theme)."""
        self._rendered.clear()

    @property
    def plain(self) -> str:
        return "\n".join(self._strip(index).text.rstrip() for index in range(len(self._lines)))

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def max_offset(self) -> int:
        return max(0, len(self._lines) - self.size.height)

    def _strip(self, index: int) -> Strip:
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = styled_strip(self._lines[index], self._width)
        return strip

    def scroll_by_lines(self, lines: int) -> None:
        offset = min(self.max_offset, max(0, self.top_line + lines))
        if offset != self.top_line:
            self.top_line = offset
            self.refresh()

    def scroll_to_line(self, line: int) -> None:
        self.scroll_by_lines(line - self.top_line)

    def prepare(self, content: RenderableType | Callable[[int], RenderableType],
                *, key: Hashable) -> None:
        """Render `content` at the width shown and keep it by `key`, without showing it: an
        `update` with the same key then only puts the lines on screen."""
        width = self.size.width - 1
        if width > 0 and (key, width) not in self._rendered:
            rendered = self._render(content, key, width)
            base = self.visual_style.rich_style
            thumb = self._thumb(len(rendered.lines), 0)
            for y in range(min(self.size.height, len(rendered.lines))):  # the top, shown first
                self._finished_line(rendered, y, y, thumb, base)

    def _render(self, content: RenderableType | Callable[[int], RenderableType],
                key: Hashable | None, width: int) -> Rendered:
        content = content(width) if callable(content) else content
        console = self.app.console
        options = console.options.update(width=width, max_width=width, height=None)
        rendered = Rendered(Lines.render(content, console, options), width)
        if key is not None:
            if len(self._rendered) >= KEPT_RENDERS:
                self._rendered.pop(next(iter(self._rendered)))
            self._rendered[(key, width)] = rendered
        return rendered

    def _draw(self, repaint: bool = True) -> None:
        width = self.size.width - 1  # the last column holds the scroll thumb
        if width <= 0:
            return
        kept = (self._key, width) if self._key is not None else None
        rendered = self._rendered.get(kept) if kept is not None else None
        if rendered is None:
            rendered = self._render(self._content, self._key, width)
        self._shown = rendered
        self._lines, self._strips = rendered.lines, rendered.strips
        self._width = width
        self._drawn_width = self.size.width
        self.top_line = min(self.top_line, self.max_offset)
        if repaint:
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._drawn_width:
            self._draw()
        else:
            self.top_line = min(self.top_line, self.max_offset)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_by_lines(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_by_lines(-3)

    def _thumb(self, total: int | None = None, top_line: int | None = None
               ) -> tuple[int, int]:
        """The rows of the scroll thumb, (0, 0) when everything fits: of the lines shown, or
        of `total` lines scrolled to `top_line`."""
        height = self.size.height
        total = len(self._lines) if total is None else total
        top_line = self.top_line if top_line is None else top_line
        if total <= height or height <= 0:
            return (0, 0)
        size = max(1, height * height // total)
        top = (height - size) * top_line // max(1, total - height)
        return (top, top + size)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._drawn_width and width > 1:
            # laid out at a new width and painted before the resize event arrives (the first
            # frame): render for this width now rather than paint the old lines
            self._draw(repaint=False)
        base = self.visual_style.rich_style
        if self._shown is None or self._shown.width != width - 1:
            return blank(width).apply_style(base)
        return self._finished_line(self._shown, y + self.top_line, y, self._thumb(), base)

    def _finished_line(self, rendered: Rendered, index: int, y: int, thumb: tuple[int, int],
                       base: Style) -> Strip:
        """Line `index` of the content on row `y`, with its mark of the scroll thumb (or its
        track) and the widget's colours under it: kept by what it shows."""
        top, bottom = thumb
        mark = "" if top == bottom else "thumb" if top <= y < bottom else "track"
        key = (index, mark, base)
        finished = rendered.finished.get(key)
        if finished is not None:
            return finished
        if 0 <= index < len(rendered.lines):
            line = rendered.strips.get(index)
            if line is None:
                line = rendered.strips[index] = styled_strip(rendered.lines[index],
                                                             rendered.width)
        else:
            line = blank(rendered.width)
        if not mark:
            finished = Strip.join([line, blank(1)]).apply_style(base)
        else:
            segment = (Segment("▐", self.get_component_rich_style("scrolling-text--thumb"))
                       if mark == "thumb" else
                       Segment("│", self.get_component_rich_style("scrolling-text--track")))
            finished = Strip.join([line, Strip([segment], 1)]).apply_style(base)
        if len(rendered.finished) >= KEPT_FINISHED:
            rendered.finished.clear()
        rendered.finished[key] = finished
        return finished
