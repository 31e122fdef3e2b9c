"""The tests behind a trajectory's judgement, with numbers worked by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from pcp_tui.rules.significance import (
    Comparison,
    compare_counts,
    compare_proportions,
    compare_rates,
    count_z_expr,
    critical_z,
    overdispersion,
    overdispersion_expr,
    p_text,
    proportion_z_expr,
    rate_z_expr,
)


def test_homicides_56_against_55_is_no_significant_change():
    # z = (56 − 55) / √111 = 0.0949; two-sided p = 0.924
    result = compare_counts(56, 55)
    assert result.z == pytest.approx(0.094916, abs=1e-6)
    assert result.p == pytest.approx(0.92438, abs=1e-4)
    assert not result.significant(0.95)
    assert p_text(result.p) == "p = 0.9"


def test_a_poisson_comparison_worked_by_hand():
    # 130 against 100: z = 30 / √230 = 1.97814, p = 0.04791: significant at 95 %, not at 99 %
    result = compare_counts(130, 100)
    assert result.method == "poisson"
    assert result.z == pytest.approx(1.97814, abs=1e-5)
    assert result.p == pytest.approx(0.04791, abs=1e-4)
    assert result.significant(0.95) and not result.significant(0.99)


def test_overdispersion_widens_the_test():
    # the same counts with φ = 2: z = 30 / √460 = 1.39876, p = 0.1619: no longer significant
    result = compare_counts(130, 100, phi=2.0)
    assert result.method == "quasi-poisson"
    assert result.z == pytest.approx(1.39876, abs=1e-5)
    assert result.p == pytest.approx(0.1619, abs=1e-3)
    assert not result.significant(0.95)


def test_overdispersion_from_successive_differences():
    # 100, 140, 100, 140: mean 120, three squared differences of 1,600: φ = 4,800 / (2·3·120)
    assert overdispersion([100, 140, 100, 140]) == pytest.approx(6.6667, abs=1e-4)
    # steadier than Poisson is taken as Poisson
    assert overdispersion([10, 14, 10, 14]) == 1.0
    assert overdispersion([10, 14, 10]) == 1.0  # too few quarters
    assert overdispersion([0, 0, 0, 0]) == 1.0


def test_small_counts_use_the_exact_binomial_test():
    # 8 against 2: P(X ≤ 2 or X ≥ 8 | n = 10, p = ½) = 2 · (1 + 10 + 45) / 1024 = 0.109375
    result = compare_counts(8, 2)
    assert result.method == "exact-binomial"
    assert result.p == pytest.approx(0.109375, abs=1e-12)
    assert not result.significant(0.95)
    assert compare_counts(0, 0).p == 1.0


def test_a_proportion_with_different_counts_worked_by_hand():
    # 39/1000 against 44/1000: pooled 0.0415, se = √(0.0415 · 0.9585 · 0.002) = 0.0089194
    result = compare_proportions(39, 1000, 44, 1000)
    assert result.z == pytest.approx(-0.56058, abs=1e-4)
    assert not result.significant(0.95)


def test_a_rate_with_different_denominators_worked_by_hand():
    # 50 per 1,000 against 30 per 2,000: given 80 events, the first window's share is 1/3;
    # z = (50 − 26.667) / √(80 · 1/3 · 2/3) = 5.5340
    result = compare_rates(50, 1000, 30, 2000)
    assert result.z == pytest.approx(5.5340, abs=1e-3)
    assert result.significant(0.999)


def test_exactly_on_the_significance_boundary():
    edge = critical_z(0.95)
    assert edge == pytest.approx(1.959964, abs=1e-6)
    assert Comparison(edge, two_sided_p(edge), "poisson").significant(0.95)
    below = math.nextafter(edge, 0)
    assert not Comparison(below, two_sided_p(below), "poisson").significant(0.95)
    assert two_sided_p(edge) == pytest.approx(0.05, abs=1e-12)


def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def test_p_text():
    assert [p_text(p) for p in (0.924, 0.047, 0.0004, 0.1)] == [
        "p = 0.9", "p = 0.047", "p < 0.001", "p = 0.1"]


def test_the_expressions_agree_with_the_functions():
    frame = pl.DataFrame({
        "sid": [1] * 6 + [2] * 5, "q": list(range(6)) + list(range(5)),
        "x": [100.0, 140, 100, 140, 120, 130, 5, 9, 4, 8, 6],
    })
    phis = frame.with_columns(overdispersion_expr("x", ["sid"], "q").alias("phi"))
    for sid in (1, 2):
        values = frame.filter(pl.col("sid") == sid).get_column("x").to_list()
        got = phis.filter(pl.col("sid") == sid).get_column("phi").to_list()
        assert got == pytest.approx([overdispersion(values[: i + 1])
                                     for i in range(len(values))])
    z = pl.DataFrame({"c": [130.0], "b": [100.0], "phi": [2.0]}).select(
        count_z_expr(pl.col("c"), pl.col("b"), pl.col("phi"))).item()
    assert z == pytest.approx(compare_counts(130, 100, 2.0).z)
    n = pl.DataFrame({"n1": [39.0], "d1": [1000.0], "n2": [44.0], "d2": [1000.0]})
    cols = [pl.col(c) for c in ("n1", "d1", "n2", "d2")]
    assert n.select(proportion_z_expr(*cols)).item() == pytest.approx(
        compare_proportions(39, 1000, 44, 1000).z)
    assert n.select(rate_z_expr(*cols)).item() == pytest.approx(
        compare_rates(39, 1000, 44, 1000).z)
