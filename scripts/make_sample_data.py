"""Write the bundled sample returns in data/: ILLUSTRATIVE, NOT OFFICIAL DATA.

    python scripts/make_sample_data.py            # rewrites data/ from a fixed random seed

Quarterly returns 2017/18 Q1 to 2021/22 Q2 for West Midlands Police and, for the KPIs compared
with most similar forces, Greater Manchester, Merseyside and West Yorkshire. The series are made
up, with believable levels, seasonality (darker nights for acquisitive crime, the summer night-time
economy for violence), the 2020/21 lockdown dip and the recovery after it. They are pinned to
published figures where those exist:

- the ONS "Crime in England and Wales: Police Force Area data tables" (Tables P1 and P4; Crown
  copyright, Open Government Licence v3.0): West Midlands' recorded crime in the 12 months ending
  June 2019, and each most similar force's in the 12 months ending every quarter from March 2018
  to December 2019 (eight editions; Greater Manchester's figures for September and December 2019
  are suppressed in the tables and are not pinned), and every force's anti-social behaviour
  incidents in 2017/18 and 2018/19. A comparator's whole history sits at its own level: the
  quarters those windows cover are solved so that every window adds up to the published figure,
  close to a seasonal shape, and the later quarters carry on from the last published level;
- the West Midlands PCC's performance paper to the Strategic Policing and Crime Board
  (26 October 2021) for the figures it quotes: 28,675 burglaries (21,542 residential and 7,133
  business, as the ONS tables split them) in the 12 months ending June 2019 and 18,161 in the
  12 months ending March 2021; 8,945 robberies (personal and business) and then 6,495; 55
  homicides in the 12 months ending June 2019 (the force's own count; the ONS table says 53) and
  43 in 2020/21; 162 firearm discharges in the baseline and 157 in the year ending March 2021;
  41 viable firearms recovered in 2021/22 Q2 and 74 in the half year; county lines disruptions
  averaging 24.5 a month in 2020/21 and 22.5 a month in 2021/22 so far.

Every other figure is invented. Do not quote it.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pcp_tui.config import load_config  # noqa: E402
from pcp_tui.periods import Quarter, financial_year, rolling_12_months  # noqa: E402

SEED = 20211026
FIRST = Quarter(2017, 1)
LAST = Quarter(2021, 2)
QUARTERS = [Quarter.from_ordinal(o) for o in range(FIRST.ordinal, LAST.ordinal + 1)]
HOME = "west-midlands"
COMPARATORS = ("greater-manchester", "merseyside", "west-yorkshire")
NOTE = "ILLUSTRATIVE SAMPLE DATA, NOT OFFICIAL STATISTICS (see data/README.md)"

YE_JUNE_2019 = rolling_12_months(Quarter(2019, 1))  # 2018/19 Q2 to 2019/20 Q1
YE_MARCH_2021 = financial_year(2020)

# ONS PFA tables, year ending June 2019: offences in the 12 months (Table P1; knife: Table P4).
ONS_YE_JUNE_2019 = {
    "west-midlands": {
        "residential-burglary": 21542, "business-burglary": 7133, "robbery": 8945,
        "homicides": 53, "violence-with-injury": 32340, "theft-from-person": 3239,
        "shoplifting": 17961, "knife-crime": 3560, "drug-offences": 5000,
    },
    "greater-manchester": {
        "residential-burglary": 21172, "business-burglary": 7920, "robbery": 7416,
        "homicides": 61, "violence-with-injury": 28355, "theft-from-person": 7504,
        "shoplifting": 17493, "knife-crime": 3437, "drug-offences": 6080,
    },
    "merseyside": {
        "residential-burglary": 7330, "business-burglary": 2512, "robbery": 1403,
        "homicides": 21, "violence-with-injury": 14569, "theft-from-person": 2331,
        "shoplifting": 8159, "knife-crime": 1420, "drug-offences": 9081,
    },
    "west-yorkshire": {
        "residential-burglary": 18477, "business-burglary": 6665, "robbery": 3919,
        "homicides": 34, "violence-with-injury": 28527, "theft-from-person": 4191,
        "shoplifting": 17799, "knife-crime": 2613, "drug-offences": 6876,
    },
}
# ONS PFA tables, the most similar forces' offences in the 12 months ending each quarter from
# 2017/18 Q4 (year ending March 2018) to 2019/20 Q3 (year ending December 2019), one edition
# each: Table P1 (police recorded crime by offence group, numbers; "Robbery" is personal and
# business property together) and Table P4 (knife or sharp instrument offences, "Total of
# selected serious offences"). None: suppressed in the source (`..`: Greater Manchester after its
# July 2019 IT change). Read from the eight published workbooks (Crown copyright, OGL v3.0).
ONS_ENDS = tuple(Quarter.from_ordinal(o) for o in range(Quarter(2017, 4).ordinal,
                                                         Quarter(2019, 3).ordinal + 1))
ONS_12_MONTHS: dict[str, dict[str, tuple[int | None, ...]]] = {
    "greater-manchester": {
        "residential-burglary": (23464, 22896, 22001, 21879, 21774, 21172, None, None),
        "business-burglary": (8506, 8364, 8185, 8277, 8287, 7920, None, None),
        "robbery": (6939, 7270, 7497, 7642, 7607, 7416, None, None),
        "homicides": (88, 75, 82, 78, 66, 61, None, None),
        "violence-with-injury": (28017, 28531, 28664, 28581, 28829, 28355, None, None),
        "theft-from-person": (6648, 6818, 7083, 7351, 7367, 7504, None, None),
        "shoplifting": (17400, 17284, 17363, 17352, 17582, 17493, None, None),
        "knife-crime": (1953, 2552, 3139, 3614, 3620, 3437, None, None),
    },
    "merseyside": {
        "residential-burglary": (10187, 9798, 9343, 8490, 7703, 7330, 6937, 6731),
        "business-burglary": (2618, 2517, 2525, 2593, 2514, 2512, 2544, 2443),
        "robbery": (1422, 1446, 1414, 1462, 1475, 1403, 1397, 1357),
        "homicides": (28, 23, 22, 21, 21, 21, 24, 23),
        "violence-with-injury": (13645, 13875, 14123, 14398, 14696, 14569, 14645, 14962),
        "theft-from-person": (1667, 1778, 1912, 2146, 2285, 2331, 2428, 2410),
        "shoplifting": (8967, 8817, 8673, 8645, 8515, 8159, 8075, 7966),
        "knife-crime": (945, 1016, 1181, 1231, 1404, 1420, 1437, 1504),
    },
    "west-yorkshire": {
        "residential-burglary": (19847, 19972, 19453, 19145, 19100, 18477, 17899, 16977),
        "business-burglary": (7369, 7264, 7054, 7092, 6662, 6665, 6602, 6108),
        "robbery": (3138, 3244, 3576, 3830, 3927, 3919, 3802, 3577),
        "homicides": (28, 34, 30, 39, 39, 34, 39, 33),
        "violence-with-injury": (26526, 27682, 28624, 29214, 29274, 28527, 27933, 27449),
        "theft-from-person": (4158, 4160, 4168, 4145, 4190, 4191, 4241, 4038),
        "shoplifting": (18556, 18916, 18973, 18714, 18484, 17799, 18160, 18294),
        "knife-crime": (2469, 2591, 2717, 2715, 2674, 2613, 2488, 2475),
    },
}
# ONS PFA tables, editions ending March 2018 and March 2019, Table P7: anti-social behaviour
# incidents in the financial years 2017/18 and 2018/19.
ONS_ASB_YEARS: dict[str, dict[Quarter, int]] = {
    "west-midlands": {Quarter(2017, 4): 56152, Quarter(2018, 4): 44804},
    "greater-manchester": {Quarter(2017, 4): 79300, Quarter(2018, 4): 69088},
    "merseyside": {Quarter(2017, 4): 45662, Quarter(2018, 4): 32359},
    "west-yorkshire": {Quarter(2017, 4): 59015, Quarter(2018, 4): 50397},
}


def published_windows(force: str, kpi: str) -> dict[Quarter, int]:
    """The published 12-month totals a comparator's series is pinned to, by the quarter each
    window ends with (robbery: personal and business together)."""
    if kpi == "asb-incidents":
        return dict(ONS_ASB_YEARS[force])
    figures = ONS_12_MONTHS[force][kpi]
    return {end: total for end, total in zip(ONS_ENDS, figures) if total is not None}


# Share of ONS "Robbery" that is robbery of personal property (invented for the sample).
PERSONAL_ROBBERY_SHARE = {"west-midlands": 0.9, "greater-manchester": 0.88,
                          "merseyside": 0.86, "west-yorkshire": 0.87}
POPULATION = {"west-midlands": 2916500, "greater-manchester": 2812600,
              "merseyside": 1423100, "west-yorkshire": 2320200}

# Seasonal profiles by financial quarter (Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar).
SEASONS = {
    "flat": (1.0, 1.0, 1.0, 1.0),
    "dark": (0.92, 0.93, 1.10, 1.05),  # acquisitive crime: darker nights
    "summer": (1.05, 1.08, 0.97, 0.90),  # violence: summer night-time economy
    "mild": (1.02, 1.03, 0.99, 0.96),
}
# Lockdown effect by quarter of 2020/21 (and its echo into 2021/22 Q1).
LOCKDOWN = {
    Quarter(2019, 4): 0.93, Quarter(2020, 1): 0.62, Quarter(2020, 2): 0.82,
    Quarter(2020, 3): 0.80, Quarter(2020, 4): 0.70, Quarter(2021, 1): 0.84,
    Quarter(2021, 2): 0.88,
}


@dataclass(frozen=True)
class Spec:
    """How one KPI's sample series behaves."""

    level: float  # WMP quarterly level around 2019/20 (or a rate in %, or a ratio)
    season: str = "flat"
    covid: float = 0.0  # 1.0: the full lockdown dip; negative: a lockdown rise
    trend: float = 0.0  # growth per quarter, as a fraction
    noise: float = 0.04  # relative noise per quarter
    denominator: float = 0.0  # for rates: the quarterly denominator
    decimals: int = 0
    ci: float = 0.0  # survey estimates: half-width of the 95% interval
    first: Quarter = FIRST
    last: Quarter = LAST


