"""A partial newest quarter: the header counts it, the app offers the last complete quarter
(C) and the chase list (M); `pcp-tui validate --missing` prints the same list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.returns import home_figures, quarter_return
from pcp_tui.tui.screens.missing import MissingScreen
from pcp_tui.tui.widgets.plan_header import PlanHeader

from .conftest import ROOT, TODAY, screen_text

REPORTED = ("residential-burglary", "knife-crime", "police-officer-uplift")


@pytest.fixture
def partial_project(project_copy: Path) -> Path:
    lines = ["kpi,force,period,value"]
    lines += [f"{kpi},West Midlands,2021/22 Q3,5" for kpi in REPORTED]
    (project_copy.parent / "data" / "2021-22_Q3.csv").write_text(
        "\n".join(lines) + "\n", encoding="utf-8")
    return project_copy


def test_the_newest_quarter_is_partial_and_the_one_before_complete(partial_project):
    config = load_config(partial_project)
    observations = load_observations([config.data_folder], config, today=TODAY)
    found = quarter_return(config.framework.kpis,
                           home_figures(observations, config.settings.home_force))
    assert found.quarter == Quarter.parse("2021/22 Q3")
    assert {k.id for k in found.reported} == set(REPORTED)
    assert found.partial
    assert found.last_complete == Quarter.parse("2021/22 Q2")
    assert found.headline == f"2021/22 Q3: 3 of {found.expected} KPIs"
    assert "rape-positive-outcome-rate" in {k.id for k in found.missing}


def test_the_bundled_data_is_not_a_partial_return(bundled_config, bundled_observations):
    found = quarter_return(bundled_config.framework.kpis,
                           home_figures(bundled_observations,
                                        bundled_config.settings.home_force))
    assert not found.partial


async def test_the_app_says_so_and_offers_the_last_complete_quarter(make_app,
                                                                    partial_project):
    config = load_config(partial_project)
    observations = load_observations([config.data_folder], config, today=TODAY)
    app = make_app(config=config, observations=observations)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert "2021/22 Q3: 3 of" in screen_text(app).splitlines()[0]
        assert any("partial return" in message and "C for the last complete quarter "
                   "(2021/22 Q2)" in message for _, _, message in app.notices)
        await pilot.press("C")
        await pilot.pause()
        assert app.as_of == Quarter.parse("2021/22 Q2")
        assert app.query_one(PlanHeader).partial.partial
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MissingScreen)
        assert "Rape" in screen_text(app)


async def test_c_on_a_complete_quarter_says_why_it_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        before = app.as_of
        await pilot.press("C")
        await pilot.pause()
        assert app.as_of == before
        assert any("not a partial return" in message for _, _, message in app.notices)


def test_validate_missing_lists_the_chase_list(partial_project):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pcp_tui", "validate", "--missing",
               "--config", str(partial_project)]
    text = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    assert "2021/22 Q3: 3 of" in text and "last complete quarter is 2021/22 Q2" in text
    document = json.loads(subprocess.run([*command, "--format", "json"], capture_output=True,
                                         text=True, env=env, check=True).stdout)
    assert document["format"] == "pcp-tui-missing" and document["partial"]
    assert document["reported"] == 3
    missing = {entry["kpi"]: entry["source"] for entry in document["missing"]}
    assert "rape-positive-outcome-rate" in missing
    assert not set(REPORTED) & set(missing)
