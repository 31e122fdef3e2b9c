"""The tree's lines (`tui/tree_lines.py`) are drawn as Textual's `Tree` draws them, in every
state a line can be in, and kept by what they show."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree

from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

SIZE = (120, 40)


def as_the_tree_draws(tree: ObjectiveTree) -> list[list[tuple[str, Style | None]]]:
    """Every line on screen drawn by Textual's own `Tree.render_line`, given the labels the
    plan's tree shows."""

    def render_label(node, base_style: Style, style: Style) -> Text:
        label = tree._label(node).copy()
        label.stylize(style)
        if node.allow_expand:
            icon = tree.ICON_NODE_EXPANDED if node.is_expanded else tree.ICON_NODE
            return Text.assemble((icon, base_style), label)
        return label

    tree.render_label = render_label  # type: ignore[method-assign]
    tree._pseudo_class_state = tree.get_pseudo_class_state()
    try:
        return [segments(Tree.render_line(tree, y)) for y in range(tree.size.height)]
    finally:
        del tree.render_label


def segments(strip) -> list[tuple[str, Style | None]]:
    """A line's text and styles, with its click targets (the Tree's `meta`)."""
    return [(segment.text, segment.style) for segment in strip if segment.text]


def as_drawn(tree: ObjectiveTree) -> list[list[tuple[str, Style | None]]]:
    return [segments(tree.render_line(y)) for y in range(tree.size.height)]


def same_cells(a, b) -> bool:
    """The same characters with the same style cell by cell (segments may split apart)."""
    def cells(line):
        return [(char, style) for text, style in line for char in text]
    return [cells(line) for line in a] == [cells(line) for line in b]


async def focused_tree(pilot) -> ObjectiveTree:
    await pilot.pause()
    tree = pilot.app.query_one(ObjectiveTree)
    tree.focus()
    await pilot.pause()
    return tree


async def test_every_line_is_drawn_as_the_tree_draws_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = await focused_tree(pilot)
        states = []
        for moves in (0, 3, 7):  # a section, an objective, a KPI under it
            tree.cursor_line = moves
            await pilot.pause()
            states.append(f"focused, cursor on line {moves}")
            assert same_cells(as_drawn(tree), as_the_tree_draws(tree)), states[-1]
            tree.hover_line = 5
            await pilot.pause()
            states.append(f"hovered over line 5, cursor on {moves}")
            assert same_cells(as_drawn(tree), as_the_tree_draws(tree)), states[-1]
            tree.hover_line = -1
        app.query_one(AlertsPanel).focus()
        await pilot.pause()
        assert same_cells(as_drawn(tree), as_the_tree_draws(tree)), "unfocused"
        tree.focus()
        await pilot.press("end")  # scrolled to the last line
        await pilot.pause()
        assert tree.scroll_offset.y > 0
        assert same_cells(as_drawn(tree), as_the_tree_draws(tree)), "scrolled"
        await pilot.press("home", "space")  # a section folded
        await pilot.pause()
        assert same_cells(as_drawn(tree), as_the_tree_draws(tree)), "folded"


async def test_a_line_is_kept_until_what_it_shows_changes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = await focused_tree(pilot)
        first = tree.render_line(4)
        assert tree.render_line(4) is first
        tree.cursor_line = 4  # the cursor's line is drawn again, in the cursor's style
        await pilot.pause()
        on_cursor = tree.render_line(4)
        assert on_cursor is not first and segments(on_cursor) != segments(first)
        tree.cursor_line = 0
        await pilot.pause()
        assert tree.render_line(4) is first  # and back as it was
        await pilot.press("left_square_bracket")  # a quarter back: its labels
        await pilot.pause()
        assert same_cells(as_drawn(tree), as_the_tree_draws(tree))
        await pilot.press("right_square_bracket")  # and forward again: the line drawn before
        await pilot.pause()
        assert tree.render_line(4) is first


async def test_a_click_on_a_line_opens_what_it_shows(make_app):
    # the lines carry the Tree's click targets (`line`, `node`), so a click behaves as before
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = await focused_tree(pilot)
        node = tree.get_node_at_line(7)
        assert node.data.kind == "kpi"
        region = tree.content_region
        await pilot.click(ObjectiveTree, offset=(20, 7 + region.y - tree.region.y))
        await pilot.pause()
        assert tree.cursor_line == 7
        detail = app.query_one(KpiDetail)
        assert detail.item.key == node.data.key and detail.has_focus
