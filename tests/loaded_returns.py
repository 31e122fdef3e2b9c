"""What the loader tests read off a load: values by KPI, force and quarter, the one Problem,
and a Problem's file, row, column, found and expected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pcp_tui.dataset import Observations, Problem
from pcp_tui.periods import Quarter

Load = Callable[[str, "str | bytes"], Observations]
Write = Callable[[str, "str | bytes"], Path]
LoadPaths = Callable[..., Observations]

Q1 = date(2021, 4, 1)  # 2021/22 Q1
Q2 = date(2021, 7, 1)  # 2021/22 Q2


def values(obs: Observations) -> dict[tuple[str, str, str], float | None]:
    """{(kpi, force, quarter label): value} of the loaded frame."""
    return {
        (kpi, force, Quarter.from_date(period).label): value
        for kpi, force, period, value in obs.frame.select(
            "kpi", "force", "period", "value"
        ).iter_rows()
    }


def the_problem(obs: Observations) -> Problem:
    assert len(obs.problems) == 1, obs.problems
    return obs.problems[0]


def check(
    problem: Problem, file: Path | str, row: int | None, column: str | None,
    found: str, expected: str,
) -> None:
    assert problem.file == str(file)
    assert problem.row == row
    assert problem.column == column
    assert found in problem.found, problem
    assert expected in problem.expected, problem


# A good row to put beside a bad one, a header for it, and what it loads as
GOOD = {("pcsos", "west-midlands", "2021/22 Q2"): 470.0}
GOOD_ROW = "pcsos,WMP,470\n"
HEAD = "kpi,force,value\n"
