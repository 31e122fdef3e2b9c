"""A milestone's band is a share of the change planned so far, not of the goal."""

from __future__ import annotations

import pytest
from small_plans import build, kpi, series

# +1,000 on the level at 2019/20 Q1 by 2021/22 Q3: ten quarters, 100 a quarter
TARGET = ('{{ kind = "milestone", increase = 1000, start = "2019/20 Q1", '
          'deadline = "2021/22 Q3", tolerance_pct = {tol} }}')


def one_quarter_in(tmp_path, value: float, tol: float = 2.0):
    return build(tmp_path, kpi("k", TARGET.format(tol=tol), measure="stock", better="higher"),
                 series("k", [1000.0, value])).status("k")


@pytest.mark.parametrize(("value", "rag"), [(1100, "green"), (1099, "amber"), (1098, "amber"),
                                            (1097, "red")])
def test_one_quarter_in_the_band_is_two_per_cent_of_the_hundred_planned(tmp_path, value, rag):
    # planned 1,000 + 100 = 1,100; the band is 2 % × 100 = 2 (on the goal of 2,000 it was 40,
    # and 1,061 would have passed as amber with three fifths of the quarter's rise missing)
    status = one_quarter_in(tmp_path, value)
    assert status.milestone_planned == pytest.approx(1100)
    assert status.milestone_start == 1000
    assert status.rag == rag


def test_the_band_grows_with_the_planned_change(tmp_path):
    # nine quarters in: planned 1,900, band 2 % × 900 = 18; 1,884 is 16 behind: amber
    a = build(tmp_path, kpi("k", TARGET.format(tol=2.0), measure="stock", better="higher"),
              series("k", [1000.0 + 100 * i for i in range(9)] + [1884.0]))
    status = a.status("k")
    assert status.milestone_planned == pytest.approx(1900)
    assert status.rag == "amber"


def test_a_wider_share_allows_more(tmp_path):
    # 25 % of the 100 planned: 1,076 (24 behind) amber
    assert one_quarter_in(tmp_path, 1076, tol=25).rag == "amber"


def test_the_sentence_gives_the_change_so_far_against_the_planned_change(tmp_path):
    status = one_quarter_in(tmp_path, 1011)
    assert status.rag == "red"
    assert status.explanation == (
        "K: 1,011 in 2019/20 Q2 against 1,100 planned on the way to at least 2,000 by "
        "2021/22 Q3; behind by 89 (+11 since 2019/20 Q1 against +100 planned).")
