"""`/`: narrow the plan tree to the KPIs whose title holds every word typed.

Always on screen, one line above the tree: `/` focuses it at once, so the letters typed right
after `/` land in it (a field shown only on `/` takes focus a moment later, and quick typing
would go to the tree as commands).
"""

from __future__ import annotations

from typing import ClassVar

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

    def open(self) -> None:
        """Take the focus now, not after the keys already typed."""
        self.screen.set_focus(self)

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Closed(cleared=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Closed(cleared=False))
