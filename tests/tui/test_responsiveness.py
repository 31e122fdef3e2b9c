"""What keeps keys quick, checked by behaviour (the timings are in benchmarks/): the footer is
rebuilt only when the keys it shows change."""

from __future__ import annotations

from pcp_tui.tui.app import HELD_KEY_GAP
from pcp_tui.tui.screens.main_screen import MainScreen
from pcp_tui.tui.widgets.alerts_panel import AlertsPanel
from pcp_tui.tui.widgets.key_footer import KeyFooter
from pcp_tui.tui.widgets.kpi_detail import KpiDetail
from pcp_tui.tui.widgets.objective_tree import ObjectiveTree
from pcp_tui.tui.widgets.text_block import ScrollingText

from .conftest import footer_drawn, screen_text

SIZE = (120, 40)
ASB = ("kpi", "asb-incidents")


async def test_moving_between_panes_keeps_the_footer_and_a_keymap_rebuilds_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await footer_drawn(pilot, app)
        footer = app.query_one(KeyFooter)
        before = footer.rebuilds
        assert before >= 1 and "[] quarter" in screen_text(app).splitlines()[-1]
        tree = app.query_one(ObjectiveTree)
        assert tree.select_item(ASB)
        await pilot.press("enter")  # the detail pane takes the focus
        await pilot.pause()
        assert app.query_one(KpiDetail).has_focus
        app.query_one(AlertsPanel).focus()
        await pilot.pause()
        tree.focus()
        await pilot.pause()
        assert footer.rebuilds == before
        assert "[] quarter" in screen_text(app).splitlines()[-1]

        app.set_keymap({"quarter.earlier": "comma", "quarter.later": "full_stop"})
        await pilot.pause()
        assert footer.rebuilds == before + 1
        assert ", ." in screen_text(app).splitlines()[-1] or (
            ",." in screen_text(app).splitlines()[-1])


async def test_enter_on_the_kpi_shown_does_not_draw_it_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        detail = app.query_one(KpiDetail)
        assert tree.select_item(ASB)
        await pilot.pause()
        assert detail.item.key == ASB
        draws, body = detail.draws, detail.body_text
        await pilot.press("enter")
        await pilot.pause()
        assert detail.has_focus and detail.draws == draws and detail.body_text == body
        await pilot.press("left_square_bracket")  # a new quarter is drawn
        await pilot.pause()
        assert detail.draws == draws + 1 and detail.body_text != body
        app.theme = "textual-light"  # new colours: the same KPI is drawn again when chosen
        await pilot.pause()
        tree.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert detail.draws == draws + 2


def glyph_styles(tree: ObjectiveTree) -> list[str]:
    """The style of each line's first printed character, as drawn now."""
    styles = []
    for y in range(min(12, tree.size.height)):
        segments = [s for s in tree.render_line(y) if s.text.strip()]
        styles.append(str(segments[0].style) if segments else "")
    return styles


