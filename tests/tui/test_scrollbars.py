"""A scrollbar's thumb is drawn in whole cells, never with the sparklines' glyphs."""

from __future__ import annotations

from rich.color import Color

from pcp_tui.render import SPARK_CHARS
from pcp_tui.tui.scrollbars import WholeCellScrollBarRender
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree

SIZE = (120, 40)


def test_the_thumb_is_whole_cells_at_every_position():
    for position in range(0, 81):
        segments = WholeCellScrollBarRender.render_bar(
            size=20, virtual_size=100, window_size=20, position=position, thickness=2,
            back_color=Color.parse("black"), bar_color=Color.parse("white"))
        cells = [s for s in segments.segments if s.text.strip("\n")]
        assert all(set(s.text) == {" "} for s in cells)
        thumb = [s for s in cells if s.style is not None and s.style.reverse]
        assert 1 <= len(thumb) <= 5  # a fifth of the content shows: about four cells


async def test_the_plan_trees_scrollbar_shows_no_block_glyphs(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        assert tree.show_vertical_scrollbar
        bar = tree.vertical_scrollbar
        for offset in (0, 3, 7, 11):
            tree.scroll_to(y=offset, animate=False)
            await pilot.pause()
            drawn = "".join(bar.render_line(y).text for y in range(bar.size.height))
            assert not set(drawn) & set(SPARK_CHARS)
