"""The cyclic garbage collector while `pcp-tui` starts.

A start creates a few hundred thousand objects that live as long as the program: Textual's and
Polars' modules, the framework, the kept or freshly read data, the panes. The collector's
passes over them (about 200 of them, 50-90 ms in all on the sample data, 2 cores) found almost
nothing to free: about 5,700 objects of garbage at the first frame. So the command holds the
collector off from its first line (`hold`, in `pcp_tui.launch`) until the program has started
(`release`): after the arguments are parsed for a printout, after the app's first frame for
the app. `release` also moves everything alive at that moment out of the collector's sight
(`gc.freeze`), so that later passes look only at what is created afterwards; the little
garbage of the start is frozen with the rest and stays until the program ends.

Only the command holds the collector: a program that imports pcp_tui (the tests, a notebook)
keeps its own setting.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Turn the collector off until `release`, unless it is off already."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what is alive now, and turn the collector back on if `hold` turned it off."""
    global _held
    gc.freeze()
    if _held:
        _held = False
        gc.enable()


def held() -> bool:
    """Whether `hold` has the collector off."""
    return _held
