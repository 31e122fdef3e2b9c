"""A line of the plan's tree, drawn the way Textual's `Tree` draws it (guides, the label, the
cursor's and the hover's styles, the click targets) from the Tree's public state, and kept by
what it shows: the label drawn for a quarter and the line's place, cursor and hover.

The Tree keeps its drawn lines keyed on its nodes' private update counters, which a quarter
step has to bump on every line; these are keyed on the label itself, so the quarters either
side can be drawn ahead (`ObjectiveTree.prepare`) and a step only puts them on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widgets import Tree
    from textual.widgets.tree import TreeNode

KEPT_STRIPS = 4000  # drawn lines kept (about forty on screen, per quarter and cursor place)


@dataclass(frozen=True)
class LineStyles:
    """What every line of one drawing shares: the widget's styles and state, worked out once
    for all the lines drawn (asking the Tree for a component style walks the stylesheet)."""

    base: Style
    highlight_line: Style
    guide: Style
    guide_hover: Style
    guide_selected: Style
    guide_hidden: bool
    hover_hidden: bool
    selected_hidden: bool
    label: Style
    highlight: Style
    cursor: Style
    guides: dict[str, tuple[str, str, str, str]]
    has_focus: bool
    width: int
    pad_width: int
    scroll_x: int
    state: object  # the widget's pseudo-classes (focus, hover), which the styles follow

    @classmethod
    def of(cls, tree: Tree, base: Style, state: object) -> LineStyles:
        def styles(name: str, partial: bool = True) -> Style:
            return tree.get_component_rich_style(name, partial=partial)

        def hidden(name: str) -> bool:
            return tree.get_component_styles(name).color.a == 0

        guide = styles("tree--guides")
        guide_hover = guide + styles("tree--guides-hover")
        guide_selected = guide + styles("tree--guides-selected")
        depth = max(0, tree.guide_depth - 2)
        guides = {}
        for name, style in (("base", guide), ("hover", guide_hover),
                            ("selected", guide_selected)):
            for is_hidden in (False, True):
                guides[f"{name}{is_hidden}"] = _guide_strings(tree, style, is_hidden, depth)
        width = tree.size.width
        return cls(
            base=base,
            highlight_line=styles("tree--highlight-line", partial=False),
            guide=guide, guide_hover=guide_hover, guide_selected=guide_selected,
            guide_hidden=hidden("tree--guides"), hover_hidden=hidden("tree--guides-hover"),
            selected_hidden=hidden("tree--guides-selected"),
            label=styles("tree--label"), highlight=styles("tree--highlight"),
            cursor=styles("tree--cursor", partial=False),
            guides=guides, has_focus=tree.has_focus, width=width,
            pad_width=max(tree.virtual_size.width, width), scroll_x=tree.scroll_offset.x,
            state=state,
        )

    @property
    def ident(self) -> tuple[object, ...]:
        """What a kept line must have been drawn with to be shown again."""
        return (self.base, self.state, self.has_focus, self.width, self.pad_width,
                self.scroll_x)


def _guide_strings(tree: Tree, style: Style, hidden: bool, depth: int
                   ) -> tuple[str, str, str, str]:
    """Space, vertical, terminator and cross, as the Tree draws them in `style`."""
    if tree.show_guides and not hidden:
        lines = tree.LINES["default"]
        if style.bold:
            lines = tree.LINES["bold"]
        elif style.underline2:
            lines = tree.LINES["double"]
    else:
        lines = ("  ", "  ", "  ", "  ")
    space, vertical, terminator, cross = (f"{chars[0]}{chars[1] * depth} " for chars in lines)
    return space, vertical, terminator, cross


def node_path(node: TreeNode) -> list[TreeNode]:
    """The node's line's path: its top-level ancestor (the root is not shown) down to it."""
    path = [node]
    parent = node.parent
    while parent is not None and not parent.is_root:
        path.append(parent)
        parent = parent.parent
    path.reverse()
    return path


def _index(path: list[TreeNode], node: TreeNode | None) -> int | None:
    if node is None:
        return None
    for index, step in enumerate(path):
        if step is node:
            return index
    return None


@dataclass(frozen=True)
class LinePlace:
    """Where a line is and what marks it: its line number, its path, and where on the path
    the hovered node and the cursor's node are."""

    line: int
    path: list[TreeNode]
    hover_at: int | None  # the hovered node's place on the path
    selected_at: int | None  # the cursor node's place on the path, when the tree has focus
    is_hover_line: bool
    is_cursor_line: bool

    @classmethod
    def of(cls, tree: Tree, line: int, node: TreeNode, styles: LineStyles) -> LinePlace:
        path = node_path(node)
        hover = tree.get_node_at_line(tree.hover_line) if tree.hover_line >= 0 else None
        return cls(line=line, path=path, hover_at=_index(path, hover),
                   selected_at=_index(path, tree.cursor_node) if styles.has_focus else None,
                   is_hover_line=tree.hover_line == line,
                   is_cursor_line=tree.cursor_line == line)

    @property
    def key(self) -> tuple[object, ...]:
        node = self.path[-1]
        return (self.line, node.id, node.is_expanded, self.hover_at, self.selected_at,
                self.is_hover_line, self.is_cursor_line)


def draw_line(label: Text, icon: str | None, place: LinePlace, styles: LineStyles,
              console) -> Strip:
    """The line as the Tree draws it: guides, the icon of a node that folds, the label, each
    with the Tree's click targets (`line`, `node`), padded to the widest line, cut to the
    widget's scroll."""
    path = place.path
    line_style = styles.highlight_line if place.hover_at is not None else styles.base
    line_style += Style(meta={"line": place.line})
    guides = Text(style=line_style)
    guide_style, kind, hidden = styles.guide, "base", True
    for index, node in enumerate(path[1:], start=1):
        # a node's guides follow the hover and the cursor of the nodes above it
        hover = place.hover_at is not None and place.hover_at < index
        selected = place.selected_at is not None and place.selected_at < index
        guide_style, kind, hidden = styles.guide, "base", styles.guide_hidden
        if hover:
            guide_style, kind, hidden = styles.guide_hover, "hover", styles.hover_hidden
        if selected:
            guide_style, kind, hidden = styles.guide_selected, "selected", styles.selected_hidden
        if node is not path[-1]:
            space, vertical, _, _ = styles.guides[f"{kind}{hidden}"]
            guides.append(space if node.is_last else vertical, style=guide_style)
    if len(path) > 1:
        _, _, terminator, cross = styles.guides[f"{kind}{hidden}"]
        guides.append(terminator if path[-1].is_last else cross, style=guide_style)
    label_style = styles.label
    if place.is_hover_line:
        label_style += styles.highlight
    if place.is_cursor_line:
        label_style += styles.cursor
    text = label.copy()
    text.stylize(label_style)
    if icon is not None:
        text = Text.assemble((icon, line_style), text)
    text.stylize(Style(meta={"node": path[-1].id}))
    guides.append(text)
    segments = list(guides.render(console))
    pad = styles.pad_width - guides.cell_len
    if pad > 0:
        segments.append(Segment(" " * pad, line_style))
    return Strip(segments).crop(styles.scroll_x, styles.scroll_x + styles.width)