SPECS: dict[str, Spec] = {
    # Rebuilding community policing
    "officer-leavers": Spec(95, noise=0.12),
    "impact-area-officer-hours": Spec(41000, covid=-0.2, trend=0.01, noise=0.03),
    "special-constables": Spec(520, trend=-0.01, noise=0.02),
    "wmnow-signups": Spec(62000, trend=0.03, noise=0.01),
    "impact-area-harm": Spec(1850, season="dark", covid=0.6, trend=-0.005, decimals=1),
    "csew-asb-perception": Spec(9.8, noise=0.05, decimals=1, ci=2.1, last=Quarter(2019, 4)),
    "asb-incidents": Spec(21000, season="summer", covid=-1.2, noise=0.05),
    # VAWG
    "da-outstanding-suspects": Spec(2300, trend=0.025, noise=0.03),
    "da-repeat-rate": Spec(31.0, denominator=11000, noise=0.02, decimals=1),
    "rape-investigation-days": Spec(310, trend=0.02, noise=0.03, decimals=1),
    "da-released-under-investigation": Spec(38.0, denominator=2600, trend=-0.01, noise=0.03),
    "civil-protection-orders": Spec(140, trend=0.02, noise=0.1),
    "cpo-breach-arrest-rate": Spec(64.0, denominator=420, trend=-0.012, noise=0.03),
    "da-offenders-iom": Spec(160, trend=0.03, noise=0.04, first=Quarter(2018, 1)),
    "modern-slavery-nrm": Spec(150, trend=0.03, noise=0.1),
    # Bringing offenders to justice
    "outcome-15-16-discontinued": Spec(21000, covid=0.3, trend=0.01, noise=0.03),
    "da-positive-outcome-rate": Spec(7.4, denominator=11500, trend=-0.008, noise=0.04),
    "rape-positive-outcome-rate": Spec(4.6, denominator=980, trend=-0.012, noise=0.08),
    "stalking-harassment-positive-outcome-rate": Spec(7.1, denominator=5400, noise=0.05),
    # Illicit drugs
    "drug-trafficking": Spec(310, covid=-0.6, trend=0.015, noise=0.05),
    "nrm-county-lines": Spec(38, trend=0.03, noise=0.12),
    "drug-related-deaths": Spec(33, trend=0.01, noise=0.12),
    "drug-treatment-referrals": Spec(640, trend=0.015, noise=0.05),
    "diversion-disproportionality": Spec(1.6, noise=0.05, decimals=2),
    "drug-oocd-divert": Spec(120, trend=0.05, noise=0.08, first=Quarter(2018, 2)),
    # Acquisitive crime
    "residential-burglary": Spec(5385, season="dark", covid=0.9, trend=-0.01),
    "robbery-personal": Spec(2012, season="dark", covid=1.2, trend=0.005),
    "theft-from-person": Spec(810, season="dark", covid=1.6),
    "theft-of-vehicle": Spec(2200, season="dark", covid=0.6, trend=-0.01),
    # Cybercrime and fraud
    "action-fraud-victims": Spec(3900, covid=-0.8, trend=0.035, noise=0.04),
    "action-fraud-disseminated-outcomes": Spec(58.0, denominator=900, noise=0.05),
    "cifas-intelligence": Spec(2600, trend=0.02, noise=0.06),
    # Business crime
    "business-burglary": Spec(1783, season="dark", covid=0.9, trend=-0.01),
    "business-robbery": Spec(224, season="dark", covid=1.2, trend=0.005),
    "bilking": Spec(900, season="summer", covid=1.0, noise=0.06),
    "shoplifting": Spec(4490, season="mild", covid=1.2, trend=-0.005),
    "retail-worker-assaults": Spec(190, noise=0.06),
    "sac-outstanding-suspects": Spec(1400, trend=0.01, noise=0.03),
    # Represents the best
    "workforce-disproportionality": Spec(0.62, trend=0.01, noise=0.01, decimals=2),
    "recruitment-disproportionality": Spec(0.78, trend=0.01, noise=0.03, decimals=2),
    "retention-disproportionality": Spec(1.08, noise=0.03, decimals=2),
    "progression-disproportionality": Spec(0.71, trend=0.005, noise=0.04, decimals=2),
    # Confidence and satisfaction
    "victim-satisfaction-survey": Spec(72.0, denominator=1500, trend=-0.002, noise=0.02),
    "csew-confidence": Spec(55.0, noise=0.03, decimals=1, ci=3.4, last=Quarter(2019, 4)),
    # PSED
    "police-cadets": Spec(560, trend=0.012, noise=0.02),
    "cadet-volunteers": Spec(95, trend=0.0, noise=0.05),
    # Police powers
    "stop-search-positive-outcome-rate": Spec(36.0, denominator=3900, trend=0.004, noise=0.03),
    "stop-search-weapon-object": Spec(22.0, denominator=3300, trend=0.01, noise=0.05),
    "weapons-found": Spec(260, covid=-0.3, trend=0.01, noise=0.07),
    "section-60-searches": Spec(150, noise=0.3),
    "body-worn-video-use": Spec(84.0, denominator=4500, trend=0.004, noise=0.01),
    "stop-search-uof-disproportionality": Spec(3.1, trend=-0.005, noise=0.04, decimals=2),
    "uof-death-serious-injury": Spec(4, noise=0.4),
    # Complaints
    "complaint-days-to-finalise": Spec(118, trend=0.01, noise=0.04, decimals=1),
    "reflective-practice": Spec(40, trend=0.08, noise=0.1, first=Quarter(2020, 1)),
    "complaint-recovery-satisfaction": Spec(61.0, denominator=220, noise=0.05),
    # Access
    "calls-within-charter": Spec(82.0, denominator=420000, trend=-0.004, noise=0.02),
    "attendance-within-charter": Spec(88.0, denominator=62000, noise=0.015),
    # Workforce
    "workforce-attendance": Spec(95.6, denominator=1000000, noise=0.003),
    "occupational-health-wait": Spec(17, trend=0.01, noise=0.08, decimals=1),
    "staff-survey-engagement": Spec(54.0, denominator=11500, trend=0.005, noise=0.02),
    "assaults-on-officers": Spec(320, noise=0.05),
    # Greener
    "renewable-energy-share": Spec(34.0, denominator=21000, trend=0.02, noise=0.02),
    "estate-co2-per-m2": Spec(9.2, season="dark", trend=-0.01, noise=0.03, decimals=2),
    "fleet-co2-per-km": Spec(171, trend=-0.004, noise=0.01, decimals=1),
    # Criminal justice
    "oocd-use": Spec(1450, covid=0.4, trend=0.01, noise=0.05),
    "oocd-offence-demographics": Spec(520, noise=0.06),
    "cjs-disproportionality-arrests": Spec(2.2, noise=0.03, decimals=2),
    "cjs-disproportionality-police-outcomes": Spec(1.3, noise=0.04, decimals=2),
    "cjs-disproportionality-prosecution-outcomes": Spec(1.2, noise=0.04, decimals=2),
    "cjs-disproportionality-remand": Spec(1.7, noise=0.05, decimals=2),
    "cjs-disproportionality-reoffending": Spec(1.1, noise=0.04, decimals=2),
    # Victims
    "victims-supported": Spec(9800, trend=0.01, noise=0.04),
    "victim-offender-profile": Spec(4300, noise=0.05),
    "repeat-victimisation": Spec(27.0, denominator=48000, noise=0.02),
    # Reducing violence
    "knife-crime": Spec(890, season="summer", covid=0.5, trend=0.004),
    "serious-youth-violence": Spec(1150, season="summer", covid=0.6, noise=0.05),
    "u25-sharp-object-admissions": Spec(56, season="summer", covid=0.5, noise=0.12),
    # Public transport
    "transport-safety-perception": Spec(71.0, noise=0.02, decimals=1, ci=2.6),
    "transport-crime-asb": Spec(1900, season="summer", covid=1.2, noise=0.05),
    "transport-vulnerability-offences": Spec(210, season="summer", covid=1.0, trend=0.02),
    # Roads
    "speeding-offences": Spec(23000, covid=-0.3, noise=0.06),
    "drug-driving": Spec(310, trend=0.04, noise=0.08),
    "drink-driving": Spec(420, season="dark", noise=0.08),
    "no-insurance": Spec(2400, noise=0.06),
    "street-racing": Spec(260, season="summer", covid=-0.6, noise=0.1),
    "cars-seized": Spec(2900, noise=0.05),
    "e-scooter-offences": Spec(20, trend=0.25, noise=0.1, first=Quarter(2019, 1)),
    "road-traffic-casualties": Spec(1350, season="dark", covid=1.0, noise=0.04),
    # National measures
    "violence-with-injury": Spec(8085, season="summer", covid=0.5, trend=0.003),
    "drug-possession": Spec(940, covid=-0.8, noise=0.06),
    "theft-from-vehicle": Spec(4300, season="dark", covid=0.8, trend=-0.01),
    "drug-related-homicide": Spec(2.5, noise=0.5),
}
# Workforce levels (stocks) with planned paths; the uplift began in 2019/20 Q2.
OFFICERS_AT_UPLIFT_START = 6550


