"""The app's first screen: the plan tree, the detail pane and the alerts.

Textual's screen repaints all of itself whenever the focus moves, though only the widget that
lost the focus and the one that gained it look different, and each of those repaints itself
(its focus and its styles changed). Drawing the whole screen again took as long as the rest of
Enter on a KPI, so this screen leaves the repaint to them.
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget


class MainScreen(Screen):
    """The default screen, repainted in part when the focus moves."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
