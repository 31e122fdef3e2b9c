"""Per-KPI rebase quarters and fixed baselines reach the vectorised SPC, equal `analyse`."""

from __future__ import annotations

import pytest
from small_plans import build, kpi, series

from pcp_tui.periods import Quarter
from pcp_tui.rules import spc as spc_plain

# a step down at 2019/20 Q3 (a change in recording practice): about 100 a quarter before,
# about 60 after
VALUES = [100.0, 104, 98, 101, 99, 103, 97, 102, 60, 63, 58, 61, 59, 62, 60, 61]
FIRST = "2017/18 Q3"
REBASE = "2019/20 Q3"


def config_kpi(extra: str) -> str:
    return kpi("k", '{ kind = "monitor" }').replace('short = "k"', f'short = "k"\n{extra}')


def labels(assessment):
    return [(p.special_cause_type, p.point_type) for p in assessment.spc_points("k")]


def plain(**options):
    result = spc_plain.analyse(VALUES, improvement_direction="decrease", **options)
    return list(zip(result.special_cause_type, result.point_type)), result


@pytest.mark.parametrize(("extra", "options"), [
    ('spc_rebase = ["2019/20 Q3"]', {"rebase_at_index": [8]}),
    ("spc_fixed_after = 6", {"fix_after_n_points": 6}),
    ('spc_rebase = ["2019/20 Q3"]\nspc_fixed_after = 4',
     {"rebase_at_index": [8], "fix_after_n_points": 4}),
])
def test_the_options_give_the_plain_functions_labels_and_limits(tmp_path, extra, options):
    a = build(tmp_path, config_kpi(extra), series("k", VALUES, first=FIRST))
    expected, result = plain(**options)
    assert labels(a) == expected
    last = result.groups[-1]
    status = a.status("k")
    assert (status.spc.mean, status.spc.lpl, status.spc.upl) == (
        last.mean, last.lpl, last.upl)


def test_without_a_rebase_the_step_is_a_special_cause(tmp_path):
    a = build(tmp_path, config_kpi(""), series("k", VALUES, first=FIRST))
    assert labels(a) == plain()[0]
    assert a.status("k").spc.last_point_type != spc_plain.COMMON_CAUSE


def test_the_sentence_names_the_rebase_and_the_fixed_baseline(tmp_path):
    extra = 'spc_rebase = ["2019/20 Q3"]\nspc_fixed_after = 4'
    status = build(tmp_path, config_kpi(extra), series("k", VALUES, first=FIRST)).status("k")
    assert status.spc.rebased_from == Quarter.parse(REBASE)
    assert "(limits from 2019/20 Q3, fixed on its first 4 quarters)" in status.explanation


def test_a_rebase_before_the_as_of_quarter_only(tmp_path):
    extra = 'spc_rebase = ["2019/20 Q3"]'
    a = build(tmp_path, config_kpi(extra), series("k", VALUES, first=FIRST), as_of="2019/20 Q2")
    assert a.status("k").spc.rebased_from is None
    assert "limits from" not in a.status("k").explanation


def test_a_rebase_that_is_not_a_quarter_is_a_config_problem(tmp_path):
    from pcp_tui.config import ConfigError

    with pytest.raises(ConfigError) as error:
        build(tmp_path, config_kpi('spc_rebase = ["spring 2020"]'),
              series("k", VALUES, first=FIRST))
    assert any("spc_rebase" in str(p) for p in error.value.problems)