def season_factor(spec: Spec, quarter: Quarter) -> float:
    return SEASONS[spec.season][quarter.q - 1]


def shape(spec: Spec, rng: random.Random) -> dict[Quarter, float]:
    """A believable quarterly path around the spec's level (index 2019/20 Q1 = level)."""
    anchor = Quarter(2019, 1)
    out = {}
    for quarter in QUARTERS:
        if not spec.first <= quarter <= spec.last:
            continue
        growth = (1 + spec.trend) ** (quarter - anchor)
        dip = LOCKDOWN.get(quarter, 1.0)
        covid = 1 + spec.covid * (dip - 1)
        noise = 1 + rng.gauss(0, spec.noise)
        out[quarter] = max(spec.level * growth * season_factor(spec, quarter) * covid * noise, 0)
    return out


def pin(path: dict[Quarter, float], window, total: float) -> None:
    """Rescale the quarters of `window` so that they add up to `total` exactly (integers)."""
    quarters = list(window)
    current = sum(path[q] for q in quarters)
    scaled = [path[q] * total / current for q in quarters]
    floors = [math.floor(v) for v in scaled]
    short = int(round(total)) - sum(floors)
    order = sorted(range(len(scaled)), key=lambda i: scaled[i] - floors[i], reverse=True)
    for i in order[:short]:
        floors[i] += 1
    for q, v in zip(quarters, floors):
        path[q] = float(v)


