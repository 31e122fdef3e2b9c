"""What the last start read and assessed, kept on disk so that the next start with the same
config, data and code skips the reading and the assessing.

Opening the app reads the config (a TOML file read in pure Python), every return in the data
folder (checked row by row) and assesses every quarter: about 0.4 s of a 0.9 s start on the
bundled sample, more than a second at national scale. An analyst opens the same plan on the
same returns many times a quarter, so the checked config, the loaded returns with their
problems and revisions, and the timeline's frames are kept in one file per config and data
folder, under `$XDG_CACHE_HOME/pcp-tui` (`~/.cache/pcp-tui`).

A kept start is used only when everything that went into it is unchanged:

- the config file, byte for byte (its sha256), and where it is (the path as given, the
  folder it was given from);
- the data files the loader would pick now (the same listing, with the same problems found
  in it) and each one's size, modification time, change time and inode (as the folder watcher
  judges a change; the change time cannot be set back by copying tools);
- the financial quarter of today (a return dated after it is refused as "in the future");
- pcp-tui's own code (every module's size and modification time), Python's and Polars's
  versions.

The key of the data is taken before the files are read, so a file that changes while it is
read makes the kept start stale rather than wrong. Anything wrong with a kept file (damaged,
from another version, holding anything but pcp-tui's own records, Polars frames and paths)
makes it a miss: the start reads everything as before. Notes are never kept here: they are
read from the notes file at every start. `--no-cache` or `PCP_TUI_CACHE=off` turn it off;
`PCP_TUI_CACHE=FOLDER` keeps the files elsewhere.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.dataset import Observations
from pcp_tui.periods import Quarter
from pcp_tui.reading import Problem, data_files

if TYPE_CHECKING:
    from pcp_tui.rules.assess import Timeline

FORMAT = 1  # bumped when what a kept file holds changes shape
KEPT_STARTS = 8  # the most kept files; the oldest go first
OFF_WORDS = {"off", "0", "no", "false", "none"}
PACKAGE_DIR = Path(__file__).resolve().parent


def cache_folder(environ: dict[str, str] | os._Environ[str] | None = None) -> Path | None:
    """Where kept starts live, or None when they are turned off."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("PCP_TUI_CACHE", "").strip()
    if chosen.lower() in OFF_WORDS:
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = environ.get("XDG_CACHE_HOME", "").strip()
    if base and Path(base).is_absolute():
        return Path(base) / "pcp-tui"
    try:
        return Path.home() / ".cache" / "pcp-tui"
    except RuntimeError:  # no home folder to be found: nothing is kept
        return None


def code_stamp() -> list[tuple[str, int, int]]:
    """pcp-tui's modules, each with its size and modification time, and the versions of what
    the kept records are built with."""
    stamps: list[tuple[str, int, int]] = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        info = path.stat()
        stamps.append((str(path.relative_to(PACKAGE_DIR)), info.st_size, info.st_mtime_ns))
    stamps.append((f"python {sys.version}", 0, 0))
    stamps.append((f"polars {pl.__version__}", 0, 0))
    return stamps


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


# What a kept file may hold ---------------------------------------------------------------------

_ALLOWED = {
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
    ("builtins", "set"), ("builtins", "frozenset"),
}


class _Keeper(pickle.Pickler):
    """Pickles records as usual and each Polars frame as Arrow IPC, compressed (zstd: the
    national timeline's 87 MB of frames take about 8 MB, read back in under 0.1 s)."""

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, pl.DataFrame):
            buffer = io.BytesIO()
            obj.write_ipc(buffer, compression="zstd")
            return ("frame", buffer.getvalue())
        return None


class _KeptRecords(pickle.Unpickler):
    """Unpickles only pcp-tui's own records (dataclasses), paths, dates and the frames
    `_Keeper` wrote: a kept file that names anything else (a function to call, say) is
    refused, not run."""

    def persistent_load(self, pid: Any) -> Any:
        if (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "frame"
                and isinstance(pid[1], bytes)):
            return pl.read_ipc(io.BytesIO(pid[1]))
        raise pickle.UnpicklingError("a kept start holds something that is not a frame")

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module == "pcp_tui" or module.startswith("pcp_tui."):
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"a kept start may not hold {module}.{name}")


def _kept_file_error(err: BaseException) -> bool:
    """Whether `err`, raised reading a kept file, just means the file cannot be used (Polars
    raises a panic, a BaseException, on a damaged frame)."""
    return not isinstance(err, (KeyboardInterrupt, SystemExit, MemoryError))


# One kept start --------------------------------------------------------------------------------


