"""The footer of keys, rebuilt only when the keys it shows change.

Textual's footer removes and mounts all its keys again whenever the screen's bindings are
refreshed, which happens on every focus change: moving from the tree to the detail pane (Enter
on a KPI) cost more than drawing the pane. The keys it shows here are the app's own (the panes'
keys are listed by `?`), so a focus change seldom changes them: the footer compares what it
would show with what it shows and rebuilds only on a difference (a keymap, a key shown or
hidden, the command palette's key on a resize).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[object, ...]


class KeyFooter(Footer):
    """A `Footer` that keeps its keys while the bindings it shows are unchanged."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Shown | None = None
        self.rebuilds = 0  # how often the keys were mounted anew (read by the tests)

    def shown_keys(self) -> Shown:
        """What the footer would show now: every shown binding as drawn, and the palette."""
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action,
             enabled, tooltip, binding.group)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show)
        return (keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self.shown_keys()
            self.rebuilds += 1
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        if not self.is_attached:
            return
        if self._shown is None or self.shown_keys() != self._shown:
            await self.recompose()