def at_published_level(relative: dict[Quarter, float], windows: dict[Quarter, int],
                       trend: float) -> dict[Quarter, float]:
    """A series at a force's own published level: whole numbers whose 12 months ending each
    quarter of `windows` add up to its figure exactly.

    `relative` is a shaped path divided by its level and trend (season, lockdown and noise
    only). The target for each quarter is that shape times the force's level, interpolated
    between the published windows' centres and carried on with the spec's trend after the last;
    the quarters the windows cover are the nearest series to the target (least squares relative
    to each quarter's size) that meets every window.
    """
    ends = sorted(windows)
    centres = [end.ordinal - 1.5 for end in ends]
    levels = [windows[end] / 4 for end in ends]

    def level(quarter: Quarter) -> float:
        x = quarter.ordinal
        if x <= centres[0]:
            return levels[0]
        if x >= centres[-1]:
            return levels[-1] * (1 + trend) ** (x - centres[-1])
        k = next(i for i in range(len(centres) - 1) if centres[i] <= x <= centres[i + 1])
        f = (x - centres[k]) / (centres[k + 1] - centres[k])
        return levels[k] + f * (levels[k + 1] - levels[k])

    target = {q: level(q) * r for q, r in relative.items()}
    first = Quarter.from_ordinal(ends[0].ordinal - 3)
    span = [q for q in target if first <= q <= ends[-1]]
    members = [[span.index(q) for q in rolling_12_months(end)] for end in ends]
    t = [target[q] for q in span]
    # minimise sum ((x - t) / t)^2 subject to A x = W: x = t + D A' (A D A')^-1 (W - A t)
    d = [v * v for v in t]
    gap = [windows[end] - sum(t[i] for i in m) for end, m in zip(ends, members)]
    # a quarter the windows would push below half its target is held there, and the rest
    # solved again (at most once per quarter)
    held: dict[int, float] = {}
    for _ in range(len(span) + 1):
        rows = members + [[i] for i in held]
        rhs = gap + [held[i] - t[i] for i in held]
        gram = [[sum(d[i] for i in set(a) & set(b)) for b in rows] for a in rows]
        mult = _solve(gram, rhs)
        x = [t[i] + d[i] * sum(mult[k] for k, m in enumerate(rows) if i in m)
             for i in range(len(span))]
        low = [i for i in range(len(span)) if i not in held and x[i] < t[i] / 2]
        if not low:
            break
        held.update({i: t[i] / 2 for i in low})
    # whole numbers: each window in turn gives its unfixed quarters what it still needs
    fixed: dict[int, float] = {}
    for end, m in zip(ends, members):
        todo = [i for i in m if i not in fixed]
        need = windows[end] - sum(fixed[i] for i in m if i in fixed)
        floors = {i: math.floor(x[i]) for i in todo}
        short = need - sum(floors.values())
        if len(todo) == 1:
            floors[todo[0]] += short
            short = 0
        assert 0 <= short <= len(todo), (end.label, short)
        for i in sorted(todo, key=lambda i: x[i] - floors[i], reverse=True)[:short]:
            floors[i] += 1
        fixed.update(floors)
    out = {q: float(round(v)) for q, v in target.items()}
    for i, q in enumerate(span):
        if fixed[i] < 0:
            raise ValueError(f"no non-negative series meets the published windows at {q.label}")
        out[q] = float(fixed[i])
    return out


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are at most 8 × 8)."""
    n = len(rhs)
    a = [row[:] + [rhs[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col]:
                f = a[r][col] / a[col][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def relative_shape(path: dict[Quarter, float], spec: Spec, level: float) -> dict[Quarter, float]:
    """A shaped path without its level and trend: what is left is season, lockdown and noise."""
    anchor = Quarter(2019, 1)
    return {q: v / (level * (1 + spec.trend) ** (q - anchor)) for q, v in path.items()}


def round_path(path: dict[Quarter, float], decimals: int) -> dict[Quarter, float]:
    return {q: round(v, decimals) if decimals else float(round(v)) for q, v in path.items()}


def main() -> None:
    rng = random.Random(SEED)
    config = load_config(ROOT / "config.toml")
    framework = config.framework
    rows: dict[Quarter, list[dict[str, object]]] = {q: [] for q in QUARTERS}

    def add(kpi: str, force: str, quarter: Quarter, **values: object) -> None:
        rows[quarter].append({"kpi": kpi, "force": force, **values})

    def count_series(kpi: str, force: str, path: dict[Quarter, float]) -> None:
        for quarter, value in path.items():
            add(kpi, force, quarter, value=value)

    def force_scale(force: str) -> float:
        return POPULATION[force] / POPULATION[HOME] * rng.uniform(0.8, 1.2)

    # --- recorded crime, pinned to the published figures ----------------------------------
    for force in (HOME, *COMPARATORS):
        ons = ONS_YE_JUNE_2019[force]
        robbery_total = ons["robbery"]
        personal = round(robbery_total * PERSONAL_ROBBERY_SHARE[force])
        pinned = {
            "residential-burglary": ons["residential-burglary"],
            "business-burglary": ons["business-burglary"],
            "robbery-personal": personal,
            "business-robbery": robbery_total - personal,
            "theft-from-person": ons["theft-from-person"],
            "shoplifting": ons["shoplifting"],
            "knife-crime": ons["knife-crime"],
            "violence-with-injury": ons["violence-with-injury"],
        }
        shaped = {kpi: shape(SPECS[kpi], rng) for kpi in pinned
                  if force == HOME or framework.kpi(kpi).msf}
        if force != HOME:
            for kpi, path in _comparator_crime(force, shaped).items():
                count_series(kpi, force, path)
            continue
        for kpi, total in pinned.items():
            path = shaped[kpi]
            pin(path, YE_JUNE_2019, total)
            if force == HOME:
                home_year_ending_march_2021 = {
                    "residential-burglary": 13617, "business-burglary": 4544,
                    "robbery-personal": 5846, "business-robbery": 649,
                }
                if kpi in home_year_ending_march_2021:
                    pin(path, YE_MARCH_2021, home_year_ending_march_2021[kpi])
            count_series(kpi, force, round_path(path, 0))

    # homicides: the force's own count, 55 in the year ending June 2019 and 43 in 2020/21
    for force in (HOME, *COMPARATORS):
        yearly = 55 if force == HOME else ONS_YE_JUNE_2019[force]["homicides"]
        path = {q: max(rng.gauss(yearly / 4, yearly / 16), 1.0) for q in QUARTERS}
        if force == HOME:
            pin(path, YE_JUNE_2019, yearly)
            pin(path, YE_MARCH_2021, 43)
        else:
            path = at_published_level({q: v / (yearly / 4) for q, v in path.items()},
                                      published_windows(force, "homicides"), 0.0)
        count_series("homicides", force, round_path(path, 0))

    # firearm discharges: 162 in the baseline, 157 in the year ending March 2021
    path = {q: rng.uniform(34, 46) for q in QUARTERS}
    pin(path, YE_JUNE_2019, 162)
    pin(path, YE_MARCH_2021, 157)
    count_series("firearm-discharges", HOME, round_path(path, 0))

    # viable firearms recovered: 33 in 2021/22 Q1 and 41 in Q2 (74 in the half year), the most
    # in the opening half of any of the last five years
    path = {q: float(round(rng.uniform(17, 27))) for q in QUARTERS}
    path[Quarter(2021, 1)] = 33.0
    path[Quarter(2021, 2)] = 41.0
    count_series("viable-firearms-recovered", HOME, path)

    # --- everything else from its spec ------------------------------------------------------
    for kpi_id, spec in SPECS.items():
        kpi = framework.kpi(kpi_id)
        if kpi_id in ("residential-burglary", "business-burglary", "robbery-personal",
                      "business-robbery", "theft-from-person", "shoplifting", "knife-crime",
                      "violence-with-injury"):
            continue
        forces = (HOME, *COMPARATORS) if kpi.msf else (HOME,)
        for force in forces:
            level_scale = 1.0 if force == HOME else (
                force_scale(force) if kpi.unit.id == "count" else rng.uniform(0.85, 1.15))
            local = Spec(**{**spec.__dict__, "level": spec.level * level_scale})
            path = shape(local, rng)
            if kpi_id == "asb-incidents":
                path = at_published_level(relative_shape(path, local, local.level),
                                          published_windows(force, kpi_id), local.trend)
            _shape_story(kpi_id, path)
            if kpi.measure == "rate":
                for quarter, rate in path.items():
                    den = round(local.denominator * (POPULATION[force] / POPULATION[HOME]
                                                     if force != HOME else 1.0)
                                * rng.uniform(0.95, 1.05))
                    num = round(den * rate / kpi.unit.scale)
                    add(kpi_id, force, quarter, numerator=num, denominator=den,
                        value=round(num / den * kpi.unit.scale, 2))
            elif spec.ci:
                for quarter, value in path.items():
                    value = round(value, spec.decimals)
                    add(kpi_id, force, quarter, value=value,
                        lower=round(value - spec.ci, 1), upper=round(value + spec.ci, 1))
            else:
                for quarter, value in round_path(path, spec.decimals).items():
                    add(kpi_id, force, quarter, value=value)

    _workforce(rows, rng)
    _commitments(rows)
    write(rows)


def _comparator_crime(force: str, shaped: dict[str, dict[Quarter, float]]
                      ) -> dict[str, dict[Quarter, float]]:
    """A most similar force's recorded crime at its own published level, whole history.

    Robbery is published as one figure: personal and business robbery are solved together
    against it and then split by the force's share of personal robbery, quarter by quarter.
    """
    out = {}
    for kpi, path in shaped.items():
        if kpi in ("robbery-personal", "business-robbery"):
            continue
        spec = SPECS[kpi]
        out[kpi] = at_published_level(relative_shape(path, spec, spec.level),
                                      published_windows(force, kpi), spec.trend)
    share = PERSONAL_ROBBERY_SHARE[force]
    personal = relative_shape(shaped["robbery-personal"], SPECS["robbery-personal"],
                              SPECS["robbery-personal"].level)
    business = relative_shape(shaped["business-robbery"], SPECS["business-robbery"],
                              SPECS["business-robbery"].level)
    mix = {q: share * personal[q] + (1 - share) * business[q] for q in personal}
    total = at_published_level(mix, published_windows(force, "robbery"),
                               SPECS["robbery-personal"].trend)
    out["robbery-personal"] = {q: float(round(total[q] * share * personal[q] / mix[q]))
                               for q in total}
    out["business-robbery"] = {q: total[q] - out["robbery-personal"][q] for q in total}
    return out


def _shape_story(kpi_id: str, path: dict[Quarter, float]) -> None:
    """Give a few KPIs the run, trend or jump the sample is meant to show."""
    if kpi_id == "retail-worker-assaults":
        # seven quarters each above the one before: a special-cause concern
        start = path[Quarter(2019, 4)]
        for i, quarter in enumerate(QUARTERS[QUARTERS.index(Quarter(2019, 4)):]):
            path[quarter] = start * (1 + 0.06 * i)
    if kpi_id == "assaults-on-officers":
        path[LAST] = path[LAST] * 1.45  # beyond the upper process limit
    if kpi_id == "drug-trafficking":
        for quarter in QUARTERS[-8:]:
            path[quarter] = path[quarter] * 1.18  # a sustained shift above the mean
    if kpi_id == "theft-of-vehicle":
        path[LAST] = path[LAST] * 1.12  # rising again with the parts shortage


def _workforce(rows: dict[Quarter, list[dict[str, object]]], rng: random.Random) -> None:
    """Headcounts: the uplift, total officers, neighbourhood and BAME officers, PCSOs."""
    uplift_start = Quarter(2019, 2)
    for quarter in QUARTERS:
        since = quarter - uplift_start
        recruits = 0 if since < 0 else round(92 * (since + 1) + rng.uniform(-15, 15))
        if quarter >= uplift_start:
            rows[quarter].append({"kpi": "police-officer-uplift", "force": HOME,
                                  "value": float(recruits)})
        officers = (OFFICERS_AT_UPLIFT_START - 6 * max(-since, 0) if since <= 0
                    else OFFICERS_AT_UPLIFT_START + 80 * since)
        rows[quarter].append({"kpi": "police-officers-total", "force": HOME,
                              "value": float(officers + round(rng.uniform(-10, 10)))})
        for force in COMPARATORS:
            base = {"greater-manchester": 6300, "merseyside": 3500, "west-yorkshire": 5200}[force]
            rows[quarter].append({"kpi": "police-officers-total", "force": force,
                                  "value": float(base + 55 * max(since, 0)
                                                 + round(rng.uniform(-15, 15)))})
        neighbourhood = 1290 + 4 * (quarter - Quarter(2021, 1)) + round(rng.uniform(-3, 3))
        rows[quarter].append({"kpi": "neighbourhood-officers", "force": HOME,
                              "value": float(neighbourhood)})
        bame = 860 + 11 * (quarter - FIRST)
        rows[quarter].append({"kpi": "bame-officers", "force": HOME, "value": float(bame)})
        pcsos = 530 - 4 * (quarter - FIRST) + round(rng.uniform(-3, 3))
        rows[quarter].append({"kpi": "pcsos", "force": HOME, "value": float(pcsos)})
        for force in COMPARATORS:
            base = {"greater-manchester": 560, "merseyside": 250, "west-yorkshire": 560}[force]
            rows[quarter].append({"kpi": "pcsos", "force": force,
                                  "value": float(base + round(rng.uniform(-8, 8)))})


def _commitments(rows: dict[Quarter, list[dict[str, object]]]) -> None:
    """Commitments report a status each quarter from the plan's start (2021/22 Q1)."""
    statuses = {
        "s163-traffic-stops": ("not-started", "in-progress"),
        "victims-code-compliance": ("in-progress", "at-risk"),
        "public-confidence-picture": ("in-progress", "complete"),
        "fraud-victim-survey": ("not-started", "not-started"),
    }
    for kpi, (q1, q2) in statuses.items():
        rows[Quarter(2021, 1)].append({"kpi": kpi, "force": HOME, "status": q1})
        rows[Quarter(2021, 2)].append({"kpi": kpi, "force": HOME, "status": q2})


