"""`?`: every key, grouped by pane, read from the BINDINGS themselves (never hand-written),
and what the tree's status marks mean."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pcp_tui.keymap import split_keys


@dataclass(frozen=True)
class KeyLine:
    keys: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Pane:
    title: str
    keys: tuple[KeyLine, ...]


def rebound(bindings: Iterable[BindingType], keymap: Mapping[str, str]) -> list[Binding]:
    """The bindings with the keys the keymap (`[keys]` in the config) gives them."""
    result: list[Binding] = []
    done: set[str] = set()
    for binding in Binding.make_bindings(bindings):
        keys = keymap.get(binding.id or "")
        if keys is None:
            result.append(binding)
        elif binding.id not in done:
            done.add(binding.id or "")
            result.extend(replace(binding, key=key) for key in split_keys(keys))
    return result


def key_lines(bindings: Iterable[BindingType], display,
              keymap: Mapping[str, str] | None = None) -> tuple[KeyLine, ...]:
    """One line per binding id (or action): `j ↓  Down`. `display` names a key for people;
    `keymap` holds the keys the config gives binding ids instead of their own."""
    lines: dict[str, tuple[list[str], str]] = {}
    for binding in rebound(bindings, keymap or {}):
        if binding.system or not binding.description:
            continue
        key = binding.id or binding.action
        keys, _ = lines.setdefault(key, ([], binding.tooltip or binding.description))
        shown = display(binding)
        if shown not in keys:
            keys.append(shown)
    return tuple(KeyLine(tuple(keys), description) for keys, description in lines.values())


class HelpScreen(ModalScreen[None]):
    """The keys of every pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close the help", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="help.up"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 84;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-align: center;
            border-title-color: $text-primary;
            border-subtitle-color: $pcp-text-muted;
            background: $surface;
            padding: 0 1;
        }
        & Static { width: 1fr; height: auto; }
        & .help-pane { margin: 1 0 0 0; }
    }
    """

    def __init__(self, panes: Sequence[Pane], symbols: str = "") -> None:
        super().__init__()
        self.panes = panes
        self.symbols = symbols

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            for pane in self.panes:
                table = Table(box=None, show_header=False, pad_edge=False, expand=True)
                table.add_column(style="bold", no_wrap=True, min_width=14)
                table.add_column(ratio=1)
                for line in pane.keys:
                    table.add_row(Text(" ".join(line.keys)), Text(line.description))
                yield Static(Text(pane.title, style="bold underline"), classes="help-pane")
                yield Static(table)
            if self.symbols:
                yield Static(Text("Symbols", style="bold underline"), classes="help-pane")
                yield Static(Text(self.symbols), id="help-symbols")

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
