"""Small ONS PFA workbooks in the published layout (a title row, a blank row, a heading row,
an `Area Code`/`Area Name` header, footnote marks glued to names, `..` cells, the West Midlands
region row before the force row), the real editions' folder, and a 12-month value read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "ons-pfa"

P1_TITLE = ("Table P1:  Police recorded crime by offence group and police force area, English "
            "regions and Wales, number of offences, year ending June 20191,2")
P4_TITLE = ("Table P4:  Knife and sharp instrument offences recorded by the police for selected "
            "offences, by police force area, English regions and Wales, year ending June 20191,2,3")
P1_GROUPS = [
    "Violence against the person", "Homicide", "Violence with injury", "Robbery", "Burglary",
    "Residential burglary5,6", "Non-residential  burglary5,6", "Theft from the person",
    "Shoplifting", "Drug offences",
]
# code, name as printed, then one cell per P1_GROUPS column (after the total in column C)
P1_ROWS: list[tuple[str, str, list[Any]]] = [
    ("K04000001", "ENGLAND AND WALES6", [1694644, 681, 543089, 88177, 417416, 291820, 125596,
                                         109096, 368745, 159615]),
    ("E12000005", "West Midlands ", [157235, 79, 57549, 11046, 45559, 33232, 12327, 5054, 36787,
                                     9909]),
    ("E23000015", "Staffordshire7", [31374, 11, 10219, 945, 5488, 3520, 1968, 569, 7701, 1963]),
    ("E23000014", "West Midlands", [80542, 53, 32340, 8945, 28675, 21542, 7133, 3239, 17961,
                                    5000]),
    ("E23000005", "Greater Manchester8,9", [".."] * 10),
    ("E23000004", "Merseyside", [45428, "-", 14569, 1403, 9842, 7330, 2512, 2331, "NA", 9081]),
    ("E23000010", "West Yorkshire 8", [108747, 34, "twelve", 3919, 25142, "18,477", 6665, 4191,
                                       " ", 6876]),
    ("", "British Transport Police", [12364, 6, 3297, 766, 552, 1, 551, 8841, 2817, 2493]),
]


def write_p1(book: Any, *, sheet: str = "Table P1 ", title: str = P1_TITLE,
             rows: list[tuple[str, str, list[Any]]] = P1_ROWS, start_row: int = 0,
             groups: list[str] = P1_GROUPS) -> None:
    ws = book.add_worksheet(sheet)
    r = start_row
    ws.write(r, 0, title)
    # r + 1 is blank, as published
    ws.write(r + 2, 0, "England and Wales")
    ws.write(r + 3, 2, "Total recorded crime (excluding fraud3)")
    ws.write(r + 3, 4, "Victim-based crime")
    ws.write(r + 4, 0, "Area Code")
    ws.write(r + 4, 1, "Area Name")
    for i, label in enumerate(groups):
        ws.write(r + 4, 4 + i, label)
    ws.write(r + 5, 2, "Numbers")
    for j, (code, name, cells) in enumerate(rows):
        row = r + 6 + j
        if code:
            ws.write(row, 0, code)
        ws.write(row, 1, name)
        numbers = [c for c in cells if isinstance(c, int)]
        ws.write_number(row, 2, sum(numbers))
        for i, cell in enumerate(cells):
            if isinstance(cell, int):
                ws.write_number(row, 4 + i, cell)
            else:
                ws.write_string(row, 4 + i, cell)
    end = r + 6 + len(rows)
    ws.write(end, 0, "Source: Home Office - Police recorded crime ")
    ws.write(end + 1, 0, "1. Police recorded crime data are not designated as National Statistics.")


def write_p4(book: Any, *, sheet: str = "Table P4  ") -> None:
    ws = book.add_worksheet(sheet)
    ws.write(0, 0, P4_TITLE)
    ws.write(2, 0, "England and Wales")
    ws.write(3, 2, "Total of selected serious offences")
    ws.write(3, 4, "Robbery")
    ws.write(4, 0, "Area Code")
    ws.write(4, 1, "Area Name")
    for col in (2, 4):
        ws.write(4, col, "Number of\n offences\n involving a\n knife6")
        ws.write(4, col + 1, "% involving a knife")
    rows = [
        ("E12000005", "West Midlands ", 6100, 2400),
        ("E23000014", "West Midlands", 3560, 2003),
        ("E23000005", "Greater Manchester8", "NA", "NA"),
        ("E23000004", "Merseyside", 1420, 700),
    ]
    for j, (code, name, total, robbery) in enumerate(rows):
        ws.write(6 + j, 0, code)
        ws.write(6 + j, 1, name)
        for col, value in ((2, total), (4, robbery)):
            if isinstance(value, int):
                ws.write_number(6 + j, col, value)
                ws.write_number(6 + j, col + 1, 5.5)
            else:
                ws.write_string(6 + j, col, value)
                ws.write_string(6 + j, col + 1, value)
    ws.write(12, 0, "Source: Police recorded crime, Home Office")


def write_asb_without_codes(book: Any) -> None:
    """The March 2019 layout: no area-code column, the region named like the force."""
    ws = book.add_worksheet("Table P7 ")
    ws.write(0, 0, "Table P7: Anti-social behaviour incidents (non-National Statistics), by police "
                   "force area, English regions and Wales, year ending March 2008 to year ending "
                   "March 20191,2,3")
    ws.write(2, 0, "England and Wales")
    ws.write(3, 1, "Apr '17 to Mar '186,7")
    ws.write(3, 3, "Apr '18 to Mar '196,7")
    for col in (1, 3):
        ws.write(4, col, "Number of Incidents")
        ws.write(4, col + 1, "Number per 1,000 population")
    rows = [
        ("ENGLAND AND WALES (inc. BTP)9", 1663267, 1456163),
        (None, None, None),
        ("West Midlands ", 156477, 138952),
        ("Staffordshire", 36575, 36008),
        ("West Midlands", 56152, 44804),
        (None, None, None),
        ("Greater Manchester", 79300, ".."),
        ("Merseyside", 45662, 32359),
    ]
    for j, (name, first, second) in enumerate(rows):
        if name is None:
            continue
        ws.write(5 + j, 0, name)
        for col, value in ((1, first), (3, second)):
            if isinstance(value, int):
                ws.write_number(5 + j, col, value)
                ws.write_number(5 + j, col + 1, 21.5)
            else:
                ws.write_string(5 + j, col, value)
    ws.write(20, 0, "Source: Home Office - Police recorded incidents")
    ws.write(21, 0, "3 '..'  Not available.")


def write_notes(book: Any, edition: str = "June 2019") -> None:
    ws = book.add_worksheet("Notes")
    ws.write(0, 0, f"Crime in England & Wales, year ending {edition} - PFA tables")


def value(result: Any, kpi: str, force: str, period: str) -> float | None:
    rows = result.frame.filter(
        (pl.col("kpi") == kpi) & (pl.col("force") == force) & (pl.col("period") == period)
    )
    assert rows.height == 1, f"{kpi} {force} {period}: {rows.height} rows"
    assert rows.get_column("value").item() is None  # 12-month figures never go in `value`
    return rows.get_column("value_12m").item()


# the real editions in ../shared/realdata/ons-pfa, read when they are there
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")
