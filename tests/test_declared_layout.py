"""Layouts declared in the config (`[[data.layout]]`) for trackers detection cannot read."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from conftest import CONFIG_TOML

from pcp_tui.config import ConfigError, load_config
from pcp_tui.dataset import load_observations

TODAY = date(2021, 11, 26)

LONG = """\
kpi,force,period,value
pcsos,WMP,2021/22 Q1,471
pcsos,WMP,2021/22 Q2,468
residential-burglary,WMP,2021/22 Q1,2150
residential-burglary,WMP,2021/22 Q2,2034
"""


def config_with(tmp_path: Path, layouts: str):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG_TOML + "\n" + layouts, encoding="utf-8")
    return load_config(path)


def load(folder: Path, config):
    obs = load_observations(folder, config, today=TODAY)
    return obs.frame.drop("file").sort("kpi", "force", "period"), obs.problems


def long_rows(tmp_path: Path, config) -> pl.DataFrame:
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "returns.csv").write_text(LONG)
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.height == 4
    return frame


# a tracker detection cannot read: a title row that is itself a row of headings, the KPI
# column headed 'Measure', a RAG column, and no force column (the file is all West Midlands)
ODD_CSV = (
    "Owner,Updated,Note\n"
    "Performance team,2021-10-01,\n"
    "Measure,RAG,2021/22 Q1,2021/22 Q2\n"
    "pcsos,G,471,468\n"
    "Residential burglary,A,\"2,150\",2034\n"
)
ODD_LAYOUT = """
[[data.layout]]
files = "wmp-tracker*.csv"
layout = "wide"
header_row = 3
kpi_column = "Measure"
force = "WMP"
ignore_columns = ["RAG"]
"""


def test_a_declared_wide_csv_loads_as_the_long_file_does(tmp_path: Path) -> None:
    config = config_with(tmp_path, ODD_LAYOUT)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "wmp-tracker-2021.csv").write_text(ODD_CSV)
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))


def test_without_the_declaration_the_same_file_is_not_read(tmp_path: Path) -> None:
    config = config_with(tmp_path, "")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "wmp-tracker-2021.csv").write_text(ODD_CSV)
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert problems  # what detection makes of it is said, not guessed


def test_the_kpi_column_alone_finds_the_header_under_title_rows(tmp_path: Path) -> None:
    config = config_with(tmp_path, ODD_LAYOUT.replace("header_row = 3\n", ""))
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "wmp-tracker.csv").write_text(ODD_CSV)
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))


def test_a_declared_layout_applies_only_to_the_files_it_matches(tmp_path: Path) -> None:
    config = config_with(tmp_path, ODD_LAYOUT)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "wmp-tracker.csv").write_text(ODD_CSV)
    (folder / "returns.csv").write_text(LONG.replace("2021/22 Q", "2020/21 Q"))
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.height == 8


def workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for i, row in enumerate(rows):
            sheet.write_row(i, 0, row)
        if name in hidden:
            sheet.hide()
    book.close()


def test_a_declared_sheet_of_a_workbook_loads_as_the_long_file_does(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "tracker.xlsx"
sheet = "Board pack"
layout = "wide"
kpi_column = "Indicator name"
force_column = "Police force area"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    workbook(folder / "tracker.xlsx", {
        "Cover": [["Quarterly KPI tracker"], ["Not for publication"]],
        "Board pack": [
            ["KPI tracker, West Midlands"],
            [],
            ["Indicator name", "Police force area", "2021-22 Q1", "Q2 2021/22"],
            ["pcsos", "West Midlands Police", 471, 468],
            ["residential-burglary", "WMP", 2150, 2034],
        ],
    })
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))


def test_a_declared_header_row_counts_as_the_spreadsheet_numbers_its_rows(
    tmp_path: Path,
) -> None:
    # the sheet's first used row is row 3: the header row is given as Excel shows it
    config = config_with(tmp_path, """
[[data.layout]]
files = "tracker.xlsx"
header_row = 4
kpi_column = "Measure"
force = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "tracker.xlsx"))
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(2, 0, ["Measure", "Latest"])  # looks like a header, and is not the one
    sheet.write_row(3, 0, ["Measure", "2021/22 Q1", "2021/22 Q2"])
    sheet.write_row(4, 0, ["pcsos", 471, 468])
    sheet.write_row(5, 0, ["residential-burglary", 2150, "bad"])
    book.close()
    frame, problems = load(folder, config)
    assert [(p.row, p.column) for p in problems] == [(6, "2021/22 Q2")]
    assert frame.height == 3