async def test_a_focus_change_keeps_the_tree_labels_and_a_new_theme_redraws_them(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        labels = dict(tree._labels)
        assert labels
        before = glyph_styles(tree)
        app.query_one(KpiDetail).focus()
        await pilot.pause()
        tree.focus()
        await pilot.pause()
        assert all(tree._labels.get(key) is label for key, label in labels.items())
        assert glyph_styles(tree) == before
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert not any(tree._labels.get(key) is label for key, label in labels.items())
        assert glyph_styles(tree) != before


async def test_a_focus_move_repaints_the_two_panes_not_the_whole_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, tree, detail = app.screen, app.query_one(ObjectiveTree), app.query_one(KpiDetail)
        assert isinstance(screen, MainScreen)
        whole, panes = [], []
        screen_refresh = screen.refresh

        def refreshed(*regions, **options):
            whole.append(regions)
            return screen_refresh(*regions, **options)
        screen.refresh = refreshed  # type: ignore[method-assign]
        for pane in (tree, detail):
            pane_refresh = pane.refresh

            def pane_refreshed(*regions, _pane=pane, _refresh=pane_refresh, **options):
                panes.append(_pane)
                return _refresh(*regions, **options)
            pane.refresh = pane_refreshed  # type: ignore[method-assign]
        assert tree.select_item(ASB)
        await pilot.pause()
        panes.clear()
        await pilot.press("enter")
        await pilot.pause()
        assert detail.has_focus
        assert not [regions for regions in whole if not regions]
        assert tree in panes and detail in panes


async def test_the_first_frame_is_complete(make_app):
    """The first screen update already shows the detail pane's title and figures and the
    alerts (before, the detail pane came a frame later, drawn after the first resize)."""
    app = make_app()
    first: list[tuple[str, str, int]] = []

    def watch_frames() -> None:
        screen = app.screen
        original = screen._compositor_refresh

        def refreshed() -> None:
            original()
            if not first:
                detail = app.query_one(KpiDetail)
                first.append((detail.title_text, detail.body_text,
                              len(app.query_one(AlertsPanel).shown)))
        screen._compositor_refresh = refreshed  # type: ignore[method-assign]

    app.call_later(watch_frames)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        settled = (app.query_one(KpiDetail).title_text, app.query_one(KpiDetail).body_text)
    title, body, alerts = first[0]
    assert title.strip() and body.strip() and alerts
    assert (title, body) == settled


async def test_the_header_looks_for_the_sample_notice_once_per_load(make_app, monkeypatch):
    from pcp_tui.tui.widgets import plan_header

    looked = []

    def counted(files):
        looked.append(len(files))
        return notice(files)
    notice = plan_header.sample_notice
    monkeypatch.setattr(plan_header, "sample_notice", counted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ["left_square_bracket"] * 3 + ["right_square_bracket"] * 3:
            await pilot.press(key)
            await pilot.pause()
        assert "ILLUSTRATIVE" in screen_text(app).splitlines()[0].upper()
        assert len(looked) == 1


async def test_a_quarter_step_redraws_the_tree_lines_without_laying_it_out(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        layouts = []
        refresh = tree.refresh

        def refreshed(*regions, **options):
            if options.get("layout"):
                layouts.append(options)
            return refresh(*regions, **options)
        tree.refresh = refreshed  # type: ignore[method-assign]
        before = [tree.render_line(y).text for y in range(tree.size.height)]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        earlier = [tree.render_line(y).text for y in range(tree.size.height)]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        again = [tree.render_line(y).text for y in range(tree.size.height)]
        assert earlier != before and again == before
        assert not layouts


async def test_a_step_back_reuses_the_detail_lines_and_a_note_redraws_them(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree, detail = app.query_one(ObjectiveTree), app.query_one(KpiDetail)
        body = detail.query_one(ScrollingText)
        assert tree.select_item(ASB)
        await pilot.pause()
        first, lines = detail.body_text, body._lines
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert detail.body_text != first
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert body._lines is lines and detail.body_text == first
        app.notes_log.add("asb-incidents", app.as_of, "reflection", "Checked with the team.")
        app.notes.invalidate()
        detail.show()
        await pilot.pause()
        assert "Checked with the team." in detail.body_text and body._lines is not lines


async def test_what_the_app_holds_is_frozen_out_of_the_collectors_passes(make_app, monkeypatch):
    # the collector's full passes over everything loaded were the slow key presses
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    app = make_app(warm=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert calls[:1] == ["freeze"]  # after the first frame
        await pilot.pause(0.8)  # the background assessment starts half a second later
        await app.workers.wait_for_complete()
        assert calls == ["freeze", "freeze"]  # and when every quarter is assessed
        calls.clear()
        # a quarter drawn for the first time: what its drawing keeps is frozen after it
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert calls == ["freeze"]
        await pilot.press("right_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert calls == ["freeze"]  # drawn before: nothing new to keep
        calls.clear()
        app.reload_data("test")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        # the old data can go; the new are frozen once shown and once assessed
        assert calls[:2] == ["unfreeze", "freeze"] and calls.count("freeze") == 2
        calls.clear()
        await pilot.press("right_square_bracket")  # a quarter drawn before the reload
        await pilot.pause()
        assert calls == ["freeze"]  # is new with the new data
        calls.clear()
    assert calls == ["unfreeze"]  # an app that ends leaves nothing frozen


def screen_updates(app) -> list[str]:
    """The detail pane's title at each screen update from now on."""
    seen: list[str] = []
    screen = app.screen
    original = screen._compositor_refresh

    def refreshed() -> None:
        original()
        seen.append(app.query_one(KpiDetail).title_text)

    screen._compositor_refresh = refreshed  # type: ignore[method-assign]
    return seen


async def test_enter_on_an_alert_shows_its_kpi_in_the_same_screen_update(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        alerts = app.query_one(AlertsPanel)
        detail = app.query_one(KpiDetail)
        alerts.focus()
        await pilot.pause()
        index = next(i for i, a in enumerate(alerts.shown) if a.kpi != detail.item.id)
        alerts.move_cursor(index)
        await pilot.pause()
        before = detail.title_text
        updates = screen_updates(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert detail.item.key == ("kpi", alerts.shown[index].kpi)
        assert detail.title_text != before
        # the first screen update after the key already shows the alert's KPI
        assert updates and set(updates) == {detail.title_text}


async def test_a_single_quarter_step_draws_the_detail_at_once_and_held_steps_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        detail = app.query_one(KpiDetail)
        assert tree.select_item(ASB)
        tree.focus()
        await pilot.pause()
        clock = [100.0]
        app.step_clock = lambda: clock[0]
        draws = detail.draws
        app.action_step(-1)  # a single press: drawn before any screen update
        assert detail.draws == draws + 1
        await pilot.pause()
        clock[0] += HELD_KEY_GAP / 2  # two more at once, as a held key repeats
        app.action_step(-1)
        clock[0] += HELD_KEY_GAP / 2
        app.action_step(-1)
        assert detail.draws == draws + 1
        await pilot.pause()
        assert detail.draws == draws + 2  # drawn once, where the steps stopped
        assert app.as_of == app.timeline.quarters[-4]
        assert app.as_of.label in detail.body_text or app.as_of.label in detail.title_text
        clock[0] += HELD_KEY_GAP * 2  # a press after a pause is a single press again
        app.action_step(1)
        assert detail.draws == draws + 3


async def test_a_quarter_step_redraws_only_the_lines_that_read_differently(make_app,
                                                                          monkeypatch):
    from textual.widgets.tree import TreeNode

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        tree.focus()
        refreshed: list[int] = []
        original = TreeNode.refresh

        def counted(node) -> None:
            refreshed.append(node.id)
            original(node)

        monkeypatch.setattr(TreeNode, "refresh", counted)
        shown = {tree.get_node_at_line(y + tree.scroll_offset.y).id
                 for y in range(tree.size.height)
                 if tree.get_node_at_line(y + tree.scroll_offset.y) is not None}
        kept_somewhere = False
        for key in ["left_square_bracket"] * 4 + ["right_square_bracket"] * 4:
            refreshed.clear()
            await pilot.press(key)
            await pilot.pause()
            kept_somewhere |= bool(shown - set(refreshed))
            lines = [tree.render_line(y).text for y in range(tree.size.height)]
            for node in tree._walk(tree.root):  # every line drawn again from scratch
                original(node)
            await pilot.pause()
            assert lines == [tree.render_line(y).text for y in range(tree.size.height)]
        assert kept_somewhere  # some line read the same at the next quarter and was kept


async def test_lines_off_screen_at_a_step_read_right_when_scrolled_to(make_app, monkeypatch):
    # a branch wholly off screen is refreshed once, at its top node, not line by line; every
    # line must still read as at the new quarter once scrolled into view, above or below
    from textual.widgets.tree import TreeNode

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        tree = app.query_one(ObjectiveTree)
        tree.focus()
        nodes = list(tree._walk(tree.root))
        refreshed: list[int] = []
        original = TreeNode.refresh

        def counted(node) -> None:
            refreshed.append(node.id)
            original(node)

        def page() -> list[str]:
            return [tree.render_line(y).text for y in range(tree.size.height)]

        async def every_page() -> list[list[str]]:
            pages = []
            for top in range(0, tree.last_line + 1, tree.size.height):
                tree.scroll_to(y=top, animate=False)
                await pilot.pause()
                pages.append(page())
            return pages

        middle = tree.last_line // 2
        for start in (0, middle):  # steps taken at the top, and half-way down
            tree.scroll_to(y=start, animate=False)
            await pilot.pause()
            monkeypatch.setattr(TreeNode, "refresh", counted)
            refreshed.clear()
            await pilot.press("left_square_bracket")
            await pilot.pause()
            assert len(refreshed) < len(nodes) // 2  # not one refresh per line
            monkeypatch.setattr(TreeNode, "refresh", original)
            drawn = await every_page()
            for node in nodes:  # every line drawn again from scratch
                original(node)
            await pilot.pause()
            assert drawn == await every_page()


async def test_a_collector_held_for_the_start_is_back_on_after_the_first_frame(make_app):
    # `pcp-tui` holds the collector off while it starts (pcp_tui.collector); the app turns it
    # back on once its first frame is drawn, or a long session would never collect
    import gc

    from pcp_tui import collector

    app = make_app()
    try:
        collector.hold()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled() and not collector.held()
    finally:
        collector._held = False
        gc.enable()
