"""The plan in the config (config_framework): each target kind read, the framework by plan and
by priority, a KPI under a sub-objective alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from broken_configs import WriteConfig, with_kpi

from pcp_tui.config import load_config
from pcp_tui.framework import (
    Commitment,
    Milestone,
    Monitor,
    Threshold,
    Trajectory,
)
from pcp_tui.periods import Quarter, financial_year

# the valid config's plan ------------------------------------------------------------------


def test_valid_config_targets(config_path: Path) -> None:
    framework = load_config(config_path).framework
    burglary = framework.kpi("residential-burglary")
    assert isinstance(burglary.target, Trajectory)
    assert burglary.target.direction == "decrease"
    assert burglary.target.baseline == financial_year(2019)
    assert burglary.target.tolerance_pct == 2.0
    assert burglary.measure == "flow" and burglary.unit.id == "count" and burglary.msf
    rape = framework.kpi("rape-por")
    assert rape.target == Threshold(">", 5.0)
    assert rape.measure == "rate" and rape.unit.id == "percent"
    uplift = framework.kpi("officer-uplift").target
    assert isinstance(uplift, Milestone)
    assert (uplift.start, uplift.deadline) == (Quarter(2019, 4), Quarter(2022, 4))
    assert uplift.goal is None and uplift.increase == 1200.0 and uplift.op == ">="
    assert uplift.goal_for(7000) == 8200
    assert isinstance(framework.kpi("s163").target, Commitment)
    assert not framework.kpi("s163").is_numeric
    assert isinstance(framework.kpi("victim-confidence").target, Monitor)
    with pytest.raises(KeyError):
        framework.kpi("no-such-kpi")


def test_framework_by_plan(config_path: Path) -> None:
    framework = load_config(config_path).framework
    nodes = framework.by_plan()
    assert [(n.kind, n.id) for n in nodes] == [("section", "wmp"), ("unplaced", "national-only")]
    section = nodes[0]
    assert [o.id for o in section.children] == ["crime", "people"]
    crime, people = section.children
    assert [k.id for k in crime.kpis] == ["residential-burglary", "s163"]
    assert [s.id for s in crime.children] == ["justice"]
    # rape-por sits under its sub-objective; victim-confidence is listed there through also_in
    assert [k.id for k in crime.children[0].kpis] == ["rape-por", "victim-confidence"]
    assert [k.id for k in people.kpis] == ["pcsos", "officer-uplift"]
    # the national-only proxy comes last, in its own node
    assert [k.id for k in nodes[1].kpis] == ["victim-confidence"]
    # every placed KPI is reachable by walking the tree
    assert {k.id for k in section.walk_kpis()} == set(framework.kpi_ids)
    assert framework.location(framework.kpi("rape-por")) == (
        "West Midlands Police › Preventing and reducing crime › Bringing offenders to justice"
    )


def test_framework_by_priority(config_path: Path) -> None:
    framework = load_config(config_path).framework
    nodes = framework.by_priority()
    assert [(n.kind, n.id) for n in nodes] == [
        ("priority", "neighbourhood-crime"),
        ("priority", "public-satisfaction"),
    ]
    assert [k.id for k in nodes[0].kpis] == ["residential-burglary"]
    assert [k.id for k in nodes[1].kpis] == ["victim-confidence"]


def test_sub_objective_alone_gives_the_objective(write_config: WriteConfig) -> None:
    config = load_config(write_config(with_kpi(objective=None, sub_objective='"justice"')))
    kpi = config.framework.kpi("extra")
    assert (kpi.objective, kpi.sub_objective) == ("crime", "justice")