def test_a_force_per_sheet_is_declared_for_each_sheet(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.xlsx"
sheet = "Sheet A"
kpi_column = "Measure"
force = "west-midlands"

[[data.layout]]
files = "*.xlsx"
sheet = "Sheet B"
kpi_column = "Measure"
force = "Greater Manchester"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    rows = [["Measure", "2021/22 Q1", "2021/22 Q2"], ["pcsos", 471, 468]]
    workbook(folder / "tracker.xlsx", {"Sheet A": rows, "Sheet B": [
        rows[0], ["pcsos", 590, 601]]})
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.select("force", "value").rows() == [
        ("greater-manchester", 590.0), ("greater-manchester", 601.0),
        ("west-midlands", 471.0), ("west-midlands", 468.0)]


def test_a_sheet_the_workbook_does_not_have_is_named(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "tracker.xlsx"
sheet = "WMP"
kpi_column = "Measure"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    workbook(folder / "tracker.xlsx", {"Summary": [["Measure", "2021/22 Q1"], ["pcsos", 1]]})
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert len(problems) == 1
    assert "no sheet 'WMP' (the sheets are 'Summary')" in str(problems[0])
    assert "data.layout[0]" in str(problems[0])


def test_a_declared_header_row_without_the_kpi_column_loads_nothing(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "tracker.xlsx"
sheet = "WMP"
header_row = 2
kpi_column = "Measure"
force = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    workbook(folder / "tracker.xlsx", {"WMP": [
        ["Measure", "2021/22 Q1"], ["pcsos", 471], ["residential-burglary", 2150]]})
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert [str(p) for p in problems] == [
        f"{folder / 'tracker.xlsx'}, sheet 'WMP', row 2, column 'Measure': found no column "
        "headed 'Measure' in the header row; expected the KPI column the layout in the "
        "config (data.layout[0]) declares; nothing in it is loaded"]


def test_a_column_of_a_declared_wide_tracker_that_is_no_period_loads_nothing(
    tmp_path: Path,
) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
layout = "wide"
kpi_column = "Measure"
force = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text(
        "Title row\nMeasure,2021/22 Q1,Target,2021/22 Q2\npcsos,471,480,468\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()  # not the quarters read and the target dropped
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column) == (2, "Target")
    assert "not a quarter or a month" in problem.found
    assert "data.layout[0]" in problem.expected


def test_a_declared_force_column_the_header_lacks_loads_nothing(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
force_column = "Area"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text("kpi,Force,2021/22 Q1\npcsos,WMP,471\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert [(p.row, p.column) for p in problems] == [(1, "Area")]


def test_a_declared_force_beside_a_force_column_loads_nothing(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
force = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text("kpi,Force,2021/22 Q1\npcsos,GMP,590\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert [(p.row, p.column) for p in problems] == [(1, "Force")]


def test_a_header_row_beyond_the_file_is_named(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
header_row = 9
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text("kpi,2021/22 Q1\npcsos,471\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert [(p.row, p.found) for p in problems] == [(9, "no row 9 (the file has 2 rows)")]


def test_a_sheet_declared_for_a_csv_is_a_problem(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
sheet = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text("kpi,2021/22 Q1\npcsos,471\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert "names sheet 'WMP'" in problems[0].found


def test_a_declared_long_layout_turns_detection_off(tmp_path: Path) -> None:
    # a long return whose only figure column is headed by a month: detection would read it
    # as a wide tracker of one month; declared long, it is a return without a value column
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.csv"
layout = "long"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tracker.csv").write_text("kpi,Jul-21\npcsos,471\n")
    frame, problems = load(folder, config)
    assert frame.is_empty()
    assert {p.column for p in problems} >= {"value", "period"}


@pytest.mark.parametrize(("entry", "key", "message"), [
    ('files = "*.csv"\nlayout = "tall"', "layout", "expected one of wide, long"),
    ('files = "*.csv"\nheader_row = 0', "header_row", "expected 1 or more"),
    ('files = "*.csv"\nheader_row = "3"', "header_row", "expected a whole number"),
    ('files = "*.csv"\nkpi_colum = "Measure"', "kpi_colum", "did you mean 'kpi_column'"),
    ('files = "*.csv"\nforce = "Atlantis"', "force", "unknown force 'Atlantis'"),
    ('files = "*.csv"\nforce = "WMP"\nforce_column = "Area"', "force", "given with force_column"),
    ('files = "*.csv"\nignore_columns = [1]', "ignore_columns", "expected text"),
    ('layout = "wide"', "files", "missing"),
    ('files = ""', "files", "empty pattern"),
])
def test_config_problems_name_the_key(tmp_path: Path, entry: str, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, "[[data.layout]]\n" + entry + "\n")
    problems = caught.value.problems
    assert [(p.where, p.key) for p in problems] == [("data.layout[0]", key)]
    assert message in problems[0].message


def test_a_single_data_layout_table_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, '[data.layout]\nfiles = "*.csv"\n')
    assert [(p.where, p.key) for p in caught.value.problems] == [("data", "layout")]


def ods_workbook(path: Path, sheet: str, rows: list[list[str]]) -> None:
    """A minimal OpenDocument spreadsheet, one sheet of text cells (a blank row is empty)."""
    def cell(text: str) -> str:
        return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
                "</table:table-cell>")
    body = "".join(
        "<table:table-row>" + ("".join(cell(c) for c in row) or "<table:table-cell/>")
        + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        f'<office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))


def test_a_declared_wide_ods_loads_as_the_long_file_does(tmp_path: Path) -> None:
    config = config_with(tmp_path, """
[[data.layout]]
files = "*.ods"
layout = "wide"
header_row = 3
kpi_column = "Measure"
force = "WMP"
""")
    folder = tmp_path / "data"
    folder.mkdir()
    ods_workbook(folder / "tracker.ods", "WMP", [
        ["West Midlands tracker", "Owner", "Updated"], [],
        ["Measure", "2021/22 Q1", "2021/22 Q2"],
        ["pcsos", "471", "468"], ["Residential burglary", "2,150", "2034"]])
    frame, problems = load(folder, config)
    assert problems == ()
    assert frame.equals(long_rows(tmp_path, config))
