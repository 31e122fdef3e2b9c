"""Small police.uk archives in the published layout (`YYYY-MM/YYYY-MM-<force>-street.csv` and
`…-stop-and-search.csv`): the headers of different years, rows written as the files hold them,
and the counts, rates and problems of an import read back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
STREET_2011 = "Month,Reported by,Falls within,Easting,Northing,Location,Crime type,Context"
SEARCH = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
          "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
          "Object of search,Outcome,Outcome linked to object of search,"
          "Removal of more than just outer clothing")
# an older layout: no `Outcome linked…`/`Removal…`, `Self defined ethnicity` without a hyphen
SEARCH_OLD = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,"
              "Gender,Age range,Self defined ethnicity,Officer-defined ethnicity,Legislation,"
              "Object of search,Outcome")

WMP = "West Midlands Police"
PACE = "Police and Criminal Evidence Act 1984 (section 1)"
MDA = "Misuse of Drugs Act 1971 (section 23)"
S60 = "Criminal Justice and Public Order Act 1994 (section 60)"
S47A = "Terrorism Act 2000 (section 47A)"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
BLACK = "Black/African/Caribbean/Black British - Caribbean"
ASIAN = "Asian/Asian British - Pakistani"
NFA = "A no further action disposal"
NOTHING = "Nothing found - no further action"


def street_row(month: str, crime_type: str, force: str = WMP, falls_within: str | None = None,
               location: str = "On or near Corporation Street") -> str:
    if "," in location:
        location = f'"{location}"'
    crime_id = "" if crime_type == "Anti-social behaviour" else "a1b2c3d4" * 8
    outcome = "" if crime_type == "Anti-social behaviour" else "Under investigation"
    return (f"{crime_id},{month},{force},{falls_within or force},-1.898,52.481,{location},"
            f"E01033620,Birmingham 138A,{crime_type},{outcome},")


def street_rows(month: str, counts: dict[str, int], **kw: str) -> list[str]:
    return [street_row(month, crime, **kw) for crime, n in counts.items() for _ in range(n)]


def write(path: Path, header: str | None, rows: Sequence[str] = (), *, bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "" if header is None else "\n".join([header, *rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def archive_file(root: Path, month: str, force: str, kind: str = "street") -> Path:
    return root / month / f"{month}-{force}-{kind}.csv"


def search_row(legislation: str, obj: str, outcome: str, linked: str = "",
               ethnicity: str = WHITE, day: str = "2019-04-03", old: bool = False) -> str:
    head = (f"Person search,{day}T10:15:00+00:00,False,,52.48,-1.89,Male,18-24,{ethnicity},"
            f"White,{legislation},{obj},{outcome}")
    return head if old else f"{head},{linked},False"


def counts(result, kpi: str) -> dict[tuple[str, str], float]:
    rows = result.frame.filter(pl.col("kpi") == kpi)
    return {(f, p): v for f, p, v in rows.select("force", "period", "value").iter_rows()}


def found(result) -> list[str]:
    return [p.found for p in result.problems]


def rate(result, kpi: str) -> tuple[float, float, float]:
    row = result.frame.filter(pl.col("kpi") == kpi).row(0, named=True)
    return row["numerator"], row["denominator"], row["value"]