@dataclass
class StartCache:
    """The kept start for one config and data folder: read with `config` and `data`, written
    with `store`. `path` is None when kept starts are turned off (every read misses, nothing
    is written)."""

    path: Path | None
    config_key: str
    _stream: io.BytesIO | None = None  # the kept file, positioned after its config

    @classmethod
    def open(cls, config_path: Path, data_args: Sequence[str | Path] | None,
             *, folder: Path | None = None, enabled: bool = True) -> StartCache:
        folder = cache_folder() if enabled and folder is None else folder
        if not enabled or folder is None:
            return cls(None, "")
        try:
            raw = config_path.read_bytes()
            where = (str(config_path), str(config_path.resolve()), os.getcwd(),
                     [str(p) for p in data_args or ()])
        except (OSError, RuntimeError):
            return cls(None, "")  # the config's own reading says what is wrong
        name = _digest("start", where)[:24]
        config_key = _digest(FORMAT, where, hashlib.sha256(raw).hexdigest(), code_stamp())
        return cls(folder / f"{name}.pickle", config_key)

    def config(self) -> Config | None:
        """The config kept from a start whose config file and code were the same as now."""
        if self.path is None:
            return None
        try:
            stream = io.BytesIO(self.path.read_bytes())
            unpickler = _KeptRecords(stream)
            header = unpickler.load()
            if header != {"format": FORMAT, "config": self.config_key}:
                return None
            config = unpickler.load()
        except BaseException as err:  # noqa: BLE001 - a damaged kept file is a miss
            if not _kept_file_error(err):
                raise
            return None
        if not isinstance(config, Config):
            return None
        self._stream = stream
        return config

    def data(self, key: str, config: Config) -> tuple[Observations, Timeline] | None:
        """The returns and timeline kept with `config` (which `config()` gave), if the data
        had `key` then too."""
        from pcp_tui.rules.assess import Timeline

        if self._stream is None:
            return None
        try:
            unpickler = _KeptRecords(self._stream)
            if unpickler.load() != {"data": key}:
                return None
            observations, frames, alerts = unpickler.load()
            status, charted, alert_frame, quarters, spc_options = frames
            if not _well_formed(observations, frames, alerts):
                return None
            timeline = Timeline(config, observations, status, charted, alert_frame,
                                tuple(quarters), spc_options)
            timeline.recall_alerts(alerts)
        except BaseException as err:  # noqa: BLE001 - a damaged kept file is a miss
            if not _kept_file_error(err):
                raise
            return None
        return observations, timeline

    def store(self, key: str, config: Config, observations: Observations,
              timeline: Timeline) -> None:
        """Keep this start for the next one (written beside and renamed into place, so a
        start reading at the same time sees the old file or the new, never half of one).
        A folder that cannot be written leaves the next start to read everything again."""
        if self.path is None or not key:
            return
        # the status rows sorted by quarter: the next start takes each quarter's rows as a
        # slice of them, without a copy
        frames = (timeline.status.sort("as_of", maintain_order=True), timeline.charted,
                  timeline.alert_frame, list(timeline.quarters), timeline.spc_options)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".start-",
                                       suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickler = _Keeper(handle, protocol=pickle.HIGHEST_PROTOCOL)
                    pickler.dump({"format": FORMAT, "config": self.config_key})
                    pickler.dump(config)
                    pickler.clear_memo()
                    pickler.dump({"data": key})
                    pickler.dump((observations, frames, timeline.assessed_alerts()))
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _forget_oldest(self.path.parent)
        except Exception:  # noqa: BLE001 - keeping is only ever a saving: a start goes on
            return


def _well_formed(observations: Any, frames: tuple, alerts: Any) -> bool:
    """What a kept file holds is what `store` writes, in kind."""
    from pcp_tui.rules.alerts import Alert

    status, charted, alert_frame, quarters, spc_options = frames
    return (
        isinstance(observations, Observations)
        and all(isinstance(f, pl.DataFrame) for f in (status, charted, alert_frame, spc_options))
        and all(isinstance(q, Quarter) for q in quarters)
        and isinstance(alerts, dict)
        and all(isinstance(q, Quarter) and all(isinstance(a, Alert) for a in (*found, *gone))
                for q, (found, gone) in alerts.items())
    )


def data_key(paths: Sequence[str | Path], today: date | None = None) -> str:
    """What the loader would read from `paths` now, as a key (see the module's notes); taken
    before the files are read."""
    problems: list[Problem] = []
    stamps: list[tuple[str, int, int, int, int, int]] = []
    for path in data_files(paths, problems):
        try:
            info = path.stat()
        except OSError:
            stamps.append((str(path), -1, 0, 0, 0, 0))
            continue
        stamps.append((str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                       info.st_ino, info.st_dev))
    quarter = Quarter.from_date(today or date.today())
    return _digest(quarter.label, [str(p) for p in paths], stamps, problems)


def _forget_oldest(folder: Path) -> None:
    """Keep the newest `KEPT_STARTS` kept files."""
    kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[KEPT_STARTS:]:
        old.unlink(missing_ok=True)

