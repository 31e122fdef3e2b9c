"""Shared fixtures: a small, valid framework written to `tmp_path`, a data-file loader, the
bundled framework, small ONS PFA workbooks and police.uk archives, and the printout commands
run on the bundled config and sample data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from ons_workbooks import write_notes, write_p1, write_p4
from police_uk_archives import (
    ASIAN,
    BLACK,
    MDA,
    NFA,
    NOTHING,
    PACE,
    S47A,
    S60,
    SEARCH,
    SEARCH_OLD,
    STREET,
    WMP,
    archive_file,
    search_row,
    street_row,
    street_rows,
    write,
)
from printout_runs import CONFIG, DATA

from pcp_tui.cli import main
from pcp_tui.config import Config, bundled_config_path, load_config
from pcp_tui.dataset import Observations, load_observations
from pcp_tui.rules.assess import Assessment, build_timeline

# "Today" for every data test: 26 November 2021 falls in 2021/22 Q3, so Q4 is the future.
TODAY = date(2021, 11, 26)

SETTINGS_TOML = """\
[settings]
home_force = "west-midlands"
comparators = ["greater-manchester", "merseyside", "west-yorkshire"]
data_folder = "data"
stale_after_quarters = 1

[settings.baselines]
plan = "2019/20"
national = "12 months ending June 2019"

[settings.tolerances]
trajectory_pct = 2.0
milestone_pct = 2.0
msf_margin_pct = 10.0

[settings.spc]
screen_outliers = true
run_length = 7
trend_length = 7
min_points = 13
"""

FORCES_TOML = """\
[forces.west-midlands]
name = "West Midlands Police"
short = "WMP"
area_code = "E23000014"
population = 2916500

[forces.greater-manchester]
name = "Greater Manchester Police"
short = "GMP"
area_code = "E23000005"
population = 2812600

[forces.merseyside]
name = "Merseyside Police"
short = "Merseyside"
area_code = "E23000004"
population = 1423100

[forces.west-yorkshire]
name = "West Yorkshire Police"
short = "WYP"
area_code = "E23000010"
population = 2320200
"""

PLAN_TOML = """\
[[sections]]
id = "wmp"
title = "West Midlands Police"

[[objectives]]
id = "crime"
section = "wmp"
title = "Preventing and reducing crime"

[[objectives]]
id = "people"
section = "wmp"
title = "Supporting our people"

[[sub_objectives]]
id = "justice"
objective = "crime"
title = "Bringing offenders to justice"

[[priorities]]
id = "neighbourhood-crime"
title = "Reduce neighbourhood crime"

[[priorities]]
id = "public-satisfaction"
title = "Improve satisfaction among victims"
"""

KPIS_TOML = """\
[[kpis]]
id = "residential-burglary"
title = "Residential burglary"
short = "Res burglary"
objective = "crime"
priorities = ["neighbourhood-crime"]
unit = "count"
better = "lower"
measure = "flow"
source = "WMP"
msf = true
target = { kind = "trajectory", direction = "decrease", baseline = "plan" }

[[kpis]]
id = "rape-por"
title = "Positive outcome rate: Rape"
short = "Rape POR"
objective = "crime"
sub_objective = "justice"
unit = "percent"
better = "higher"
measure = "rate"
target = { kind = "threshold", op = ">", value = 5 }

[[kpis]]
id = "pcsos"
title = "PCSOs"
short = "PCSOs"
objective = "people"
unit = "count"
better = "higher"
measure = "stock"
target = { kind = "threshold", op = ">=", value = 480 }

[[kpis]]
id = "officer-uplift"
title = "Police officer uplift"
short = "Officer uplift"
objective = "people"
unit = "count"
better = "higher"
measure = "stock"
target = { kind = "milestone", increase = 1200, start = "2019/20 Q4", deadline = "2022/23 Q4" }

[[kpis]]
id = "s163"
title = "Establish consistent recording of S163 traffic stops"
short = "S163 recording"
objective = "crime"
unit = "count"
measure = "stock"
target = { kind = "commitment" }

