"""Text the analyst can read in any theme: WCAG contrast, and the theme's colours nudged until
every text colour the app uses reaches 4.5:1 on the backgrounds it is drawn on.

A theme's own colours are kept wherever they already reach the ratio (most do on most
themes); a colour that falls short is blended towards white or black, only as far as needed,
so a theme keeps its character. The App applies this to the variables its stylesheet is
built from (`PcpApp.get_css_variables`), so the CSS keeps naming theme variables only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.color import BLACK, WHITE, Color

AA_TEXT = 4.5
"""WCAG 2 AA for ordinary text."""

TEXT_BACKGROUNDS = ("background", "surface", "panel")
"""The backgrounds the app draws text on: the screen, the panes, the header and footer."""

TEXT_COLOURS = (
    "foreground",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
"""Text colours (the status tones, titles and keys) that must be legible on every one of the
TEXT_BACKGROUNDS."""

MUTED = "pcp-text-muted"
"""The app's own variable for secondary text (labels, axes, unfocused titles): the theme's
foreground at 60% on the surface, as `$text-muted` is, but one solid colour. `$text-muted` is
`auto 60%`, which a component class resolves against no background at all (white text on a
light theme's panes); this one is legible on every background."""

ON_THEIR_GROUND = (
    ("footer-key-foreground", "footer-background"),
    ("footer-description-foreground", "footer-background"),
    ("footer-foreground", "footer-background"),
)
"""Text colours drawn on a background of their own (a theme may give the footer its own)."""

HEADROOM = 0.1
"""Aim a little above the ratio: Textual blends tints and alpha in its own arithmetic."""

CURSORS = (
    ("block-cursor-foreground", "block-cursor-background"),
    ("block-cursor-blurred-foreground", "block-cursor-blurred-background"),
)
"""Cursor lines: the background is nudged (the text on it is the theme's text colour)."""


def luminance(colour: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(first: Color, second: Color) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def resolve(value: str, background: Color) -> Color | None:
    """A theme variable's colour as drawn on `background` (alpha and `auto` resolved the way
    Textual draws them); None for what is not a plain colour (ANSI names, styles)."""
    text = value.strip()
    alpha = 1.0
    if text.startswith("auto"):
        rest = text[4:].strip()
        if rest.endswith("%"):
            alpha = float(rest[:-1]) / 100
        return background + background.get_contrast_text(alpha)
    if text.startswith("ansi") or text in ("transparent", "none", "default"):
        return None
    try:
        colour = Color.parse(text)
    except Exception:
        return None
    if colour.ansi is not None:
        return None
    return background + colour if colour.a < 1 else colour


def _towards(colour: Color, ends: Iterable[Color], passes) -> Color:
    """The least blend of `colour` towards white or black for which `passes(candidate)`."""
    best: tuple[float, Color] | None = None
    for end in ends:
        for step in range(1, 51):
            amount = step / 50
            candidate = colour.blend(end, amount)
            if passes(candidate):
                if best is None or amount < best[0]:
                    best = (amount, candidate)
                break
    return best[1] if best is not None else colour


def legible_text(colour: Color, backgrounds: Iterable[Color], minimum: float = AA_TEXT) -> Color:
    """`colour`, or the nearest blend of it towards white or black that reaches `minimum`
    against every one of `backgrounds`."""
    grounds = list(backgrounds)

    def passes(candidate: Color) -> bool:
        return all(contrast(candidate, ground) >= minimum for ground in grounds)

    if passes(colour):
        return colour
    return _towards(colour, (WHITE, BLACK), passes)


def legible_ground(foreground: str, background: Color, minimum: float = AA_TEXT) -> Color:
    """`background`, or the nearest blend of it towards white or black on which the text
    colour `foreground` (a theme value, perhaps `auto`) reaches `minimum`."""

    def passes(candidate: Color) -> bool:
        text = resolve(foreground, candidate)
        return text is None or contrast(text, candidate) >= minimum

    if passes(background):
        return background
    return _towards(background, (BLACK, WHITE), passes)


def legible_variables(variables: Mapping[str, str], minimum: float = AA_TEXT) -> dict[str, str]:
    """The theme's variables with every text colour and cursor line brought up to
    `minimum`. A theme in ANSI colours (whose colours the terminal decides) is left alone."""
    result = dict(variables)
    minimum += HEADROOM
    screen = resolve(variables.get("background", ""), BLACK)
    if screen is None:
        result[MUTED] = variables.get("text-muted", "ansi_default")
        return result
    grounds = [screen]
    for name in TEXT_BACKGROUNDS[1:]:
        ground = resolve(variables.get(name, ""), screen)
        if ground is not None:
            grounds.append(ground)
    foreground = resolve(variables.get("foreground", ""), screen)
    if foreground is not None:
        # a focused pane tints its background with 5% of the foreground (Textual's Tree)
        grounds += [ground.tint(foreground.with_alpha(0.05)) for ground in grounds]
    for name in TEXT_COLOURS:
        if name not in variables:
            continue
        colour = resolve(variables[name], screen)
        if colour is None or variables[name].strip().startswith("auto"):
            continue
        better = legible_text(colour, grounds, minimum)
        if better != colour:
            result[name] = better.hex
    surface = grounds[1] if len(grounds) > 1 else screen
    for text_name, ground_name in ON_THEIR_GROUND:
        ground = resolve(variables.get(ground_name, ""), surface)
        colour = resolve(variables.get(text_name, ""), ground or surface)
        if ground is None or colour is None or variables[text_name].startswith("auto"):
            continue
        better = legible_text(colour, [ground], minimum)
        if better != colour:
            result[text_name] = better.hex
    if foreground is not None:
        result[MUTED] = legible_text(surface.blend(foreground, 0.6), grounds, minimum).hex
    else:
        result[MUTED] = variables.get("text-muted", "ansi_default")
    for text_name, ground_name in CURSORS:
        if text_name not in variables or ground_name not in variables:
            continue
        ground = resolve(variables[ground_name], surface)
        if ground is None:
            continue
        better = legible_ground(variables[text_name], ground, minimum)
        if better != ground:
            result[ground_name] = better.hex
    return result
