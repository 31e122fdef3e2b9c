"""The config's tables beside the plan (config_settings): the valid settings, forces by id,
name or short name, and the national list of forces."""

from __future__ import annotations

from pathlib import Path

import pytest
from broken_configs import find, problems_of
from conftest import CONFIG_TOML

from pcp_tui.config import load_config
from pcp_tui.periods import Quarter, financial_year, rolling_12_months

# the valid config's settings --------------------------------------------------------------


def test_valid_config_settings(config_path: Path) -> None:
    settings = load_config(config_path).settings
    assert settings.home_force == "west-midlands"
    assert settings.comparators == ("greater-manchester", "merseyside", "west-yorkshire")
    assert settings.all_forces[0] == "west-midlands"
    assert settings.forces["merseyside"].population == 1423100
    assert settings.forces["west-midlands"].short == "WMP"
    assert settings.baselines["plan"] == financial_year(2019)
    assert settings.baselines["national"] == rolling_12_months(Quarter(2019, 1))
    assert settings.trajectory_tolerance_pct == 2.0
    assert settings.spc.min_points == 13


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("west-midlands", "west-midlands"),
        ("West Midlands Police", "west-midlands"),
        ("West Midlands", "west-midlands"),
        ("WMP", "west-midlands"),
        ("gmp", "greater-manchester"),
        ("Greater Manchester Police", "greater-manchester"),
        ("  greater   manchester  police ", "greater-manchester"),
        ("Merseyside", "merseyside"),
        ("WYP", "west-yorkshire"),
        ("West Yorkshire", "west-yorkshire"),
        ("Nowhere Constabulary", None),
        ("", None),
    ],
)
def test_force_resolution(config_path: Path, text: str, expected: str | None) -> None:
    assert load_config(config_path).settings.force_id(text) == expected


# the national list of forces ---------------------------------------------------------------


def test_the_bundled_config_holds_every_force_of_england_and_wales():
    from pcp_tui.config import bundled_config_path
    from pcp_tui.importers.areas import TERRITORIAL_FORCES

    settings = load_config(bundled_config_path()).settings
    assert len(settings.forces) == 43
    assert {f.area_code for f in settings.forces.values()} == {
        f.code for f in TERRITORIAL_FORCES}
    # the most similar group is still the plan's choice, apart from the national list
    assert settings.all_forces == (
        "west-midlands", "greater-manchester", "merseyside", "west-yorkshire")
    assert settings.role("west-midlands") == "home"
    assert settings.role("merseyside") == "most similar"
    assert settings.role("kent") == "national"
    assert settings.national_forces[:4] == settings.all_forces
    assert len(settings.national_forces) == 43


def test_a_population_is_taken_from_the_edition_of_the_window():
    from pcp_tui.config import bundled_config_path
    from pcp_tui.periods import Quarter

    gmp = load_config(bundled_config_path()).settings.forces["greater-manchester"]
    # Table P3: mid-2016 in the edition ending March 2018, mid-2017 from June 2018, mid-2018
    # from June 2019; GMP is '..' in the September and December 2019 editions
    assert gmp.population_for(Quarter(2017, 4)) == 2780800
    assert gmp.population_for(Quarter(2015, 1)) == 2780800  # before the first edition
    assert gmp.population_for(Quarter(2018, 3)) == 2798800
    assert gmp.population_for(Quarter(2019, 3)) == 2812600
    assert gmp.population_for(None) == 2812600


def test_any_force_can_be_made_home(write_config):
    text = CONFIG_TOML.replace('home_force = "west-midlands"', 'home_force = "merseyside"')
    text = text.replace('comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
                        'comparators = ["greater-manchester", "west-midlands"]')
    settings = load_config(write_config(text)).settings
    assert settings.all_forces == ("merseyside", "greater-manchester", "west-midlands")
    assert settings.role("west-yorkshire") == "national"


def test_force_list_problems_are_named(write_config):
    text = CONFIG_TOML.replace(
        'comparators = ["greater-manchester", "merseyside", "west-yorkshire"]',
        'comparators = ["greater-manchester", "west-midlands", "greater-manchester"]',
    ).replace('area_code = "E23000004"', 'area_code = "E23000005"').replace(
        'area_code = "E23000010"\npopulation = 2320200',
        'area_code = "WY"\npopulation = 2320200\n'
        'populations = { "2019/20 Q1" = 2320200, "June" = 1, "2019/20 Q2" = -3 }',
    )
    _, problems = problems_of(write_config, text)
    messages = [p.message for p in problems if p.key == "comparators"]
    assert any("is the home force" in m for m in messages)
    assert any("listed twice" in m for m in messages)
    assert "also the area code of forces.greater-manchester" in find(
        problems, "forces.merseyside", "area_code").message
    assert "an ONS area code" in find(problems, "forces.west-yorkshire", "area_code").message
    assert "a quarter such as" in find(problems, "forces.west-yorkshire.populations",
                                       "June").message
    assert "a positive whole number" in find(problems, "forces.west-yorkshire.populations",
                                             "2019/20 Q2").message


def test_rate_per_is_a_readable_base_for_counts(write_config):
    from pcp_tui.config import bundled_config_path

    framework = load_config(bundled_config_path()).framework
    assert framework.kpi("homicides").rate_per == 100000
    assert framework.kpi("homicides").rate_base == "per 100,000"
    assert framework.kpi("residential-burglary").rate_per == 1000  # the default
    text = CONFIG_TOML.replace('id = "rape-por"',
                               'id = "rape-por"\nrate_per = 1000', 1)
    text = text.replace('id = "residential-burglary"',
                        'id = "residential-burglary"\nrate_per = 10000', 1)
    _, problems = problems_of(write_config, text)
    assert "expected 1000 (per 1,000 population) or 100000" in find(
        problems, "kpis[0] (residential-burglary)", "rate_per").message
    assert "not compared per population" in find(
        problems, "kpis[1] (rape-por)", "rate_per").message