COLUMNS = ("kpi", "force", "value", "numerator", "denominator", "lower", "upper", "status",
           "note")
FORCE_NAMES = {"west-midlands": "West Midlands", "greater-manchester": "Greater Manchester",
               "merseyside": "Merseyside", "west-yorkshire": "West Yorkshire"}


def write(rows: dict[Quarter, list[dict[str, object]]]) -> None:
    folder = ROOT / "data"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    # one late-recorded restatement: the 2021/22 Q2 return revises Q1's residential burglary
    q1 = next(r for r in rows[Quarter(2021, 1)]
              if r["kpi"] == "residential-burglary" and r["force"] == HOME)
    restated = dict(q1, value=float(q1["value"]) + 48, period=Quarter(2021, 1).label)
    for quarter, quarter_rows in rows.items():
        path = folder / f"{quarter.file_stem}.csv"
        extra = [restated] if quarter == LAST else []
        columns = (*COLUMNS[:2], "period", *COLUMNS[2:]) if extra else COLUMNS
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for i, row in enumerate(sorted(quarter_rows, key=lambda r: (r["kpi"], r["force"]))):
                out = {k: _cell(row.get(k)) for k in columns}
                out["force"] = FORCE_NAMES[str(row["force"])]
                if "period" in columns:
                    out["period"] = quarter.label
                if i == 0:
                    out["note"] = NOTE
                writer.writerow(out)
            for row in extra:
                out = {k: _cell(row.get(k)) for k in columns}
                out["force"] = FORCE_NAMES[str(row["force"])]
                out["note"] = "restated: late-recorded offences"
                writer.writerow(out)
    _county_lines(folder)


