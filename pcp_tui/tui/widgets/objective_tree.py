"""The plan as a tree: section → objective → sub-objective → KPI, or national priority → KPI.

Each KPI line shows its status glyph, short title, latest value and a sparkline of its history;
each node line shows the rollup of its KPIs (`✖3 ▲2 ●9`). Lines are drawn from the current
assessment when painted, so a quarter step repaints the same tree instead of rebuilding it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from pcp_tui.framework import Framework, Kpi, PlanNode
from pcp_tui.periods import Quarter
from pcp_tui.render import literal, visible
from pcp_tui.rules.assess import Assessment
from pcp_tui.tui.focus_styles import FocusStylesSelf
from pcp_tui.tui.plan_items import (
    PlanItem,
    kpi_item,
    node_children,
    plan_item,
)
from pcp_tui.tui.series import SeriesIndex
from pcp_tui.tui.tones import (
    TONE_CLASSES,
    forget_tone_styles,
    tone_css,
    tone_style,
)
from pcp_tui.tui.tree_labels import TreeLabels
from pcp_tui.tui.tree_lines import KEPT_STRIPS, LinePlace, LineStyles, draw_line

Grouping = str  # "plan" | "priority"
LABEL_CAP = 78  # wider labels only push the value column away from its title
PREPARED_LINES = 6  # the lines drawn ahead in one turn of the event loop (about 2 ms)



def _depth(node: TreeNode[PlanItem]) -> int:
    depth = 0
    parent = node.parent
    while parent is not None and not parent.is_root:
        depth += 1
        parent = parent.parent
    return depth


class ObjectiveTree(FocusStylesSelf, TreeLabels, Tree[PlanItem]):
    """Every KPI of the plan, grouped by the plan or by national priority."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="tree.up"),
        Binding("h,left", "fold", "Fold, or go to the parent", show=False, id="tree.fold"),
        Binding("l,right", "unfold", "Unfold, or go to the first child", show=False,
                id="tree.unfold"),
        Binding("g,home", "scroll_home", "First line", show=False, id="tree.top"),
        Binding("G,end", "scroll_end", "Last line", show=False, id="tree.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="tree.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="tree.page-down"),
        Binding("enter", "select_cursor", "Open: fold a node, read a KPI", show=False,
                id="tree.select"),
        Binding("space", "toggle_node", "Fold or unfold", show=False, id="tree.toggle"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = Tree.COMPONENT_CLASSES | TONE_CLASSES | {
        "objective-tree--section",
        "objective-tree--value",
        "objective-tree--spark",
    }

    DEFAULT_CSS = (
        """
    ObjectiveTree {
        overflow-x: hidden;
        & > .objective-tree--section { text-style: bold; }
        & > .objective-tree--value { }
        & > .objective-tree--spark { color: $pcp-text-muted; }
    }
    """
        + tone_css("ObjectiveTree")
    )

    assessment: var[Assessment | None] = var(None, always_update=True)
    """The plan at the as-of quarter; set by the App."""
    grouping: var[Grouping] = var("plan")
    """`plan` (section → objective → KPI) or `priority` (the six national priorities)."""
    filter_text: var[str] = var("")
    """Words that every shown KPI's title contains."""
    alert_kpis: var[frozenset[str] | None] = var(None)
    """Only these KPIs (those with alerts), or every KPI when None."""

    class ItemHighlighted(Message):
        """The cursor moved to a line."""

        def __init__(self, item: PlanItem) -> None:
            self.item = item
            super().__init__()

    class ItemChosen(Message):
        """Enter (or a click) on a line."""

        def __init__(self, item: PlanItem) -> None:
            self.item = item
            super().__init__()

    def __init__(self, framework: Framework, series: SeriesIndex, home_force: str,
                 *, id: str | None = None) -> None:
        # (the Tree measures its root's label as it starts)
        self._rooms: dict[tuple[int, int], int] = {}  # a label's cells by (node, width)
        # the widget's width while many lines are worked out (asking for it walks the layout)
        self._width_now: int | None = None
        self._known_styles: dict[tuple[object, ...], LineStyles] = {}
        super().__init__(Text("Plan"), id=id)
        self.framework = framework
        self.series = series
        self.home_force = home_force
        self.show_root = False
        self.guide_depth = 3
        # drawn labels by (quarter, node, width): stepping back to a quarter redraws nothing
        self._labels: dict[tuple[object, int, int], Text] = {}
        self._collapsed: set[tuple[str, str]] = set()
        self._building = False
        self._drawn_quarter: Quarter | None = None  # the quarter the lines on screen show
        self._value_width: tuple[object, int] = (None, 0)  # (timeline, cells)
        self._said: tuple[object, list[Strip]] = (None, [])  # why no line is shown, drawn
        self._drawing_style: Style | None = None  # the widget's style while lines are drawn
        self._line_styles: LineStyles | None = None  # and the rest of what lines are drawn with
        # drawn lines by (label, place, styles), with the label they were drawn from
        self._strips: dict[tuple[object, ...], tuple[Text, Strip]] = {}
        self._unfiltered_at: tuple[str, str] | None = None  # the cursor's item before a filter

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.rebuild()

    # state from the App --------------------------------------------------------------------

    def set_data(self, framework: Framework, series: SeriesIndex, home_force: str) -> None:
        """New config or data after a reload; the caller sets the assessment next."""
        self.framework = framework
        self.series = series
        self.home_force = home_force
        if self.is_mounted:
            self.rebuild()

    def watch_assessment(self) -> None:
        if self.is_mounted:
            self.repaint_labels()

    def watch_grouping(self) -> None:
        if self.is_mounted:
            self.rebuild()

    def watch_filter_text(self, before: str, now: str) -> None:
        if not self.is_mounted:
            return
        if not before.strip() and now.strip():  # the analyst starts to filter: from here
            self._unfiltered_at = self.cursor_item.key if self.cursor_item else None
        self.rebuild()
        if not now.strip():
            place, self._unfiltered_at = self._unfiltered_at, None
            if place is not None:  # the filter typed away or cleared: back where it began
                self.select_item(place, expand=False)

    def keep_place(self) -> None:
        """The cursor's line under the filter is where the analyst wants to be: clearing the
        filter keeps it there instead of going back to where the filter began."""
        self._unfiltered_at = None

    def watch_alert_kpis(self) -> None:
        if self.is_mounted:
            self.rebuild()

    def repaint_labels(self) -> None:
        """Redraw every line from the current assessment, keeping the tree as it is: of the
        lines on screen, those that read the same at the new quarter (a KPI with no new
        figure, a heading whose counts stay the same) keep their drawing."""
        if len(self._labels) > 4000:
            self._forget_drawing()
        quarter = self.assessment.as_of if self.assessment is not None else None
        drawn, self._drawn_quarter = self._drawn_quarter, quarter
        if drawn is not None and quarter is not None and drawn != quarter:
            top = self.scroll_offset.y
            self._width_now = self.size.width
            try:
                for line in range(top, top + self.size.height):
                    node = self.get_node_at_line(line)
                    if node is not None:
                        self._keep_same_label(node, drawn, self.assessment)
            finally:
                self._width_now = None
        # the lines are kept by their labels: a repaint puts the new quarter's on screen
        self.refresh()

    def _keep_same_label(self, node: TreeNode[PlanItem], shown: Quarter,
                         assessment: Assessment) -> None:
        """At `assessment`'s quarter, a line that reads as it does at `shown` takes the same
        label, and so the line drawn for it."""
        before = self._labels.get(self._label_key(node, shown))
        if before is None:
            return
        label = self._label(node, assessment)
        if label is not before and label == before:
            self._labels[self._label_key(node, assessment.as_of)] = before

    def _forget_drawing(self) -> None:
        self._labels.clear()
        self._strips.clear()
        self._known_styles.clear()
        self._rooms.clear()

    def notify_style_update(self) -> None:
        # Called on every focus change, which changes only the cursor's and the guides'
        # colours: the lines are kept by the focus state too, so a repaint draws them.
        # Forgetting the labels and measuring every line again (the Tree's own hook, about as
        # costly as the rest of Enter on a KPI) is kept for a real change of the styles: a
        # new theme (`_theme_changed`; nothing in the stylesheet restyles the tree's parts by
        # a class of the screen or the panes).
        Widget.notify_style_update(self)
        self.refresh()

    def _theme_changed(self, *_: object) -> None:
        """A new theme (Textual refreshes the CSS before it tells): the labels, their tones
        and the lines are drawn afresh in its colours when next shown."""
        self._forget_drawing()
        self._said = (None, [])
        forget_tone_styles(self)
        Tree.notify_style_update(self)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The Tree asks for the widget's style once per line, and working it out walks every
        # ancestor's styles (about a sixth of a line's drawing): nothing restyles the tree
        # while it draws, so it is worked out once for all the lines drawn now.
        self._drawing_style = Tree.rich_style.fget(self)
        self._line_styles = self._styles_now(self._drawing_style)
        self._drawn_quarter = self.assessment.as_of if self.assessment is not None else None
        self._width_now = self._line_styles.width
        try:
            return super().render_lines(crop)
        finally:
            self._drawing_style = None
            self._line_styles = None
            self._width_now = None

    @property
    def rich_style(self) -> Style:
        style = self._drawing_style
        return Tree.rich_style.fget(self) if style is None else style

    def render_line(self, y: int) -> Strip:
        said = self.nothing_shown()
        if said is not None:  # in place of the lines
            return self._said_line(said, y)
        styles = self._line_styles or self._styles_now(self.rich_style)
        return self._line_strip(y + self.scroll_offset.y, styles, self.assessment)

    def _styles_now(self, base: Style) -> LineStyles:
        """What the lines are drawn with now, worked out once per state of the widget (a
        new theme is told by `_theme_changed`, which forgets them)."""
        state = self.get_pseudo_class_state()
        key = (base, state, self.has_focus, self.size.width, self.virtual_size.width,
               self.scroll_offset.x)
        styles = self._known_styles.get(key)
        if styles is None:
            if len(self._known_styles) >= 16:
                self._known_styles.clear()
            styles = self._known_styles[key] = LineStyles.of(self, base, state)
        return styles

    def _line_strip(self, line: int, styles: LineStyles, assessment: Assessment | None
                    ) -> Strip:
        """A line of the tree at `assessment`'s quarter, drawn once per label and place."""
        node = self.get_node_at_line(line)
        if node is None:
            return Strip.blank(styles.width, styles.base)
        label = self._label(node, assessment)
        place = LinePlace.of(self, line, node, styles)
        key = (id(label), place.key, styles.ident)
        kept = self._strips.get(key)
        if kept is not None and kept[0] is label:
            return kept[1]
        icon = None
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        strip = draw_line(label, icon, place, styles, self.app.console)
        if len(self._strips) >= KEPT_STRIPS:
            self._strips.clear()
        self._strips[key] = (label, strip)
        return strip

    def nothing_shown(self) -> str | None:
        """Why the filters leave no line (`No KPI matches 'jjk'.`); None when lines are
        shown."""
        if self.last_line >= 0:
            return None
        words = " ".join(visible(self.filter_text).split())
        if words:
            which = "KPI with alerts" if self.alert_kpis is not None else "KPI"
            return f"No {which} matches '{words}'."
        if self.alert_kpis is not None:
            return "No KPI has an alert at the severity shown."
        return None

    def _said_line(self, said: str, y: int) -> Strip:
        width = self.size.width
        key = (said, width, self.rich_style)
        if self._said[0] != key:
            text = Text(said)
            if self.filter_text.strip():  # (Esc is the filter's own key, never remapped)
                text.append("\nEsc clears the filter.", style=tone_style(self, "muted"))
            console = self.app.console
            lines = console.render_lines(Padding(text, (0, 1)), console.options.update(
                width=width, height=None), style=self.rich_style)
            self._said = (key, [Strip(line, width) for line in lines])
        lines = self._said[1]
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    # building --------------------------------------------------------------------------------

    @property
    def filtering(self) -> bool:
        return bool(self.filter_text.strip()) or self.alert_kpis is not None

    def shows(self, kpi: Kpi) -> bool:
        if self.alert_kpis is not None and kpi.id not in self.alert_kpis:
            return False
        words = self.filter_text.casefold().split()
        if not words:
            return True
        haystack = f"{kpi.title} {kpi.short}".casefold()
        return all(word in haystack for word in words)

    def _roots(self) -> tuple[PlanNode, ...]:
        if self.grouping == "priority":
            return self.framework.by_priority()
        return self.framework.by_plan()

    def _has_visible(self, node: PlanNode) -> bool:
        return any(self.shows(kpi) for kpi in node.walk_kpis())

    def rebuild(self) -> None:
        """Lay the tree out again (grouping, filter or data changed); keep the cursor's line."""
        cursor = self.cursor_node
        keep = cursor.data.key if cursor is not None and cursor.data is not None else None
        self._building = True
        try:
            self.clear()
            self._forget_drawing()
            expand_all = self.filtering
            for node in self._roots():
                if self._has_visible(node):
                    self._add_plan_node(self.root, node, expand_all)
        finally:
            self._building = False
        restored = keep is not None and self.select_item(keep, expand=False)
        if not restored and self.last_line >= 0:
            self.move_cursor_to_line(0)
        # the cursor may sit on the same line number with a different item under it, and the
        # Tree only announces a move: tell the App what is under the cursor now
        if self.cursor_item is not None:
            self.post_message(self.ItemHighlighted(self.cursor_item))

    def _add_plan_node(self, parent: TreeNode[PlanItem], node: PlanNode,
                       expand_all: bool) -> None:
        item = plan_item(node)
        expanded = expand_all or item.key not in self._collapsed
        branch = parent.add(literal(node.title), data=item, expand=expanded)
        for child in node_children(node):
            if isinstance(child, PlanNode):
                if self._has_visible(child):
                    self._add_plan_node(branch, child, expand_all)
            elif self.shows(child):
                branch.add_leaf(literal(child.title), data=kpi_item(child))

    def _walk(self, node: TreeNode[PlanItem]):
        for child in node.children:
            yield child
            yield from self._walk(child)

    def first_kpi_node(self) -> TreeNode[PlanItem] | None:
        """The first KPI's line (under a filter: the first match)."""
        _ = self.last_line
        for node in self._walk(self.root):
            if node.data is not None and node.data.kind == "kpi":
                return node
        return None

    def find_node(self, key: tuple[str, str]) -> TreeNode[PlanItem] | None:
        """The first line for an item (a KPI listed twice is found where the plan puts it)."""
        for node in self._walk(self.root):
            if node.data is not None and node.data.key == key:
                return node
        return None

    def select_item(self, key: tuple[str, str], *, expand: bool = True) -> bool:
        """Move the cursor to an item, unfolding its ancestors; False when it is not shown."""
        node = self.find_node(key)
        if node is None:
            return False
        if expand:
            parent = node.parent
            while parent is not None and not parent.is_root:
                if not parent.is_expanded:
                    parent.expand()
                parent = parent.parent
        else:
            parent = node.parent
            while parent is not None and not parent.is_root:
                if not parent.is_expanded:
                    return False
                parent = parent.parent
        _ = self.last_line  # lay the lines out now, so the node knows its line
        self.move_cursor(node)
        # a jump lands mid-pane, with the objective above it in view
        self.center_scroll = True
        self.scroll_to_node(node, animate=False)
        self.center_scroll = False
        return True

    @property
    def cursor_item(self) -> PlanItem | None:
        node = self.cursor_node
        return node.data if node is not None else None

    # keys ------------------------------------------------------------------------------------

    def action_fold(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent)

    def action_unfold(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            _ = self.last_line
            self.move_cursor(node.children[0])

    @on(Tree.NodeCollapsed)
    def _remember_collapsed(self, event: Tree.NodeCollapsed[PlanItem]) -> None:
        if event.node.data is not None and not self._building and not self.filtering:
            self._collapsed.add(event.node.data.key)

    @on(Tree.NodeExpanded)
    def _remember_expanded(self, event: Tree.NodeExpanded[PlanItem]) -> None:
        if event.node.data is not None and not self._building:
            self._collapsed.discard(event.node.data.key)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[PlanItem]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ItemHighlighted(event.node.data))

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[PlanItem]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ItemChosen(event.node.data))

    # drawing ---------------------------------------------------------------------------------

    def _available(self, node: TreeNode[PlanItem]) -> int:
        size = self._width_now if self._width_now is not None else self.size.width
        key = (node.id, size)
        room = self._rooms.get(key)
        if room is None:
            # always leave room for the scrollbar: the lines are kept by the widget's width,
            # so labels must not depend on whether the scrollbar happens to be shown
            width = (size - self.styles.scrollbar_size_vertical) if size else 60
            prefix = 2 if node.allow_expand else 0
            room = self._rooms[key] = min(
                LABEL_CAP, width - _depth(node) * self.guide_depth - prefix)
        return room

    def get_label_width(self, node: TreeNode[PlanItem]) -> int:
        return max(0, self._available(node)) + (2 if node.allow_expand else 0)

    def _label_key(self, node: TreeNode[PlanItem], quarter: Quarter | None
                   ) -> tuple[Quarter | None, int, int]:
        return (quarter, int(node.id), max(1, self._available(node)))

    def _label(self, node: TreeNode[PlanItem], assessment: Assessment | None = None) -> Text:
        """A line's label at the current assessment, or another quarter's (kept: drawn once
        per quarter, node and width)."""
        assessment = assessment or self.assessment
        key = self._label_key(node, assessment.as_of if assessment else None)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = self._build_label(node, key[2], assessment)
        return label

    def prepare(self, assessment: Assessment) -> Iterator[None]:
        """Draw the lines on screen at another quarter's assessment, without showing them: a
        step to that quarter then finds them drawn. A generator, a few lines drawn by each
        `next`; the styles are worked out afresh after each pause (a theme may change)."""
        if not self.is_mounted or assessment.as_of is None:
            return
        top = self.scroll_offset.y
        for first in range(top, top + self.size.height, PREPARED_LINES):
            if self.nothing_shown() is not None:
                return  # drawn afresh when next shown
            styles = self._styles_now(Tree.rich_style.fget(self))
            shown = self._drawn_quarter
            self._width_now = styles.width
            try:
                for line in range(first, min(first + PREPARED_LINES, top + self.size.height)):
                    node = self.get_node_at_line(line)
                    if node is None:
                        continue
                    if shown is not None and shown != assessment.as_of:
                        self._keep_same_label(node, shown, assessment)
                    self._line_strip(line, styles, assessment)
            finally:
                self._width_now = None
            yield
