"""What the app hands over as files: the board report (HTML) and the alerts (CSV) of the
quarter shown, the same documents as `pcp-tui report --format html` and `pcp-tui alerts
--format csv`, and the app's actions (`b`, `c`) that hand them over.

In a browser (`pcp-tui serve`) Textual's `deliver_text` starts a download; in a terminal it
writes the file into the downloads folder (the home folder when there is none), under a name
not yet taken there.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_downloads_path
from textual import events

if TYPE_CHECKING:
    from pcp_tui.notes import Note
    from pcp_tui.rules.assess import Assessment

NAMES = ("board report", "alerts")
ACTIONS = ("download_report", "download_alerts")


@dataclass(frozen=True)
class Download:
    what: str  # "board report", "alerts": for the messages
    file_name: str
    text: str
    mime_type: str


def quarter_stem(assessment: Assessment) -> str:
    return assessment.as_of.label.replace("/", "-").replace(" ", "-") if (
        assessment.as_of) else "no-data"


def board_report(assessment: Assessment, notes: Sequence[Note]) -> Download:
    from pcp_tui.report import render_html  # when asked for: not on the app's start-up path

    return Download("board report", f"board-{quarter_stem(assessment)}.html",
                    render_html(assessment, notes), "text/html")


def alerts_table(assessment: Assessment) -> Download:
    from pcp_tui.printouts import alerts_csv

    return Download("alerts", f"alerts-{quarter_stem(assessment)}.csv",
                    alerts_csv(assessment, assessment.alerts, assessment.resolved), "text/csv")


def save_folder() -> Path:
    """The user's downloads folder, or the home folder when there is none."""
    folder = user_downloads_path()
    return folder if folder.is_dir() else Path.home()


def free_name(folder: Path, file_name: str) -> str:
    """`file_name`, or `stem (2).suffix` and so on when that is taken: never overwrite."""
    path = Path(file_name)
    candidate, number = file_name, 1
    while (folder / candidate).exists():
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}"
    return candidate


class DownloadActions:
    """The app's download keys. A mixin of `PcpApp`: it uses the app's `assessment`,
    `notes_log`, `tell` and Textual's `deliver_text`."""

    assessment: Any
    notes_log: Any
    is_web: bool
    tell: Any
    deliver_text: Any
    _bindings: Any
    refresh_bindings: Any

    def show_download_keys(self) -> None:
        """Put the download keys in the footer: in a browser there is no shell to run
        `pcp-tui report` in. (Textual shows the first binding of a key, so the app's own
        hidden ones are replaced rather than joined by shown ones.)"""
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, show=True) if b.action in ACTIONS else b for b in bindings]
        self.refresh_bindings()

    def action_download_report(self) -> None:
        if self.assessment is not None:
            self.deliver(board_report(self.assessment, self.notes_log.read()[0]))

    def action_download_alerts(self) -> None:
        if self.assessment is not None:
            self.deliver(alerts_table(self.assessment))

    def deliver(self, download: Download) -> str | None:
        """To the browser as a download; in a terminal, a new file in the downloads folder.
        The delivery key (Textual's), or None when there is no driver to deliver with."""
        folder = None if self.is_web else save_folder()
        name = download.file_name if folder is None else free_name(folder, download.file_name)
        return self.deliver_text(io.StringIO(download.text), save_directory=folder,
                                 save_filename=name, mime_type=download.mime_type,
                                 encoding="utf-8", name=download.what)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        if event.name in NAMES:
            where = f"saved to {event.path}" if event.path else "sent to the browser"
            self.tell(f"The {event.name} {where}.", timeout=8)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        if event.name in NAMES:
            self.tell(f"The {event.name} could not be saved: {event.exception}",
                      severity="error", timeout=12)
