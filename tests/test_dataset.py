"""Data files → one canonical frame plus Problems: a clean return, nothing to load, revisions
(the later return wins and the change stays visible), and any mix of good and bad cells
loading without an exception."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from datetime import date
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loaded_returns import Q1, Load, LoadPaths, Write, values

from pcp_tui.config import Config
from pcp_tui.dataset import CANONICAL_SCHEMA, load_observations
from pcp_tui.periods import Quarter

# The canonical frame ------------------------------------------------------------------------------


def test_a_clean_return_loads(load: Load, data_dir: Path) -> None:
    obs = load("2021-22_Q2.csv", "kpi,force,value\nresidential-burglary,WMP,2100\npcsos,WMP,470\n")
    assert obs.problems == ()
    assert obs.revisions == ()
    assert obs.files == (str(data_dir / "2021-22_Q2.csv"),)
    assert dict(obs.frame.schema) == CANONICAL_SCHEMA
    assert values(obs) == {
        ("pcsos", "west-midlands", "2021/22 Q2"): 470.0,
        ("residential-burglary", "west-midlands", "2021/22 Q2"): 2100.0,
    }
    assert set(obs.frame["file"]) == {str(data_dir / "2021-22_Q2.csv")}
    assert obs.quarters == (Quarter(2021, 2),)


def test_nothing_to_load(config: Config, data_dir: Path) -> None:
    obs = load_observations(data_dir, config, today=date(2021, 11, 26))
    assert obs.frame.is_empty()
    assert dict(obs.frame.schema) == CANONICAL_SCHEMA
    assert obs.problems == () and obs.files == () and obs.quarters == ()


# Revisions: the later return wins, and the change stays visible ----------------------------------


def test_later_return_wins_and_revision_is_kept(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q1 = write_data(
        "2021-22_Q1.csv", "kpi,force,value\npcsos,WMP,450\nresidential-burglary,WMP,2000\n"
    )
    q2 = write_data(
        "2021-22_Q2.csv",
        "kpi,force,period,value\n"
        "pcsos,WMP,2021/22 Q1,455\n"  # restated
        "residential-burglary,WMP,2021/22 Q1,\"2,000\"\n"  # the same figure again
        "pcsos,WMP,2021/22 Q2,470\n",
    )
    for obs in (load_paths(data_dir), load_paths(q2, q1), load_paths(q1, q2)):
        assert obs.problems == ()
        assert values(obs) == {
            ("pcsos", "west-midlands", "2021/22 Q1"): 455.0,
            ("pcsos", "west-midlands", "2021/22 Q2"): 470.0,
            ("residential-burglary", "west-midlands", "2021/22 Q1"): 2000.0,
        }
        (revision,) = obs.revisions  # the identical restatement is not a revision
        assert (revision.kpi, revision.force, revision.quarter) == (
            "pcsos", "west-midlands", Quarter(2021, 1),
        )
        assert (revision.old_value, revision.new_value) == (450.0, 455.0)
        assert (revision.old_file, revision.new_file) == (str(q1), str(q2))
        winner = obs.frame.filter((pl.col("kpi") == "pcsos") & (pl.col("period") == Q1))
        assert winner["file"].to_list() == [str(q2)]


def test_identical_restatements_are_not_revisions(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    write_data("2021-22_Q1.csv", "kpi,force,value\nrape-por,WMP,4%\n")
    write_data("2021-22_Q2.csv", "kpi,force,period,value\nrape-por,West Midlands Police,"
               "2021/22 Q1,4.0\n")
    obs = load_paths(data_dir)
    assert obs.problems == ()
    assert obs.revisions == ()
    assert values(obs) == {("rape-por", "west-midlands", "2021/22 Q1"): 4.0}


def test_a_changed_commitment_status_is_a_revision(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q1 = write_data("2021-22_Q1.csv", "kpi,force,status\ns163,WMP,in progress\n")
    q2 = write_data("2021-22_Q2.csv", "kpi,force,period,status\ns163,WMP,2021/22 Q1,complete\n")
    obs = load_paths(data_dir)
    (revision,) = obs.revisions
    assert (revision.old_file, revision.new_file) == (str(q1), str(q2))
    assert obs.frame.filter(pl.col("kpi") == "s163")["status"].to_list() == ["complete"]


def test_a_file_not_named_after_a_quarter_comes_last(
    write_data: Write, load_paths: LoadPaths, data_dir: Path,
) -> None:
    q2 = write_data("2021-22_Q2.csv", "kpi,force,period,value\npcsos,WMP,2021/22 Q1,455\n")
    fix = write_data("corrections.csv", "kpi,force,period,value\npcsos,WMP,2021/22 Q1,457\n")
    obs = load_paths(data_dir)
    assert values(obs) == {("pcsos", "west-midlands", "2021/22 Q1"): 457.0}
    (revision,) = obs.revisions
    assert (revision.old_file, revision.new_file) == (str(q2), str(fix))


# Any mix of good and bad cells: never an exception, and the frame keeps its promises ------------

CELLS = {
    "kpi": ["pcsos", "residential-burglary", "rape-por", "s163", "victim-confidence", "foo", "",
            " PCSOs "],
    "force": ["", "WMP", "gmp", "Atlantis", "Merseyside Police"],
    "period": ["", "2021/22 Q1", "2021/22 Q4", "2021-04", "2021-05", "2021-06", "2021-07", "bad",
               "Jun 2021", "2021-22_Q2", ".."],
    "value": ["", "..", "1", "-1", "abc", "1e309", "nan", "28,675", "3,5", "5%", "0"],
    "numerator": ["", "0", "5", "-1", "x"],
    "denominator": ["", "0", "10", "-1"],
    "lower": ["", "1", "9"],
    "upper": ["", "2", "8"],
    "status": ["", "complete", "bogus", "in progress"],
    "count": ["3"],
    "note": ["a,b", 'q"uote', "line\nbreak"],
}


@st.composite
def returns(draw: st.DrawFn) -> tuple[str, str]:
    header = draw(st.lists(st.sampled_from(list(CELLS)), max_size=8))
    row = st.tuples(*(st.sampled_from(CELLS[column]) for column in header))
    rows = draw(st.lists(row, max_size=8)) if header else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(header)
    writer.writerows(rows)
    return draw(st.sampled_from(["2021-22_Q2.csv", "returns.csv"])), buffer.getvalue()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(returns())
def test_any_return_loads_without_an_exception(config: Config, file: tuple[str, str]) -> None:
    name, text = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        obs = load_observations([path], config, today=date(2021, 11, 26))
    frame = obs.frame
    assert dict(frame.schema) == CANONICAL_SCHEMA
    assert set(frame["kpi"]) <= set(config.framework.kpi_ids)
    assert set(frame["force"]) <= set(config.settings.forces)
    assert not frame.select(pl.struct("kpi", "force", "period").is_duplicated()).to_series().any()
    assert all(v is None or math.isfinite(v) for v in frame["value"].to_list())
    for period in frame["period"].to_list():
        assert Quarter.from_date(period).start == period <= date(2021, 10, 1)
    assert all(p.file == str(path) and (p.row is None or p.row >= 1) for p in obs.problems)


def test_twelve_month_figures_and_quarterly_counts_from_different_returns_combine(
    load_paths, write_data
) -> None:
    # a quarterly return gives the quarter's count; an ONS import later gives the 12-month figure
    first = write_data("2021-22_Q1.csv", "kpi,force,value\nresidential-burglary,WMP,3800\n")
    second = write_data(
        "ons-import.csv",
        "kpi,force,period,value_12m\nresidential-burglary,WMP,2021/22 Q1,15200\n",
    )
    obs = load_paths(first, second)
    assert obs.problems == ()
    assert obs.revisions == ()
    row = obs.frame.row(0, named=True)
    assert (row["value"], row["value_12m"]) == (3800.0, 15200.0)


def test_a_restated_twelve_month_figure_is_a_revision(load_paths, write_data) -> None:
    first = write_data("2021-22_Q1.csv",
                       "kpi,force,value_12m\nresidential-burglary,WMP,15200\n")
    second = write_data("2021-22_Q2.csv", "kpi,force,period,value_12m\n"
                        "residential-burglary,WMP,2021/22 Q1,15250\n")
    obs = load_paths(first, second)
    (revision,) = obs.revisions
    assert (revision.field, revision.old_value, revision.new_value) == ("value_12m", 15200,
                                                                       15250)
