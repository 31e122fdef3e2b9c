"""assess() on the bundled framework and sample: the explanations' figures, a believable mix,
the vectorised SPC against the plain function, every quarter assessed."""

from __future__ import annotations

import math

import pytest
from small_plans import (
    ROOT,
    TODAY,
)

from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.periods import Quarter
from pcp_tui.rules.assess import build_timeline
from pcp_tui.rules.spc import analyse

# the bundled sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    config = load_config(ROOT / "config.toml")
    observations = load_observations(ROOT / "data", config, today=TODAY)
    return build_timeline(config, observations)


def test_bundled_explanations_state_the_quoted_figures(bundled):
    homicides = bundled.at(Quarter(2020, 4)).status("homicides")
    assert homicides.explanation == (
        "Homicides: 43 in the 12 months to 2020/21 Q4, 22% below the 55 of the 12 months "
        "ending June 2019: no significant change (p = 0.2); 14 in 2020/21 Q4 against 18 in "
        "2019/20 Q4, the same quarter a year earlier (-22%); target: reduce — no clear change."
    )
    discharges = bundled.at(Quarter(2020, 4)).status("firearm-discharges")
    assert "157 in the 12 months to 2020/21 Q4" in discharges.explanation
    assert "the 162 of the 12 months ending June 2019" in discharges.explanation


def test_bundled_latest_quarter_has_a_believable_mix(bundled):
    a = bundled.at()
    assert a.as_of == Quarter(2021, 2)
    rags = [s.rag for s in a.home_statuses.values()]
    for rag in ("red", "amber", "green", "grey", None):
        assert rags.count(rag) >= 2, rag
    severities = {al.severity for al in a.alerts}
    assert severities == {"breach", "warning", "signal", "improvement", "data"}
    rape = a.status("rape-positive-outcome-rate")
    assert rape.rag == "red"
    # judged on the year: 47 + 43 + 40 + 40 = 170 positive outcomes of 974 + 960 + 969 + 1,025
    # = 3,928 offences in the 12 months to 2021/22 Q2, 4.3 %
    assert rape.explanation == (
        "Positive outcome rate: Rape 4.3% in the 12 months to 2021/22 Q2, below the target of "
        "more than 5% (judged on the 12 months; 3.9% in 2021/22 Q2 alone).")


def test_vectorised_spc_agrees_with_the_plain_function_on_every_bundled_series(bundled):
    spc = bundled.config.settings.spc
    checked = 0
    for quarter in bundled.quarters:
        a = bundled.at(quarter)
        for (kpi_id, force) in a._rows:
            kpi_def = bundled.config.framework.kpi(kpi_id)
            points = a.spc_points(kpi_id, force)
            if not points:
                continue
            direction = {"higher": "increase", "lower": "decrease"}.get(kpi_def.better,
                                                                         "neutral")
            plain = analyse([p.value for p in points], improvement_direction=direction,
                            screen_outliers=spc.screen_outliers, run_length=spc.run_length,
                            trend_length=spc.trend_length)
            assert [p.special_cause_type for p in points] == list(plain.special_cause_type)
            assert [p.point_type for p in points] == list(plain.point_type)
            status = a.status(kpi_id, force)
            if len(points) > 1:
                assert math.isclose(status.spc.upl, plain.upl, rel_tol=1e-9, abs_tol=1e-9)
                assert math.isclose(status.spc.lpl, plain.lpl, rel_tol=1e-9, abs_tol=1e-9)
            checked += 1
    assert checked > 3000


def test_every_quarter_is_assessed(bundled):
    assert len(bundled.quarters) == 18
    for quarter in bundled.quarters:
        assert bundled.at(quarter).as_of == quarter


def test_the_bundled_first_quarter_has_no_gap_alerts(bundled):
    first = bundled.quarters[0]
    assert first == Quarter(2017, 1)
    assert [al.id for al in bundled.at(first).alerts if al.rule == "missing"] == []


def test_a_series_labelled_alone_or_from_the_whole_cut_has_the_same_points(bundled, monkeypatch):
    timeline = bundled
    quarter = timeline.quarters[-3]
    series = sorted(timeline.bare(quarter).frame.select("kpi", "force").unique().rows())
    assert timeline.series_alone == max(8, timeline.charted["sid"].n_unique() // 32)
    monkeypatch.setitem(timeline.__dict__, "series_alone", 10_000)  # every series alone
    alone = timeline.bare(quarter)
    by_one = {key: (alone.spc_points(*key), alone.spc_limits(*key)) for key in series}
    assert not alone._whole_cut
    monkeypatch.setitem(timeline.__dict__, "series_alone", 3)  # three alone, then the cut
    mixed = timeline.bare(quarter)
    from_cut = {key: (mixed.spc_points(*key), mixed.spc_limits(*key)) for key in series}
    assert mixed._whole_cut and len(mixed._point_cache) > 3
    assert from_cut == by_one
    assert sum(1 for points, _ in by_one.values() if points) > 20
