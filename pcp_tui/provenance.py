"""Where the loaded figures come from: is any of it the bundled illustrative sample?

The sample's returns say so in their `note` column (written by scripts/make_sample_data.py);
every view that shows figures from them says so too, so a screenshot or a printout of the
sample is never mistaken for official statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

SAMPLE_MARKER = "ILLUSTRATIVE SAMPLE DATA"
SAMPLE_WORDS = "Illustrative sample data, not official statistics"
_HEAD_BYTES = 4096  # the marker is on the first data row


@lru_cache(maxsize=64)
def _marked(path: str, size: int, mtime: float) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return False
    return SAMPLE_MARKER.encode() in head


def illustrative_files(files: Sequence[str | Path]) -> tuple[str, ...]:
    """The files among `files` that declare themselves the illustrative sample."""
    found = []
    for file in files:
        try:
            stat = Path(file).stat()
        except OSError:
            continue
        if _marked(str(file), stat.st_size, stat.st_mtime):
            found.append(str(file))
    return tuple(found)


def sample_notice(files: Sequence[str | Path]) -> str | None:
    """The words every view shows when the sample is loaded (None when it is not)."""
    return SAMPLE_WORDS if illustrative_files(files) else None