[[kpis]]
id = "victim-confidence"
title = "Confidence in the local police (CSEW)"
short = "Victim confidence"
priorities = ["public-satisfaction"]
also_in = ["justice"]
unit = "percent"
better = "higher"
measure = "stock"
source = "CSEW"
target = { kind = "monitor" }
"""

CONFIG_TOML = SETTINGS_TOML + "\n" + FORCES_TOML + "\n" + PLAN_TOML + "\n" + KPIS_TOML


@pytest.fixture
def config_text() -> str:
    return CONFIG_TOML


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write config text to `tmp_path/<name>` and return the path."""

    def write(text: str, name: str = "config.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def config_path(write_config: Callable[..., Path]) -> Path:
    return write_config(CONFIG_TOML)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def write_data(data_dir: Path) -> Callable[[str, str | bytes], Path]:
    """Write a data file (text as UTF-8, or raw bytes) into the data folder."""

    def write(name: str, content: str | bytes) -> Path:
        path = data_dir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return write


@pytest.fixture
def load(
    config: Config, write_data: Callable[[str, str | bytes], Path]
) -> Callable[..., Observations]:
    """Write one data file and load it alone, as of 26 November 2021."""

    def load_one(name: str, content: str | bytes) -> Observations:
        path = write_data(name, content)
        return load_observations([path], config, today=TODAY)

    return load_one


@pytest.fixture
def load_paths(config: Config) -> Callable[..., Observations]:
    """Load files or folders already written, as of 26 November 2021."""

    def load_many(*paths: Path | str) -> Observations:
        return load_observations(list(paths), config, today=TODAY)

    return load_many


def group_only_config(folder: Path) -> Config:
    """The bundled framework with only the home force and its most similar forces in
    `[forces]`: a config that does not hold the national list."""
    import re

    from pcp_tui.config import bundled_config_path

    text = bundled_config_path().read_text(encoding="utf-8")
    group = ("west-midlands", "greater-manchester", "merseyside", "west-yorkshire")

    def keep(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in group else ""

    text = re.sub(r"^\[forces\.([a-z-]+)\]\n(?:[^\n\[]+\n)*\n?", keep, text, flags=re.M)
    path = folder / "group-only.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert set(config.settings.forces) == set(group)
    return config


@pytest.fixture(scope="module")
def group_plan(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return group_only_config(tmp_path_factory.mktemp("group"))


@pytest.fixture(scope="module")
def plan() -> Config:
    """The bundled framework, whose KPI ids the default mapping names."""
    return load_config(bundled_config_path())


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "pfatables.xlsx", *parts: Callable[[Any], None]) -> Path:
        path = tmp_path / name
        book = xlsxwriter.Workbook(str(path))
        for part in parts or (write_notes, write_p1, write_p4):
            part(book)
        book.close()
        return path

    return make


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    config = load_config(CONFIG)
    return build_timeline(config, load_observations([DATA], config)).at()


@pytest.fixture
def notes_file(tmp_path: Path) -> Path:
    return tmp_path / "notes.jsonl"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], notes_file: Path, monkeypatch: pytest.MonkeyPatch):
    """`pcp-tui ARGS` on the bundled config and data; returns (status, stdout, stderr)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def call(*args: str, config: Path = CONFIG) -> tuple[int, str, str]:
        argv = [*args, "--config", str(config), "--data", str(DATA), "--notes", str(notes_file)]
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse: --help, bad choices
            status = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return call


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    # West Midlands 2019/20 Q1: a BOM, spaced headers, a quoted comma, odd rows
    april = street_rows("2019-04", {"Anti-social behaviour": 4, "Shoplifting": 2,
                                    "Theft from the person": 2, "Drugs": 4, "Robbery": 1})
    april += [
        street_row("2019-04", "Shoplifting", location="On or near Bull Street, Birmingham"),
        street_row("2019-04", "Anti-social behaviour") + ",surplus,fields",  # too many fields
        street_row("2019-04", ""),  # no crime type
        "x,2019-04,West Midlands Police",  # cut short
    ]
    write(archive_file(root, "2019-04", "west-midlands"), STREET, april)
    may = [street_row("2019-05", crime)
           for crime in ("Anti-social behaviour", "Anti-social behaviour", "Shoplifting",
                         "  Theft from the person  ")]
    write(archive_file(root, "2019-05", "west-midlands"), STREET.replace(",", " , "), may)
    june = street_rows("2019-06", {"Anti-social behaviour": 1, "Drugs": 1})
    write(archive_file(root, "2019-06", "west-midlands"), STREET, june, bom=True)
    # 2019/20 Q2: two of three months
    for month in ("2019-07", "2019-08"):
        write(archive_file(root, month, "west-midlands"), STREET,
              street_rows(month, {"Anti-social behaviour": 3}))
    # Greater Manchester: May is a header and no rows (missing, not zero)
    write(archive_file(root, "2019-04", "greater-manchester"), STREET,
          street_rows("2019-04", {"Anti-social behaviour": 2}, force="Greater Manchester Police"))
    write(archive_file(root, "2019-05", "greater-manchester"), STREET, [])
    write(archive_file(root, "2019-06", "greater-manchester"), STREET,
          street_rows("2019-06", {"Anti-social behaviour": 1}, force="Greater Manchester Police"))
    # Merseyside: June is a zero-byte file
    for month in ("2019-04", "2019-05"):
        write(archive_file(root, month, "merseyside"), STREET,
              street_rows(month, {"Shoplifting": 1}, force="Merseyside Police"))
    write(archive_file(root, "2019-06", "merseyside"), None)
    # British Transport Police crimes at West Midlands stations stay with BTP
    for month in ("2019-04", "2019-05", "2019-06"):
        write(archive_file(root, month, "btp"), STREET,
              street_rows(month, {"Shoplifting": 10}, force="British Transport Police",
                          falls_within=WMP))
        write(archive_file(root, month, "staffordshire"), STREET,
              street_rows(month, {"Shoplifting": 5}, force="Staffordshire Police"))
    # West Yorkshire: one renamed file for the quarter, so force and month come from the rows
    wy = [
        *street_rows("2019-04", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        *street_rows("2019-05", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        *street_rows("2019-06", {"Anti-social behaviour": 1}, force="West Yorkshire Police"),
        street_row("June 2019", "Shoplifting", force="West Yorkshire Police"),
    ]
    write(root / "extracts" / "wy-quarter-one.csv", STREET, wy)
    # an outcomes file is not read
    write(archive_file(root, "2019-04", "west-midlands", "outcomes"),
          "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Outcome type", ["a,2019-04,W,W,1,2,X,E,N,Offender sent to prison"])
    return root


@pytest.fixture
def searches(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    april = [
        search_row(PACE, "Offensive weapons", "Arrest", "True"),
        search_row(PACE, "Offensive weapons", NFA, "False", BLACK),
        search_row(MDA, "Controlled drugs", "Community resolution", "True", ASIAN),
        search_row(MDA, "Controlled drugs", NOTHING, "False", ""),
        search_row(S60, "Offensive weapons", "Arrest", "True"),
        search_row(S60, "Offensive weapons", NFA, "False", BLACK),
        search_row(S47A, "Evidence of offences under the Act", NFA, "False"),
        search_row("", "Stolen goods", "Arrest", "True"),
    ]
    may = [
        search_row(PACE, "Stolen goods", "", old=True, day="2019-05-10"),
        search_row(PACE, "", "Details not available", old=True, day="2019-05-11"),
        search_row(MDA, "Controlled drugs", "Arrest", ethnicity="Other ethnic group - Not stated",
                   old=True, day="2019-05-12"),
    ]
    june = [
        search_row(PACE, "Offensive weapons", "Arrest", day="2019-06-01"),
        search_row(S60, "Offensive weapons", NFA, day="2019-06-02"),
    ]
    write(archive_file(root, "2019-04", "west-midlands", "stop-and-search"), SEARCH, april)
    write(archive_file(root, "2019-05", "west-midlands", "stop-and-search"), SEARCH_OLD, may)
    write(archive_file(root, "2019-06", "west-midlands", "stop-and-search"), SEARCH, june)
    return root


@pytest.fixture(autouse=True)
def read_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads its config and data afresh, never a kept start from another test or the
    user's own (`start_cache`); the tests of kept starts turn them on in a folder of their own."""
    monkeypatch.setenv("PCP_TUI_CACHE", "off")
