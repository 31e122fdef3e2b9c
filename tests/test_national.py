"""The national position and the funnel limits, checked by hand on small examples."""

from __future__ import annotations

import math

import pytest

from pcp_tui.periods import Quarter
from pcp_tui.rules.national import (
    MIN_FORCES,
    Z_95,
    Z_998,
    funnel,
    judge,
    judgement_words,
    national_position,
    winsorise,
)

Q = Quarter(2019, 3)


def test_winsorising_sets_the_tenth_at_each_end_to_the_value_at_that_point():
    # nine values: ⌊0.9⌋ = 0, nothing moves
    assert winsorise([5, 1, 9, 2, 3, 4, 6, 7, 8]) == [5, 1, 9, 2, 3, 4, 6, 7, 8]
    # twenty values: ⌊2.0⌋ = 2 at each end; 1 and 2 become 3, 19 and 20 become 18
    values = list(range(20, 0, -1))
    assert winsorise(values) == [18, 18, 18, *range(17, 3, -1), 3, 3, 3]


def test_three_forces_by_hand():
    # 10, 20 and 30 events in populations of 1,000: θ = 60 / 3,000 = 0.02 per person;
    # s = √(0.02 / 1,000) = 0.0044721; z = −2.2361, 0, +2.2361 (too few to winsorise);
    # φ = (5 + 0 + 5) / 3 = 3.3333; I φ = 10 > I − 1 = 2, so with w = 1 / s² = 50,000 each,
    # τ² = (10 − 2) / (150,000 − 3 × 50,000² / 150,000) = 8 / 100,000 = 8e-5
    fun = funnel([10, 20, 30], [1000, 1000, 1000], 1000)
    assert fun.target == pytest.approx(20.0)
    assert fun.phi == pytest.approx(10 / 3)
    assert fun.tau2 == pytest.approx(8e-5)
    assert fun.tau == pytest.approx(math.sqrt(8e-5) * 1000)  # 8.94 per 1,000
    # limits at 1,000: 0.02 ± 1.96 √(2e-5 + 8e-5) = 0.02 ± 1.96 × 0.01
    low, high = fun.limits(1000, Z_95)
    assert low == pytest.approx(20 - 19.59964, abs=1e-4)
    assert high == pytest.approx(20 + 19.59964, abs=1e-4)
    # the 99.8 % limit would go below 0: it stops at 0
    assert fun.limits(1000, Z_998)[0] == 0.0


def test_forces_within_poisson_variation_get_no_adjustment():
    # 100 and 104 events in 10,000 each: z = ∓0.2, φ = 0.04, I φ < I − 1, so τ² = 0 and the
    # limits are Poisson's: 0.0102 ± 1.96 √(0.0102 / 10,000)
    fun = funnel([100, 104], [10_000, 10_000], 1000)
    assert fun.tau2 == 0 and not fun.overdispersed
    low, high = fun.limits(10_000, Z_95)
    half = Z_95 * math.sqrt(0.0102 / 10_000) * 1000
    assert (low, high) == (pytest.approx(10.2 - half), pytest.approx(10.2 + half))


def test_the_judgement_follows_the_limits():
    fun = funnel([100, 104], [10_000, 10_000], 1000)  # 10.2 per 1,000, no τ²
    half95 = Z_95 * math.sqrt(0.0102 / 10_000) * 1000  # 1.98
    half998 = Z_998 * math.sqrt(0.0102 / 10_000) * 1000  # 3.12
    assert judge(fun, 10.2 + half95 * 0.9, 10_000) == ("inside", 1)
    assert judge(fun, 10.2 + (half95 + half998) / 2, 10_000) == ("95", 1)
    assert judge(fun, 10.2 - half998 * 1.1, 10_000) == ("99.8", -1)


def figures(n: int, home_count: float = 10.0):
    # home: 10 in 1,000 (10 per 1,000); the others 5 in 1,000 each
    return [("home", home_count, 1000.0)] + [(f"f{i}", 5.0, 1000.0) for i in range(n - 1)]


def test_rank_n_of_n_and_the_national_rate():
    position = national_position("home", figures(12) + [("gone", None, 900.0)],
                                 rate_per=1000, better=-1, window=Q,
                                 window_label="the 12 months to 2019/20 Q3", source="published")
    assert position is not None
    assert position.n == 12 and position.without == ("gone",)
    # (10 + 11 × 5) / 12,000 = 65 / 12,000 per person = 5.4167 per 1,000
    assert position.funnel.target == pytest.approx(65 / 12)
    assert position.home.rate == pytest.approx(10.0)
    assert position.home.rank == 12  # lower is better: the highest rate is last
    assert [r.force for r in position.forces][-1] == "home"
    # higher is better: first; no direction: no rank
    assert national_position("home", figures(12), rate_per=1000, better=1, window=Q,
                             window_label="", source=None).home.rank == 1
    assert national_position("home", figures(12), rate_per=1000, better=0, window=Q,
                             window_label="", source=None).home.rank is None


def test_no_national_position_from_a_handful_of_forces_or_without_the_home_figure():
    assert national_position("home", figures(MIN_FORCES - 1), rate_per=1000, better=-1,
                             window=Q, window_label="", source=None) is None
    no_home = [("home", None, 1000.0)] + figures(MIN_FORCES + 1)[1:]
    assert national_position("home", no_home, rate_per=1000, better=-1, window=Q,
                             window_label="", source=None) is None


def test_the_words_say_which_limit_and_which_way():
    position = national_position("home", figures(12, home_count=30.0), rate_per=1000,
                                 better=-1, window=Q, window_label="", source=None)
    assert position.band == "99.8" and position.side == 1
    assert judgement_words(position, -1).startswith(
        "above the 99.8 % limit for its population (worse)")
    assert "(worse)" not in judgement_words(position, 0)


def test_the_rate_base_is_the_kpis():
    position = national_position("home", figures(12), rate_per=100000, better=-1, window=Q,
                                 window_label="", source=None)
    assert position.home.rate == pytest.approx(1000.0)  # 10 in 1,000 = 1,000 per 100,000
    assert position.basis_words == "per 100,000 population"


def test_the_sample_msf_rate_uses_the_kpis_base():
    from datetime import date

    from pcp_tui.config import bundled_config_path, load_config
    from pcp_tui.dataset import load_observations
    from pcp_tui.rules.assess import build_timeline

    config = load_config(bundled_config_path())
    observations = load_observations([config.data_folder], config, today=date(2021, 11, 26))
    status = build_timeline(config, observations).at(Quarter(2021, 2)).status("homicides")
    home = next(e for e in status.msf.entries if e.force == "west-midlands")
    population = config.settings.forces["west-midlands"].population_for(Quarter(2021, 2))
    assert home.basis == pytest.approx(home.value / population * 100000)
    # four forces are not a national picture
    assert status.national is None


def test_forces_with_the_same_rate_share_a_rank():
    # a, b and c have 10 per 1,000; d 20; e and f 5: lower is better
    figures = [(f, c, 1000.0) for f, c in
               (("a", 10), ("b", 10), ("c", 10), ("d", 20), ("e", 5), ("f", 5))]
    figures += [(f"x{i}", 12, 1000.0) for i in range(MIN_FORCES)]
    ranks = {r.force: r.rank for r in national_position(
        "a", figures, rate_per=1000, better=-1, window=Q, window_label="",
        source=None).forces}
    assert (ranks["e"], ranks["f"], ranks["a"], ranks["b"], ranks["c"]) == (1, 1, 3, 3, 3)
    assert ranks["x0"] == 6 and ranks["d"] == 6 + MIN_FORCES
