"""Files as analysts really leave them: workbooks with hidden sheets and titles, odd links."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from pcp_tui.dataset import load_observations

TODAY = date(2021, 11, 26)


def test_a_workbook_with_a_hidden_sheet_and_a_merged_title(config, data_dir: Path) -> None:
    path = data_dir / "2021-22_Q2.xlsx"
    book = xlsxwriter.Workbook(str(path))
    lookup = book.add_worksheet("lookup")  # workings the analyst hid: never read as the return
    lookup.write_row(0, 0, ["kpi", "force", "value"])
    lookup.write_row(1, 0, ["pcsos", "WMP", 1])
    lookup.hide()
    sheet = book.add_worksheet("return")
    sheet.activate()
    sheet.set_first_sheet()
    sheet.merge_range(0, 0, 0, 2, "West Midlands quarterly return, 2021/22 Q2")
    sheet.merge_range(1, 0, 1, 2, "Prepared by the performance team")
    sheet.write_row(3, 0, ["KPI", "Force", "Value"])  # the header on row 4, after a blank row
    sheet.write_row(4, 0, ["pcsos", "WMP", 471])
    sheet.write_row(5, 0, ["pcsos", "Nowhere", 3])
    book.close()
    obs = load_observations(data_dir, config, today=TODAY)
    assert obs.frame.select("kpi", "value").rows() == [("pcsos", 471.0)]
    (problem,) = obs.problems
    assert (problem.row, problem.column, problem.found) == (6, "Force", "'Nowhere'")


def test_header_problems_in_a_workbook_give_the_row_the_header_is_on(config, data_dir: Path):
    path = data_dir / "2021-22_Q2.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("return")
    sheet.write_row(0, 0, ["West Midlands quarterly return, 2021/22 Q2"])
    sheet.write_row(1, 0, ["Prepared by the performance team"])
    sheet.write_row(2, 0, ["KPI", "Force", "Value", "Count", "2020/21 Q3"])  # row 3
    sheet.write_row(3, 0, ["pcsos", "WMP", 471, 9, 1])
    book.close()
    obs = load_observations(data_dir, config, today=TODAY)
    assert obs.frame.select("kpi", "value").rows() == [("pcsos", 471.0)]
    found = sorted((p.row, p.column, p.found) for p in obs.problems)
    assert found == [
        (3, "2020/21 Q3", "an unknown column '2020/21 Q3'"),
        (3, "Count", "a second value column, 'Count' (column 4), after 'Value' (column 3)"),
    ]


def test_a_workbook_without_a_kpi_column_says_so_at_its_header_row(config, data_dir: Path):
    path = data_dir / "2021-22_Q2.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("return")
    sheet.write_row(1, 0, ["Indicator name", "Force", "Value"])  # row 2; no kpi id column
    sheet.write_row(2, 0, ["PCSOs", "WMP", 471])
    book.close()
    obs = load_observations(data_dir, config, today=TODAY)
    assert sorted((p.row, p.column, p.found) for p in obs.problems) == [
        (2, "Indicator name", "an unknown column 'Indicator name'"),
        (2, "kpi", "no such column"),
    ]


def test_a_loop_of_links_and_a_folder_named_like_a_return(config, data_dir: Path) -> None:
    (data_dir / "2021-22_Q1.csv").write_text("kpi,force,value\npcsos,WMP,470\n",
                                             encoding="utf-8")
    os.symlink(data_dir / "loop.csv", data_dir / "loop.csv")  # a link to itself
    (data_dir / "old.csv").mkdir()
    obs = load_observations(data_dir, config, today=TODAY)
    assert obs.frame.height == 1
    found = {Path(p.file).name: p.found for p in obs.problems}
    assert found["loop.csv"].startswith("a link that leads nowhere")
    assert found["old.csv"] == "a folder, not a file"


def test_a_directory_given_where_a_file_was_expected_is_read_as_a_folder(
    config, data_dir: Path
) -> None:
    (data_dir / "2021-22_Q1.csv").write_text("kpi,force,value\npcsos,WMP,470\n",
                                             encoding="utf-8")
    obs = load_observations([data_dir, data_dir / "missing.csv"], config, today=TODAY)
    assert obs.frame.height == 1
    assert [p.found for p in obs.problems] == ["no such file or folder"]


def test_without_the_excel_reader_the_hint_names_commands_that_work(tmp_path, monkeypatch):
    import builtins

    from pcp_tui.workbooks import WorkbookError, read_grids

    real_import = builtins.__import__

    def no_fastexcel(name, *args, **kwargs):
        if name == "fastexcel":
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fastexcel)
    with pytest.raises(WorkbookError) as error:
        read_grids(tmp_path / "return.xlsx")
    message = str(error.value)
    assert "pip install fastexcel" in message  # works from an install and from a checkout
    assert "'.[excel]'" in message and "pcp-tui[excel]" not in message
