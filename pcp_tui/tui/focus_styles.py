"""A pane whose focus styles only itself.

When a widget gains or loses the focus, Textual applies the stylesheet again to the widget and
to everything inside it, in case a rule such as `#detail:focus Label` styles a descendant by its
ancestor's focus, and a colour that changes on the widget (here the pane's title colour) makes
everything inside it draw again, in case the colour is inherited. In the detail pane that meant
the chart, the figures and the title drawn again, in a second screen update, on every Enter on
a KPI, though the pane's focus changes only its border and its title (`#detail:focus` in
`app.tcss`), which nothing inside it inherits. The tree and the alerts have only scrollbars
inside, but those too were drawn again, a screen update after the rest.

`FocusStylesSelf` restyles the pane alone and repaints what is inside it only when a rule that
changed is one a descendant can inherit or show through. It also keeps the pane's component
styles (its tones, the tree's cursor) for each state the pane has been in, focused or not, and
uses them again until something else restyles the pane. `focus_dependent_rules` lists the
rules that would make restyling the pane alone wrong; a test keeps the list empty for each pane
that uses it.
"""

from __future__ import annotations

from typing import Any

from textual.css.model import SelectorType
from textual.css.styles import Styles
from textual.css.stylesheet import Stylesheet
from textual.widget import Widget

FOCUS_PSEUDO_CLASSES = frozenset({"focus", "focus-within"})

# style rules drawn by the pane itself, in its edges, that nothing inside it inherits
OWN_EDGE_RULES = frozenset({
    f"{edge}_{side}" for edge in ("border", "outline")
    for side in ("top", "right", "bottom", "left")
} | {
    f"border_{title}_{part}" for title in ("title", "subtitle")
    for part in ("color", "background", "style", "align")
})


class FocusStylesSelf:
    """Mixin for a pane: a focus change restyles the pane, not what is inside it (its widgets,
    and its scrollbars, which Textual would otherwise draw again in a screen update of their
    own), from the component styles it kept for that focus state when it has them."""

    def watch_has_focus(self, _has_focus: bool) -> None:
        widget: Widget = self  # type: ignore[assignment]
        base = widget.styles.base
        before = base.get_rules()
        wanted: list[bool] = []

        def refresh(*, children: bool = False, **options: Any) -> None:
            wanted.append(children)
            Styles.refresh(base, **options)

        # Textual sets every rule again, changed or not, and each scrollbar colour set draws
        # the scrollbars again: they are drawn below only if a scrollbar rule changed
        held = []
        if widget.show_vertical_scrollbar:
            held.append(widget.vertical_scrollbar)
        if widget.show_horizontal_scrollbar:
            held.append(widget.horizontal_scrollbar)
        known = self._known_component_styles(widget)
        base.refresh = refresh  # type: ignore[method-assign]
        for bar in held:
            bar.refresh = _held_refresh  # type: ignore[method-assign]
        if known is not None:
            widget._get_component_classes = _no_component_classes  # type: ignore[method-assign]
        try:
            widget.app.stylesheet.update_nodes([widget], animate=True)
        finally:
            del base.refresh
            for bar in held:
                del bar.refresh
            if known is not None:
                del widget._get_component_classes
        if known is not None and known != widget._component_styles:
            widget._component_styles.clear()
            widget._component_styles.update(known)
            widget.notify_style_update()
            widget.refresh()
        self._remember_component_styles(widget)
        after = base.get_rules()
        changed = {key for key in before.keys() | after.keys()
                   if before.get(key) != after.get(key)}
        if any(wanted) and not changed <= OWN_EDGE_RULES:
            Styles.refresh(base, children=True)
        if any(key.startswith("scrollbar") for key in changed):
            for bar in held:
                bar.refresh()

    # A pane's component classes (the tones, the tree's cursor) are worked out again on every
    # restyle, each a pass over the stylesheet: most of a focus change's styling. Between
    # other restyles they depend only on the pane's own state, so each state's are kept.

    def _known_component_styles(self, widget: Widget) -> dict[str, Any] | None:
        """The component styles kept for the pane's state now, if nothing else has restyled
        the pane since they were kept (a theme, a class of the pane or of an ancestor)."""
        kept: dict[frozenset[str], dict[str, Any]] = getattr(self, "_kept_components", {})
        left: dict[str, Any] | None = getattr(self, "_left_components", None)
        current = widget._component_styles
        if left is None or len(left) != len(current) or any(
                current.get(name) is not styles for name, styles in left.items()):
            kept.clear()  # restyled by something else: what was kept may be out of date
        self._kept_components = kept
        return kept.get(frozenset(widget.get_pseudo_classes()))

    def _remember_component_styles(self, widget: Widget) -> None:
        left = dict(widget._component_styles)
        self._kept_components[frozenset(widget.get_pseudo_classes())] = left
        self._left_components = left


def _no_component_classes() -> frozenset[str]:
    """A pane's component classes while its kept component styles stand in for them."""
    return frozenset()


def _held_refresh(*_args: Any, **_options: Any) -> Any:
    """A scrollbar's refresh while its pane is restyled: left to the end of the restyling."""
    return None


def focus_dependent_rules(stylesheet: Stylesheet, widget: Widget) -> list[str]:
    """The selectors that would style something inside `widget` by its focus: a `:focus` or
    `:focus-within` on a part of a selector before its last that names the widget (by type,
    class or id), as CSS text. Rules for the widget's own component classes (the tree's cursor
    is brighter in a focused tree) are left out: restyling the widget works those out again.
    Restyling the widget alone is right only while there are none."""
    own = widget._get_component_classes()
    found = []
    for rule in stylesheet.rules:
        for selector_set in rule.selector_set:
            *ancestors, last = selector_set.selectors
            if last.type == SelectorType.CLASS and last.name in own:
                continue
            if any(FOCUS_PSEUDO_CLASSES & part.pseudo_classes and part._check(widget)
                   for part in ancestors):
                found.append(selector_set.css)
    return found
