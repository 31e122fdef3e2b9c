"""`[keys]` in config.toml: the app's keys, rebound by their names (`quarter.earlier = ","`).

The names are the ids of the app's key bindings; this module knows them (and each one's pane
and default keys) without importing the app, so the config can be checked like the rest of it.
`tests/tui/test_keymap.py` checks the table against the app's own BINDINGS.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# id → (pane, default keys). A pane's keys must not clash; "app" keys work in every pane
# (a pane's own key for the same letter would be taken first).
KEY_IDS: Mapping[str, tuple[str, str]] = {
    "quarter.earlier": ("app", "["),
    "quarter.later": ("app", "]"),
    "quarter.latest": ("app", "L"),
    "quarter.complete": ("app", "C"),
    "view.group": ("app", "p"),
    "view.alerts-only": ("app", "a"),
    "alerts.severity": ("app", "s"),
    "view.mdc-summary": ("app", "m"),
    "view.filter": ("app", "slash"),
    "notes.write": ("app", "n"),
    "notes.change": ("app", "e"),
    "data.problems": ("app", "d"),
    "data.missing": ("app", "M"),
    "data.reload": ("app", "r"),
    "download.report": ("app", "b"),
    "download.alerts": ("app", "c"),
    "app.help": ("app", "question_mark"),
    "app.back": ("app", "escape"),
    "app.quit": ("app", "q"),
    "tree.down": ("tree", "j,down"),
    "tree.up": ("tree", "k,up"),
    "tree.fold": ("tree", "h,left"),
    "tree.unfold": ("tree", "l,right"),
    "tree.top": ("tree", "g,home"),
    "tree.bottom": ("tree", "G,end"),
    "tree.page-up": ("tree", "pageup"),
    "tree.page-down": ("tree", "pagedown"),
    "tree.select": ("tree", "enter"),
    "tree.toggle": ("tree", "space"),
    "detail.down": ("detail", "j,down"),
    "detail.up": ("detail", "k,up"),
    "detail.top": ("detail", "g,home"),
    "detail.bottom": ("detail", "G,end"),
    "detail.page-up": ("detail", "pageup"),
    "detail.page-down": ("detail", "pagedown"),
    "alerts.down": ("alerts", "j,down"),
    "alerts.up": ("alerts", "k,up"),
    "alerts.top": ("alerts", "g,home"),
    "alerts.bottom": ("alerts", "G,end"),
    "alerts.page-up": ("alerts", "pageup"),
    "alerts.page-down": ("alerts", "pagedown"),
    "alerts.open": ("alerts", "enter"),
}

MODIFIERS = ("ctrl", "shift", "alt", "super", "meta", "hyper")
# a key as Textual names it: one character (`[`, `J`), or a name (`left`, `f5`, `slash`),
# after any modifiers (`ctrl+s`)
_NAMED = re.compile(r"[a-z][a-z0-9_]*")
KEY_WORDS = ("expected a key (`[`, `j`, `f5`, `ctrl+s`, `left`) or several separated by "
             "commas (`j,down`)")


def key_problem(key: str) -> str | None:
    """What is wrong with one key name, or None."""
    if not key:
        return "an empty key"
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else f"{key!r} is not a key"
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"unknown modifier {modifier!r} (one of {', '.join(MODIFIERS)})"
    if len(name) == 1 and name.isprintable() and not name.isspace():
        return None
    if not _NAMED.fullmatch(name):
        return f"{name!r} is not a key name"
    return None


def split_keys(keys: str) -> list[str]:
    """`j,down` as ["j", "down"]; `,` alone is the comma key."""
    if keys == ",":
        return [","]
    return [key.strip() for key in keys.split(",")]


# the names Textual gives some punctuation keys instead of their Unicode names
_RENAMED = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
            "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}


def key_name(key: str) -> str:
    """A key as Textual names it: `,` → `comma`, `[` → `left_square_bracket`, `j` → `j`
    (a keymap given to Textual must name punctuation: `,` separates keys there)."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _RENAMED.get(name, name)


def clashes(keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(key, rebound id, other id) for each key that two bindings of one pane would share
    once `keymap` is applied (an app-wide key clashes with every pane's)."""
    effective = {binding: ",".join(key_name(k) for k in split_keys(keymap.get(binding, default)))
                 for binding, (_, default) in KEY_IDS.items()}
    found = []
    for binding in keymap:
        if binding not in KEY_IDS:
            continue
        pane = KEY_IDS[binding][0]
        for key in split_keys(effective[binding]):
            for other, (other_pane, _) in KEY_IDS.items():
                if other == binding or (pane != other_pane and "app" not in (pane, other_pane)):
                    continue
                if key in split_keys(effective[other]) and not any(
                        (other, binding) == f[1:] for f in found):
                    found.append((key, binding, other))
    return found
