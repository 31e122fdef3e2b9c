"""Source digests computed once per file: the sha256 of a file whose size and modification time
have not changed since it was last hashed is taken from a small cache instead of read again.

The cache is a JSON file (`.source-digests.json` in the folder the returns are written to):
for each file's absolute path its size in bytes, its modification time in nanoseconds and its
sha256. A file that changed in any of these is hashed again; an unreadable or malformed cache
is treated as empty and rewritten. Writing goes through a temporary file and a rename, so a
cache is never half written.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pcp_tui.importers.returns import sha256_of

CACHE_NAME = ".source-digests.json"
_VERSION = 1


class DigestCache:
    """sha256 of source files, reused while a file's size and modification time are the
    same. `hits` and `misses` count what one run reused and what it had to read."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._entries: dict[str, dict[str, Any]] = {}
        self._changed = False
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            self._entries = _read(self.path)

    def digest(self, path: str | Path) -> str:
        """The file's sha256: from the cache when its size and mtime match, else read."""
        key = str(Path(path).resolve())
        stat = os.stat(path)
        entry = self._entries.get(key)
        if (entry is not None and entry.get("bytes") == stat.st_size
                and entry.get("mtime_ns") == stat.st_mtime_ns
                and isinstance(entry.get("sha256"), str)):
            self.hits += 1
            return entry["sha256"]
        value = sha256_of(path)
        self.misses += 1
        after = os.stat(path)
        if (after.st_size, after.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            # a file written to while it was read is hashed again next time
            self._entries[key] = {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                  "sha256": value}
            self._changed = True
        return value

    def save(self) -> None:
        """Write the cache back if anything was added (a no-op without a path)."""
        if self.path is None or not self._changed:
            return
        text = json.dumps({"version": _VERSION, "files": self._entries}, indent=0,
                          sort_keys=True)
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                       suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return  # a cache that cannot be written costs a re-hash next time, nothing more
        self._changed = False


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return {}
    files = document.get("files")
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, dict)}