def _county_lines(folder: Path) -> None:
    """Monthly disruptions: 294 in 2020/21 (24.5 a month), 135 in Apr–Sep 2021 (22.5)."""
    rng = random.Random(SEED + 1)
    months: list[tuple[str, int]] = []
    year_totals = {2017: 230, 2018: 250, 2019: 270, 2020: 294}
    for fy, total in year_totals.items():
        weights = [rng.uniform(0.8, 1.2) for _ in range(12)]
        path = {i: w for i, w in enumerate(weights)}
        scaled = [path[i] * total / sum(weights) for i in range(12)]
        counts = [math.floor(v) for v in scaled]
        for i in sorted(range(12), key=lambda i: scaled[i] - counts[i],
                        reverse=True)[: total - sum(counts)]:
            counts[i] += 1
        for i, count in enumerate(counts):
            month = 4 + i
            year = fy if month <= 12 else fy + 1
            months.append((f"{year}-{(month - 1) % 12 + 1:02d}", count))
    for month, count in zip(("2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-09"),
                            (21, 24, 23, 22, 23, 22)):
        months.append((month, count))
    with (folder / "county-lines-disruptions-monthly.csv").open(
        "w", newline="", encoding="utf-8"
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow(["kpi", "force", "period", "value", "note"])
        for i, (month, count) in enumerate(months):
            writer.writerow(["county-lines-disruptions", "West Midlands", month, count,
                             NOTE if i == 0 else ""])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


if __name__ == "__main__":
    main()
