"""Legibility: every text/background pair the app draws reaches 4.5:1 (WCAG AA).

Two checks. The first reads the app's stylesheets for the theme variables it colours text
with, resolves them in the default theme through Textual's design system (as the App hands
them to its stylesheet) and computes their contrast on the backgrounds text is drawn on. The
second draws the screens and computes the contrast of every character against the cell it is
drawn in, in the default theme and in every built-in theme: that also catches a colour the
CSS does not name (a cursor line, a placeholder, text left in the terminal's own colours).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.screen import ModalScreen
from textual.theme import BUILTIN_THEMES

from pcp_tui.tui.legible import AA_TEXT, TEXT_BACKGROUNDS, contrast, resolve
from pcp_tui.tui.plan_items import kpi_item

from .conftest import CELL_WIDTH

TUI = Path(__file__).resolve().parents[2] / "pcp_tui" / "tui"
DEFAULT_THEME = "textual-dark"  # the app sets no theme: Textual's default
TEXT_RULE = re.compile(r"(?<![\w-])(?:color|border-title-color|border-subtitle-color)"
                       r"\s*:\s*\$([\w-]+)")
# drawn on their own backgrounds, which the same rules set
ON_OWN_GROUND = {
    "block-cursor-foreground": "block-cursor-background",
    "block-cursor-blurred-foreground": "block-cursor-blurred-background",
}


def text_variables() -> set[str]:
    """Every theme variable the app's CSS colours text with (app.tcss, every DEFAULT_CSS,
    the tone rules)."""
    names: set[str] = set()
    for path in [TUI / "app.tcss", *TUI.rglob("*.py")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "--thumb" in line or "--track" in line:
                continue  # a scroll bar's marks: graphics, not text
            names |= set(TEXT_RULE.findall(line))
    return names


def test_the_css_colours_text_with_theme_variables_that_reach_aa(make_app):
    app = make_app()
    app.theme = DEFAULT_THEME
    variables = app.get_css_variables()
    screen = Color.parse(variables["background"])
    grounds = {name: resolve(variables[name], screen) for name in TEXT_BACKGROUNDS}
    names = text_variables()
    assert {"text-error", "text-warning", "text-secondary", "pcp-text-muted"} <= names
    failures = []
    for name in sorted(names):
        own = ON_OWN_GROUND.get(name)
        pairs = ({own: resolve(variables[own], grounds["surface"])} if own else grounds)
        for ground_name, ground in pairs.items():
            colour = resolve(variables[name], ground)
            assert colour is not None, name
            ratio = contrast(colour, ground)
            if ratio < AA_TEXT:
                failures.append(f"${name} on ${ground_name}: {ratio:.2f}")
    assert not failures, failures


# what is drawn ------------------------------------------------------------------------------

_STYLE = re.compile(r"\.(terminal-[\w-]*?r\d+) \{ fill: (#[0-9a-f]{6})")
_GROUND = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" '
                     r'width="([\d.]+)" height="[\d.]+" shape-rendering')
_TEXT = re.compile(r'<text class="([\w-]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                   r'clip-path="url\(#terminal-[\w-]*?line-(\d+)\)">(.*?)</text>')
LINE_HEIGHT, TOP = 24.4, 1.5  # Rich's SVG export


def is_graphic(char: str) -> bool:
    """Box drawing (borders, tree guides, chart lines) and block elements (scroll bars,
    sparklines): graphics, not text."""
    return 0x2500 <= ord(char) < 0x25A0


def drawn_cells(app) -> list[tuple[int, int, str, str | None, str | None]]:
    """(line, column, character, colour, background) of every visible character, from the
    app's own screenshot; None where the terminal's own colour shows (no theme colour)."""
    svg = app.export_screenshot()
    styles = dict(_STYLE.findall(svg))
    grounds: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _GROUND.findall(svg):
        line, first = round((float(y) - TOP) / LINE_HEIGHT), round(float(x) / CELL_WIDTH)
        for column in range(first, first + round(float(width) / CELL_WIDTH)):
            grounds[(line, column)] = fill
    cells = []
    for style, x, line, content in _TEXT.findall(svg):
        first, row = round(float(x) / CELL_WIDTH), int(line)
        for offset, char in enumerate(html.unescape(content)):
            if char.strip() and char != "\xa0":
                cells.append((row, first + offset, char, styles.get(style),
                              grounds.get((row, first + offset))))
    return cells


def illegible(app, minimum: float = AA_TEXT) -> list[str]:
    """Text drawn below `minimum` (on a modal screen, only the dialog: what lies behind it
    is dimmed on purpose)."""
    regions = ([child.region for child in app.screen.children]
               if isinstance(app.screen, ModalScreen) else [app.screen.region])
    found: dict[str, str] = {}
    for line, column, char, colour, ground in drawn_cells(app):
        if is_graphic(char) or not any(r.contains(column, line) for r in regions):
            continue
        if colour is None or ground is None:
            key = f"{colour or 'terminal colour'} on {ground or 'terminal background'}"
        else:
            ratio = contrast(Color.parse(colour), Color.parse(ground))
            if ratio >= minimum:
                continue
            key = f"{colour} on {ground} ({ratio:.2f}:1)"
        found.setdefault(key, "")
        found[key] += char
    return [f"{key}: {chars[:40]!r}" for key, chars in found.items()]


def jump(kpi_id: str):
    async def go(pilot) -> None:
        kpi = pilot.app.config.framework.kpi(kpi_id)
        pilot.app.jump_to(kpi_item(kpi))
        await pilot.pause()
    return go


def press(*keys: str):
    async def go(pilot) -> None:
        await pilot.press(*keys)
        await pilot.pause()
    return go


SCREENS = {
    "main": None,
    "a breach": jump("rape-positive-outcome-rate"),
    "a milestone": jump("police-officer-uplift"),
    "a survey estimate": jump("csew-asb-perception"),
    "the alerts focused": press("tab", "tab"),
    "a filter typed": press("slash", "r", "a", "p", "e"),
    "the help": press("question_mark"),
    "the note editor": press("down", "down", "n"),
}


async def drawn_problems(make_app, theme: str, size, step) -> list[str]:
    app = make_app()
    app.theme = theme
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if step is not None:
            await step(pilot)
        return illegible(app)


@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_character_drawn_in_the_default_theme_reaches_aa(make_app, name):
    problems = await drawn_problems(make_app, DEFAULT_THEME, (120, 40), SCREENS[name])
    assert not problems, problems


async def test_the_problems_dialog_reaches_aa(make_app, project_copy):
    from pcp_tui.config import load_config
    from pcp_tui.dataset import load_observations

    from .conftest import TODAY

    (project_copy.parent / "data" / "bad.csv").write_text(
        "kpi,force,period,value\nresidential-burglary,West Midlands,2021/22 Q2,lots\n",
        encoding="utf-8")
    config = load_config(project_copy)
    observations = load_observations([config.data_folder], config, today=TODAY)
    assert observations.problems
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not illegible(app)  # the banner too
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ProblemsScreen"
        assert not illegible(app)


COLOUR_THEMES = [name for name in BUILTIN_THEMES if not name.startswith("ansi")]


@pytest.mark.parametrize("theme", COLOUR_THEMES)
async def test_every_built_in_theme_stays_legible(make_app, theme):
    # the tree, a KPI with a breach, the alerts, the header and the footer on one screen
    problems = await drawn_problems(make_app, theme, (120, 40), jump("rape-positive-outcome-rate"))
    assert not problems, (theme, problems)


@pytest.mark.parametrize("theme", [name for name in BUILTIN_THEMES if name.startswith("ansi")])
async def test_ansi_themes_leave_the_colours_to_the_terminal(make_app, theme):
    app = make_app()
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "pcp-tui" in "".join(char for *_, char, _, _ in drawn_cells(app))
        assert app.get_css_variables()["pcp-text-muted"] == app.get_css_variables()[
            "text-muted"]
