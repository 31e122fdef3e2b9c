"""`/`: narrow the plan tree to the KPIs whose title holds every word typed.

Always on screen, one line above the tree: `/` focuses it at once, so the letters typed right
after `/` land in it (a field shown only on `/` takes focus a moment later, and quick typing
would go to the tree as commands). It takes the focus only when opened (`/` or a click), and
closes when Enter keeps the words, Esc clears them or the focus moves to another pane: Tab
never lands in it, where `j`, `k`, `[` and `]` meant as keys would be typed into the filter.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class TreeFilter(Input):
    """A one-line filter above the tree."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear the filter", id="filter.clear"),
    ]

    DEFAULT_CSS = """
    TreeFilter {
        height: 1;
        border: none;
        padding: 0 1;
        & > .input--placeholder { color: $pcp-text-muted; }
    }
    """

    class Closed(Message):
        """The filter was cleared (Escape) or confirmed (Enter)."""

        def __init__(self, cleared: bool) -> None:
            self.cleared = cleared
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ filter KPIs by title (Enter keeps, Esc clears)", id=id,
                         compact=True)
        self.is_open = False

    def allow_focus(self) -> bool:
        return self.is_open

    def open(self) -> None:
        """Take the focus now, not after the keys already typed."""
        self.is_open = True
        self.screen.set_focus(self)

    def close(self) -> None:
        """Out of the focus chain again (the words typed stay, and keep filtering)."""
        self.is_open = False

    def action_clear_filter(self) -> None:
        self.value = ""
        self.close()
        self.post_message(self.Closed(cleared=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Closed(cleared=False))

    def on_blur(self) -> None:
        # another pane took the focus (Tab, a click): closed. Not when the whole app lost it
        # (the terminal's window left, nothing focused): the filter gets it back on return.
        if self.screen.focused is not None and self.screen.focused is not self:
            self.close()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.is_open:
            self.open()
