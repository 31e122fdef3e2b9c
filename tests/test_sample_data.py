"""The bundled sample reproduces every figure the performance paper quotes."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pcp_tui.cli import main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter, financial_year, rolling_12_months
from pcp_tui.rules.assess import build_timeline

ROOT = Path(__file__).resolve().parents[1]
YE_JUNE_2019 = rolling_12_months(Quarter(2019, 1))
YE_MARCH_2021 = financial_year(2020)


@pytest.fixture(scope="module")
def observations():
    config = load_config(ROOT / "config.toml")
    return config, load_observations(ROOT / "data", config, today=date(2021, 11, 26))


def total(observations, kpis: list[str], window, force: str = "west-midlands") -> float:
    frame = observations[1].frame
    starts = [q.start for q in window]
    return frame.filter(
        pl.col("kpi").is_in(kpis) & (pl.col("force") == force) & pl.col("period").is_in(starts)
    ).get_column("value").sum()


def test_the_sample_loads_cleanly_with_one_revision(observations):
    _, obs = observations
    assert obs.problems == ()
    assert len(obs.revisions) == 1
    assert obs.revisions[0].kpi == "residential-burglary"
    assert obs.quarters[0] == Quarter(2017, 1)
    assert obs.quarters[-1] == Quarter(2021, 2)


@pytest.mark.parametrize(
    ("kpis", "window", "expected"),
    [
        (["residential-burglary", "business-burglary"], YE_JUNE_2019, 28675),
        (["residential-burglary"], YE_JUNE_2019, 21542),
        (["business-burglary"], YE_JUNE_2019, 7133),
        (["residential-burglary", "business-burglary"], YE_MARCH_2021, 18161),
        (["robbery-personal", "business-robbery"], YE_JUNE_2019, 8945),
        (["robbery-personal", "business-robbery"], YE_MARCH_2021, 6495),
        (["homicides"], YE_JUNE_2019, 55),
        (["homicides"], YE_MARCH_2021, 43),
        (["firearm-discharges"], YE_JUNE_2019, 162),
        (["firearm-discharges"], YE_MARCH_2021, 157),
        (["viable-firearms-recovered"], [Quarter(2021, 2)], 41),
        (["viable-firearms-recovered"], [Quarter(2021, 1), Quarter(2021, 2)], 74),
        # county lines disruptions: 24.5 a month in 2020/21, 22.5 a month in Apr–Sep 2021
        (["county-lines-disruptions"], YE_MARCH_2021, 24.5 * 12),
        (["county-lines-disruptions"], [Quarter(2021, 1), Quarter(2021, 2)], 22.5 * 6),
    ],
)
def test_quoted_figures(observations, kpis, window, expected):
    assert total(observations, kpis, window) == expected


def test_the_percentage_falls_the_paper_quotes(observations):
    burglary = ["residential-burglary", "business-burglary"]
    robbery = ["robbery-personal", "business-robbery"]
    assert round((1 - 18161 / 28675) * 100) == 37
    assert total(observations, burglary, YE_MARCH_2021) / total(
        observations, burglary, YE_JUNE_2019) == pytest.approx(18161 / 28675)
    assert round((1 - total(observations, robbery, YE_MARCH_2021)
                  / total(observations, robbery, YE_JUNE_2019)) * 100) == 27


def test_comparators_are_pinned_to_the_ons_tables(observations):
    # ONS PFA tables, year ending June 2019, Table P1
    assert total(observations, ["residential-burglary"], YE_JUNE_2019,
                 "greater-manchester") == 21172
    assert total(observations, ["homicides"], YE_JUNE_2019, "merseyside") == 21
    assert total(observations, ["knife-crime"], YE_JUNE_2019, "west-yorkshire") == 2613


def test_export_csv_sums_to_the_quoted_burglary_figure(capsys):
    assert main(["export", "--config", str(ROOT / "config.toml"), "--format", "csv",
                 "--force", "West Midlands"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    quarters = {q.label for q in YE_JUNE_2019}
    burglary = sum(float(r["value"]) for r in rows
                   if r["kpi"] in ("residential-burglary", "business-burglary")
                   and r["quarter"] in quarters)
    assert burglary == 28675
    assert {r["force"] for r in rows} == {"west-midlands"}


def test_commitments_at_every_status_and_a_mix_of_targets(observations):
    config, obs = observations
    latest = build_timeline(config, obs).at()
    commitments = {s.commitment_status for s in latest.home_statuses.values()
                   if s.kpi.target.kind == "commitment"}
    assert commitments == {"not-started", "in-progress", "complete", "at-risk"}
    rollup = latest.rollup(config.framework.by_plan()[0])
    assert rollup["red"] and rollup["amber"] and rollup["green"]
    assert latest.worst(config.framework.by_plan()[0]) == "red"


def test_every_file_says_it_is_illustrative():
    for path in sorted((ROOT / "data").glob("*.csv")):
        first = path.read_text(encoding="utf-8").splitlines()[1]
        assert "ILLUSTRATIVE SAMPLE DATA, NOT OFFICIAL STATISTICS" in first, path.name
