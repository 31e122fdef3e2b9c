"""Is a change on the baseline more than chance? The tests behind a trajectory's judgement.

- **Counts** (a flow: crimes, incidents) over two windows of equal length are compared as
  Poisson counts over equal exposure, with the variance scaled by an overdispersion factor φ
  estimated from the series' own quarter-to-quarter variation (the quasi-Poisson approach;
  recorded crime varies more than a Poisson process would). The score statistic is
  z = (C − B) / √(φ (C + B)); under no change, given C + B, C is binomial with p = ½ (the
  conditional test of two Poisson means, Przyborowski and Wilenski 1940), whose normal
  approximation this is. For fewer than 20 events in all, and no overdispersion, the exact
  conditional binomial test is used instead.
- **φ** is estimated from successive differences, which a slow trend or a level shift hardly
  affects: φ = Σ(xₜ − xₜ₋₁)² / (2 (n − 1) x̄) over the quarterly counts, never below 1 (a series
  is not treated as steadier than Poisson) and taken as 1 with fewer than 4 quarters.
- **Proportions** (a rate in percent from numerators and denominators) are compared with the
  pooled two-proportion z-test; other **rates** (per population, per case) as Poisson rates:
  given N = n₁ + n₂ events, n₁ is binomial with p = d₁ / (d₁ + d₂).

A change is significant when |z| is at least the two-sided critical value of the level set in
the config (`[settings.significance] level`, default 0.95: z ≥ 1.96). p-values are two-sided.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import polars as pl

EXACT_BELOW = 20  # events in both windows: below this (and φ = 1) the exact binomial test
MIN_QUARTERS_FOR_PHI = 4


@dataclass(frozen=True, slots=True)
class Comparison:
    """The test of a comparison figure against its baseline."""

    z: float
    p: float
    method: str  # poisson | quasi-poisson | exact-binomial | two-proportion | poisson-rate

    def significant(self, level: float) -> bool:
        return self.p < 1 - level if self.method == "exact-binomial" else (
            abs(self.z) >= critical_z(level))


def critical_z(level: float) -> float:
    """The two-sided critical value: 1.959964… for a level of 0.95."""
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def overdispersion(values: Sequence[float]) -> float:
    """φ from successive differences of quarterly counts; 1 for too few or a zero mean."""
    points = [v for v in values if v is not None and math.isfinite(v)]
    if len(points) < MIN_QUARTERS_FOR_PHI:
        return 1.0
    mean = sum(points) / len(points)
    if mean <= 0:
        return 1.0
    squares = sum((b - a) ** 2 for a, b in zip(points, points[1:]))
    return max(1.0, squares / (2 * (len(points) - 1) * mean))


def _binomial_two_sided(k: int, n: int) -> float:
    """Exact two-sided p of k successes in n trials at p = ½: the outcomes no likelier than k."""
    probs = [math.comb(n, i) / 2**n for i in range(n + 1)]
    observed = probs[k]
    return min(1.0, sum(p for p in probs if p <= observed * (1 + 1e-9)))


def compare_counts(comparison: float, baseline: float, phi: float = 1.0) -> Comparison:
    """Two counts over windows of equal length."""
    total = comparison + baseline
    if total <= 0:
        return Comparison(0.0, 1.0, "poisson")
    z = (comparison - baseline) / math.sqrt(phi * total)
    if phi <= 1.0 and total < EXACT_BELOW and float(comparison).is_integer() and float(
            baseline).is_integer():
        return Comparison(z, _binomial_two_sided(int(comparison), int(total)), "exact-binomial")
    return Comparison(z, two_sided_p(z), "poisson" if phi <= 1.0 else "quasi-poisson")


def compare_proportions(n1: float, d1: float, n2: float, d2: float) -> Comparison:
    """n1/d1 (the comparison) against n2/d2 (the baseline), pooled two-proportion z-test."""
    if d1 <= 0 or d2 <= 0:
        return Comparison(0.0, 1.0, "two-proportion")
    pooled = (n1 + n2) / (d1 + d2)
    variance = pooled * (1 - pooled) * (1 / d1 + 1 / d2)
    if variance <= 0:
        return Comparison(0.0, 1.0, "two-proportion")
    z = (n1 / d1 - n2 / d2) / math.sqrt(variance)
    return Comparison(z, two_sided_p(z), "two-proportion")


def compare_rates(n1: float, d1: float, n2: float, d2: float) -> Comparison:
    """Two Poisson rates n1/d1 against n2/d2: n1 given n1 + n2 is binomial, p = d1/(d1+d2)."""
    total = n1 + n2
    if d1 <= 0 or d2 <= 0 or total <= 0:
        return Comparison(0.0, 1.0, "poisson-rate")
    share = d1 / (d1 + d2)
    z = (n1 - total * share) / math.sqrt(total * share * (1 - share))
    return Comparison(z, two_sided_p(z), "poisson-rate")


# The same tests as Polars expressions, for the assessment of every series at once -------------


def overdispersion_expr(value: str, over: Sequence[str], order: str) -> pl.Expr:
    """φ of each series up to each row (cumulative over `order` within `over`)."""
    x = pl.col(value)
    diff2 = (x - x.shift(1).over(over, order_by=order)) ** 2
    n = x.is_not_null().cast(pl.Int64).cum_sum().over(over, order_by=order)
    total = x.fill_null(0).cum_sum().over(over, order_by=order)
    squares = diff2.fill_null(0).cum_sum().over(over, order_by=order)
    mean = total / n
    phi = squares / (2 * (n - 1) * mean)
    return (pl.when((n >= MIN_QUARTERS_FOR_PHI) & (mean > 0))
            .then(pl.max_horizontal(phi, pl.lit(1.0))).otherwise(pl.lit(1.0)))


def count_z_expr(comparison: pl.Expr, baseline: pl.Expr, phi: pl.Expr) -> pl.Expr:
    total = comparison + baseline
    return pl.when(total > 0).then((comparison - baseline) / (phi * total).sqrt()).otherwise(0.0)


def proportion_z_expr(n1: pl.Expr, d1: pl.Expr, n2: pl.Expr, d2: pl.Expr) -> pl.Expr:
    pooled = (n1 + n2) / (d1 + d2)
    variance = pooled * (1 - pooled) * (1 / d1 + 1 / d2)
    return (pl.when((d1 > 0) & (d2 > 0) & (variance > 0))
            .then((n1 / d1 - n2 / d2) / variance.sqrt()).otherwise(0.0))


def rate_z_expr(n1: pl.Expr, d1: pl.Expr, n2: pl.Expr, d2: pl.Expr) -> pl.Expr:
    total = n1 + n2
    share = d1 / (d1 + d2)
    return (pl.when((d1 > 0) & (d2 > 0) & (total > 0))
            .then((n1 - total * share) / (total * share * (1 - share)).sqrt()).otherwise(0.0))


def p_text(p: float) -> str:
    """`p = 0.9`, `p = 0.04`, `p < 0.001`: two significant figures at most."""
    if p < 0.001:
        return "p < 0.001"
    if p >= 0.1:
        return f"p = {p:.1f}"
    return f"p = {p:.2g}"
