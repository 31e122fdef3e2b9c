"""The national picture: the home force among every force with a figure for the same window.

A count KPI's figure for the home force's window (the same window and the same source as its
comparison, as for the most similar forces) is set beside every force of the config's national
list with a figure for that window: each force's rate per `rate_per` of its population, the
national rate (all the forces' events over all their populations), the home force's rank
(only for a KPI with a `better` direction) and its place in a funnel plot.

The funnel (Spiegelhalter, "Funnel plots for comparing institutional performance", *Statistics
in Medicine* 24, 2005) asks whether a force's rate differs from the national rate by more than
chance, given its population. Under the national rate θ (events per person), a force of
population n has Poisson events, so its rate y has standard error s = √(θ / n). Forces differ
far more than Poisson variation allows (recorded crime varies with the area, not only by
chance), so the limits are widened by the **additive random-effects** adjustment of the paper
(§6.2), rather than its multiplicative φ: the standardised Pearson residuals zᵢ = (yᵢ − θ) / sᵢ
are winsorised (the 10 % most extreme at each end are set to the value at that point), φ = Σ
zᵢ² / I over the I forces, and when I φ > I − 1 the between-force variance is

    τ² = (I φ − (I − 1)) / (Σ wᵢ − Σ wᵢ² / Σ wᵢ),   wᵢ = 1 / sᵢ²,

else τ² = 0. The limits at population n are θ ± z √(θ / n + τ²) (z = 1.96 for 95 %, 3.09 for
99.8 %; never below 0). Additive rather than multiplicative because the forces' spread does not
shrink with their size: a multiplicative φ would keep the funnel's Poisson shape and flag the
largest forces for differences that the smaller ones show all the time. The normal
approximation to the Poisson is used throughout (it is poor for a handful of events; the
limits then say little, and the views show the counts beside them).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pcp_tui.periods import Quarter

Z_95 = 1.959963984540054
Z_998 = 3.090232306167813
WINSOR_FRACTION = 0.10
# a "national" figure from a handful of forces is not one: below this many forces with a
# figure for the window there is no national position
MIN_FORCES = 10


@dataclass(frozen=True)
class ForceRate:
    force: str
    count: float
    population: float
    rate: float  # per `rate_per` of the population
    z: float  # standardised Pearson residual against the national rate (not winsorised)
    rank: int | None  # 1 is the best; None without a `better` direction


@dataclass(frozen=True)
class Funnel:
    """The national rate and the spread between forces; rates per `rate_per`."""

    target: float  # the national rate
    rate_per: int
    phi: float  # the winsorised mean square of the residuals (1 under pure Poisson)
    tau2: float  # between-force variance, per person squared (0: no adjustment)
    n_forces: int

    @property
    def overdispersed(self) -> bool:
        return self.tau2 > 0

    @property
    def tau(self) -> float:
        """The between-force standard deviation, per `rate_per`."""
        return math.sqrt(self.tau2) * self.rate_per

    def limits(self, population: float, z: float) -> tuple[float, float]:
        """The (lower, upper) funnel limits at `population`, per `rate_per`."""
        theta = self.target / self.rate_per
        half = z * math.sqrt(theta / population + self.tau2)
        return max(0.0, theta - half) * self.rate_per, (theta + half) * self.rate_per


@dataclass(frozen=True)
class NationalPosition:
    force: str  # the home force
    window: Quarter
    window_label: str  # "the 12 months to 2019/20 Q3"
    source: str | None  # quarters | published, as the home force's figure
    rate_per: int
    forces: tuple[ForceRate, ...]  # every force with a figure, by rate
    without: tuple[str, ...]  # forces of the national list with no figure for the window
    home: ForceRate
    funnel: Funnel
    band: str  # "inside", "95" (beyond the 95 % limit only) or "99.8"
    side: int  # +1 above the national rate, −1 below, 0 on it

    @property
    def n(self) -> int:
        return len(self.forces)

    @property
    def basis_words(self) -> str:
        return f"per {self.rate_per:,} population"


def winsorise(values: Sequence[float], fraction: float = WINSOR_FRACTION) -> list[float]:
    """`values` with the ⌊fraction × I⌋ smallest raised to the next one and the as many largest
    lowered to the one before them (with 43 forces, the 4 at each end)."""
    k = int(math.floor(fraction * len(values)))
    if k == 0:
        return list(values)
    ordered = sorted(values)
    low, high = ordered[k], ordered[-k - 1]
    return [min(max(v, low), high) for v in values]


def funnel(counts: Sequence[float], populations: Sequence[float], rate_per: int) -> Funnel:
    """The national rate and the additive overdispersion of forces' `counts` over their
    `populations` (each population > 0, the total count > 0)."""
    theta = sum(counts) / sum(populations)
    weights = [n / theta for n in populations]  # 1 / s², s² = θ / n
    z = [(c / n - theta) * math.sqrt(w) for c, n, w in zip(counts, populations, weights)]
    size = len(z)
    phi = sum(v * v for v in winsorise(z)) / size
    tau2 = 0.0
    if size * phi > size - 1:
        total = sum(weights)
        tau2 = (size * phi - (size - 1)) / (total - sum(w * w for w in weights) / total)
    return Funnel(theta * rate_per, rate_per, phi, tau2, size)


def judge(fun: Funnel, rate: float, population: float) -> tuple[str, int]:
    """Where a rate falls in the funnel at its population: ("inside" | "95" | "99.8", side)."""
    side = (rate > fun.target) - (rate < fun.target)
    lo99, hi99 = fun.limits(population, Z_998)
    if rate < lo99 or rate > hi99:
        return "99.8", side
    lo95, hi95 = fun.limits(population, Z_95)
    if rate < lo95 or rate > hi95:
        return "95", side
    return "inside", side


def national_position(
    home: str, figures: Sequence[tuple[str, float | None, float | None]], *, rate_per: int,
    better: int, window: Quarter, window_label: str, source: str | None,
) -> NationalPosition | None:
    """The home force among `figures` (force, count for the window, population): None when the
    home force has no figure or fewer than MIN_FORCES forces have one. `better` is +1 when
    higher is better, −1 when lower is, 0 for no direction (then no rank)."""
    have = [(f, c, p) for f, c, p in figures if c is not None and p is not None and p > 0]
    without = tuple(f for f, c, p in figures if c is None or p is None or p <= 0)
    if len(have) < MIN_FORCES or home not in {f for f, _, _ in have}:
        return None
    if sum(c for _, c, _ in have) <= 0:
        return None
    fun = funnel([c for _, c, _ in have], [p for _, _, p in have], rate_per)
    theta = fun.target / rate_per
    rates = [(f, c, p, c / p * rate_per, (c / p - theta) / math.sqrt(theta / p))
             for f, c, p in have]
    # rank: one more than the forces strictly better (ties share a rank)
    ordered = sorted(-better * rate for _, _, _, rate, _ in rates)
    rows = [
        ForceRate(f, c, p, rate, z, 1 + bisect_left(ordered, -better * rate) if better else None)
        for f, c, p, rate, z in sorted(rates, key=lambda r: r[3])
    ]
    mine = next(r for r in rows if r.force == home)
    band, side = judge(fun, mine.rate, mine.population)
    return NationalPosition(home, window, window_label, source, rate_per, tuple(rows), without,
                            mine, fun, band, side)


def judgement_words(position: NationalPosition, better: int) -> str:
    """`above the 99.8 % limit for its population (worse): more than chance`, …"""
    if position.band == "inside":
        return ("within the 95 % limits for its population: no different from the national "
                "rate beyond chance and the usual spread between forces")
    where = "above" if position.side > 0 else "below"
    limit = "99.8 % limit" if position.band == "99.8" else "95 % limit (inside the 99.8 %)"
    judged = ("" if not better else
              " (better)" if position.side * better > 0 else " (worse)")
    strength = ("far more than chance" if position.band == "99.8"
                else "more than chance would often give")
    return f"{where} the {limit} for its population{judged}: {strength}"
