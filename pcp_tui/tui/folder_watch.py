"""What the data folder holds right now: file names, sizes and modification times.

The app polls this every couple of seconds and reloads once a change has stayed the same for
one poll, so that a return still being copied in is not read half-written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pcp_tui.dataset import DATA_SUFFIXES
from pcp_tui.render import visible

FileStamp = tuple[str, int, int]  # path, size, mtime in nanoseconds


def folder_signature(paths: Sequence[Path]) -> tuple[FileStamp, ...]:
    """The data files under `paths` as the loader would pick them, with size and mtime."""
    stamps: list[FileStamp] = []
    for path in paths:
        try:
            if path.is_dir():
                with os.scandir(path) as entries:
                    for entry in entries:
                        if entry.name.startswith((".", "~$")):
                            continue
                        if Path(entry.name).suffix.lower() not in DATA_SUFFIXES:
                            continue
                        if not entry.is_file():
                            continue
                        info = entry.stat()
                        stamps.append((entry.path, info.st_size, info.st_mtime_ns))
            elif path.is_file():
                info = path.stat()
                stamps.append((str(path), info.st_size, info.st_mtime_ns))
        except OSError:
            continue  # a folder being replaced: the next poll sees it settled
    return tuple(sorted(stamps))


@dataclass
class FolderWatch:
    """Decides when a change in the data folder is settled enough to reload."""

    paths: tuple[Path, ...]
    loaded: tuple[FileStamp, ...] = ()
    pending: tuple[FileStamp, ...] | None = None

    def start(self) -> None:
        self.loaded = folder_signature(self.paths)
        self.pending = None

    def poll(self) -> tuple[FileStamp, ...] | None:
        """The new signature when a change has been stable for one poll, else None."""
        now = folder_signature(self.paths)
        if now == self.loaded:
            self.pending = None
            return None
        if now == self.pending:
            self.pending = None
            return now
        self.pending = now
        return None

    def accept(self, signature: tuple[FileStamp, ...]) -> None:
        """The data as of `signature` has been loaded (or tried): do not reload it again."""
        self.loaded = signature
        self.pending = None


def describe_change(before: tuple[FileStamp, ...], after: tuple[FileStamp, ...]) -> str:
    """`2021-22_Q3.csv new, 2021-22_Q2.csv changed`: file names as written, control
    characters shown as escapes."""
    old = {path: (size, mtime) for path, size, mtime in before}
    new = {path: (size, mtime) for path, size, mtime in after}
    words = [f"{_name(p)} new" for p in new if p not in old]
    words += [f"{_name(p)} changed" for p in new if p in old and old[p] != new[p]]
    words += [f"{_name(p)} removed" for p in old if p not in new]
    return ", ".join(sorted(words)) or "data files changed"


def _name(path: str) -> str:
    return visible(Path(path).name)
