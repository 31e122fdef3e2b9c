"""What the printout commands' tests share: where the bundled config and sample data are, the
bundled config with text replaced, alerts counted by severity, and output read as plain text."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from pcp_tui.cli import EXIT_OK, main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
DATA = ROOT / "data"
SEVERITIES = ("breach", "warning", "signal", "improvement", "data")
ESC = "\x1b"


def severity_counts(alerts: Any) -> Counter[str]:
    return Counter(a.severity for a in alerts)


def add_note(path: Path, subject: str, text: str, kind: str = "reflection",
             quarter: str = "2021/22 Q2") -> None:
    status = main(["note", "add", subject, "--kind", kind, "--text", text, "--quarter", quarter,
                   "--config", str(CONFIG), "--data", str(DATA), "--notes", str(path)])
    assert status == EXIT_OK


def copy_config(tmp_path: Path, *replacements: str) -> Path:
    """The bundled config with text replaced (pairs of old, new), reading the bundled data."""
    text = CONFIG.read_text(encoding="utf-8")
    pairs = list(zip(replacements[::2], replacements[1::2]))
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def plain_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "TTY_COMPATIBLE")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env
