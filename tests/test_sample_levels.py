"""The bundled sample's series sit at each force's own published level, with no made-up jumps.

The comparators are pinned to the ONS Police Force Area tables' 12-month figures for the 12
months ending each quarter 2017/18 Q4 – 2019/20 Q3 (`ONS_12_MONTHS` in
scripts/make_sample_data.py, checked against the published workbooks in ../shared when they are
here); West Midlands to the figures for the 12 months ending June 2019 that its PCC's paper uses.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from pcp_tui.config import load_config
from pcp_tui.periods import Quarter, rolling_12_months

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata" / "ons-pfa"
YE_JUNE_2019 = Quarter(2019, 1)
FIRST_LOCKDOWN = Quarter(2020, 1)  # April–June 2020
ROBBERY = ("robbery-personal", "business-robbery")  # ONS "Robbery" is the two together


def _script():
    spec = importlib.util.spec_from_file_location("make_sample_data",
                                                  ROOT / "scripts" / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="module")
def series(config) -> dict[tuple[str, str], dict[Quarter, float]]:
    """Every (kpi, force) value series in data/, by quarter, read straight from the files
    (a restated row counts for the quarter it restates, as the loader takes it)."""
    out: dict[tuple[str, str], dict[Quarter, float]] = defaultdict(dict)
    for path in sorted((ROOT / "data").glob("20*.csv")):
        quarter = Quarter.parse(path.stem)
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if row.get("value"):
                at = Quarter.parse(row["period"]) if row.get("period") else quarter
                out[(row["kpi"], config.settings.force_id(row["force"]))][at] = float(row["value"])
    return dict(out)


def twelve_months(series, kpi: str, force: str, ends: Quarter) -> float | None:
    kpis = ROBBERY if kpi == "robbery" else (kpi,)
    total = 0.0
    for quarter in rolling_12_months(ends):
        for k in kpis:
            value = series.get((k, force), {}).get(quarter)
            if value is None:
                return None
            total += value
    return total


# --- (a) no jumps the sample does not mean --------------------------------------------------

# A factor of two between neighbouring quarters is chance for a count this small (Poisson).
SMALL_COUNT = 20
# Section 60 searches come in bursts after incidents (an authorisation covers a day or two),
# so the sample makes them swing from quarter to quarter on purpose.
BURSTY = {"section-60-searches"}
# The first lockdown (2020/21 Q1) more than halves street crime and shop theft in the sample:
# the fall into that quarter (not a rise, and no other quarter) is meant for these KPIs.
LOCKDOWN_FALL = {"theft-from-person", "robbery-personal", "business-robbery", "shoplifting",
                 "transport-crime-asb"}


def test_no_sample_series_doubles_or_halves_between_neighbouring_quarters(series):
    jumps = []
    for (kpi, force), values in sorted(series.items()):
        if kpi in BURSTY:
            continue
        quarters = sorted(values)
        for before, after in zip(quarters, quarters[1:]):
            if after - before != 1:
                continue
            a, b = values[before], values[after]
            if min(a, b) < SMALL_COUNT:
                continue
            if kpi in LOCKDOWN_FALL and after == FIRST_LOCKDOWN and b < a:
                continue
            if max(a, b) > 2 * min(a, b):
                jumps.append(f"{kpi} {force} {before.label} {a:g} → {after.label} {b:g}")
    assert jumps == []


def test_the_jump_check_sees_the_rescaled_pinned_quarters(series):
    # the old sample: Merseyside business burglary shaped at West Midlands' scale and only the
    # four quarters ending June 2019 rescaled to its own level
    broken = dict(series[("business-burglary", "merseyside")])
    for quarter in rolling_12_months(YE_JUNE_2019):
        broken[quarter] = broken[quarter] / 2.6
    ratios = [max(broken[q], broken[q + 1]) / min(broken[q], broken[q + 1])
              for q in sorted(broken)[:-1]]
    assert max(ratios) > 2


def test_the_lockdown_fall_is_in_the_sample(series):
    # the exemption above is for something real: theft from the person more than halves
    falls = [series[("theft-from-person", f)][FIRST_LOCKDOWN]
             / series[("theft-from-person", f)][FIRST_LOCKDOWN - 1]
             for f in ("west-midlands", "greater-manchester", "merseyside", "west-yorkshire")]
    assert all(f < 0.5 for f in falls)


# --- (b) the pinned windows are the published figures ----------------------------------------

def pinned_windows():
    for force, kpis in SCRIPT.ONS_12_MONTHS.items():
        for kpi in kpis:
            for ends, figure in SCRIPT.published_windows(force, kpi).items():
                yield force, kpi, ends, figure
    for force, years in SCRIPT.ONS_ASB_YEARS.items():
        for ends, figure in years.items():
            yield force, "asb-incidents", ends, figure
    # West Midlands: the 12 months ending June 2019 (homicides: the force's own 55, not 53)
    for kpi, figure in SCRIPT.ONS_YE_JUNE_2019["west-midlands"].items():
        if kpi == "homicides":
            figure = 55
        if kpi != "drug-offences":
            yield "west-midlands", kpi, YE_JUNE_2019, figure


def test_every_pinned_window_adds_up_to_the_published_figure(series):
    windows = list(pinned_windows())
    # 3 comparators × 8 crime series × 8 editions, less Greater Manchester's 2 suppressed
    # editions; 2 years of anti-social behaviour for each of the 4 forces; 8 for West Midlands
    assert len(windows) == 3 * 8 * 8 - 8 * 2 + 4 * 2 + 8
    wrong = [(force, kpi, ends.label, twelve_months(series, kpi, force, ends), figure)
             for force, kpi, ends, figure in windows
             if twelve_months(series, kpi, force, ends) != figure]
    assert wrong == []


def test_suppressed_windows_are_not_pinned():
    assert SCRIPT.ONS_12_MONTHS["greater-manchester"]["residential-burglary"][-2:] == (None,
                                                                                       None)
    ends = SCRIPT.published_windows("greater-manchester", "residential-burglary")
    assert max(ends) == Quarter(2019, 1)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")
def test_the_scripts_figures_are_the_published_tables(config):
    from pcp_tui.importers.mapping import DEFAULT_ONS_PFA
    from pcp_tui.importers.ons_pfa import import_ons_pfa

    groups = {**DEFAULT_ONS_PFA["offence_groups"], "Robbery": "robbery-personal"}
    not_mapped = {k: v for k, v in DEFAULT_ONS_PFA["not_mapped"].items() if k != "Robbery"}
    result = import_ons_pfa(REAL, config, {"offence_groups": groups, "not_mapped": not_mapped})
    published = {
        (r["kpi"], r["force"], Quarter.parse(r["period"])): r["value_12m"]
        for r in result.frame.iter_rows(named=True) if r["value_12m"] is not None
    }
    for force, kpis in SCRIPT.ONS_12_MONTHS.items():
        for kpi, figures in kpis.items():
            # Table P1's "Robbery" imported here under robbery-personal
            key = "robbery-personal" if kpi == "robbery" else kpi
            found = tuple(published.get((key, force, ends)) for ends in SCRIPT.ONS_ENDS)
            assert found == figures, (force, kpi)
    for force, years in SCRIPT.ONS_ASB_YEARS.items():
        for ends, figure in years.items():
            assert published[("asb-incidents", force, ends)] == figure
    for force, figures in SCRIPT.ONS_YE_JUNE_2019.items():
        for kpi in ("residential-burglary", "business-burglary", "homicides",
                    "violence-with-injury", "theft-from-person", "shoplifting", "knife-crime"):
            assert published[(kpi, force, YE_JUNE_2019)] == figures[kpi]
        assert published[("robbery-personal", force, YE_JUNE_2019)] == figures["robbery"]


# --- (c) every force's rates stay near its own published rate -------------------------------

CRIME = ("residential-burglary", "business-burglary", "robbery", "homicides",
         "violence-with-injury", "theft-from-person", "shoplifting", "knife-crime")
# the 12 months ending each quarter of 2020/21 are mostly lockdown
LOCKDOWN_WINDOWS = {Quarter(2020, q) for q in range(1, 5)}
BAND = 0.40


def per_1000(count: float, force: str, config) -> float:
    return count / config.settings.forces[force].population * 1000


def published_rate(force: str, kpi: str, config) -> float:
    return per_1000(SCRIPT.ONS_YE_JUNE_2019[force][kpi], force, config)


def published_outside_the_band(config) -> set[tuple[str, str, Quarter]]:
    """Windows whose published figure is itself more than 40 % off the year ending June 2019:
    the sample equals the published figure there (see above), whatever the band says."""
    out = set()
    for force, kpis in SCRIPT.ONS_12_MONTHS.items():
        for kpi in kpis:
            for ends, figure in SCRIPT.published_windows(force, kpi).items():
                ratio = per_1000(figure, force, config) / published_rate(force, kpi, config)
                if abs(ratio - 1) > BAND:
                    out.add((force, kpi, ends))
    return out


def test_only_two_published_figures_are_outside_the_band(config):
    # Greater Manchester in the 12 months ending March 2018: 88 homicides (61 a year later)
    # and 1,953 knife crimes (3,437; its recording of knife crime rose through 2018)
    assert published_outside_the_band(config) == {
        ("greater-manchester", "homicides", Quarter(2017, 4)),
        ("greater-manchester", "knife-crime", Quarter(2017, 4)),
    }


def test_every_12_month_rate_stays_within_40_percent_of_the_published_rate(series, config):
    excepted = published_outside_the_band(config)
    quarters = sorted({q for values in series.values() for q in values})
    checked, outside = 0, []
    for force in config.settings.all_forces:
        for kpi in CRIME:
            expected = published_rate(force, kpi, config)
            for ends in quarters[3:]:
                if ends in LOCKDOWN_WINDOWS or (force, kpi, ends) in excepted:
                    continue
                rate = per_1000(twelve_months(series, kpi, force, ends), force, config)
                checked += 1
                if abs(rate / expected - 1) > BAND:
                    outside.append(f"{force} {kpi} 12 months to {ends.label}: {rate:.2f} per "
                                   f"1,000 against {expected:.2f}")
    assert checked == 4 * 8 * (15 - 4) - 2
    assert outside == []


def test_merseyside_burglary_rate_in_the_board_quarter(config):
    from pcp_tui.dataset import load_observations
    from pcp_tui.rules.assess import build_timeline

    assert round(published_rate("merseyside", "residential-burglary", config), 2) == 5.15
    observations = load_observations(ROOT / "data", config, today=date(2021, 11, 26))
    status = build_timeline(config, observations).at(Quarter(2021, 2)).home_statuses[
        "residential-burglary"]
    entry = next(e for e in status.msf.entries if e.force == "merseyside")
    assert status.msf.window == Quarter(2021, 2)
    assert entry.basis == pytest.approx(
        per_1000(twelve_months(observations_series(observations), "residential-burglary",
                               "merseyside", Quarter(2021, 2)), "merseyside", config))
    assert abs(entry.basis / 5.15 - 1) <= BAND


def observations_series(observations) -> dict[tuple[str, str], dict[Quarter, float]]:
    out: dict[tuple[str, str], dict[Quarter, float]] = defaultdict(dict)
    for row in observations.frame.iter_rows(named=True):
        if row["value"] is not None:
            out[(row["kpi"], row["force"])][Quarter.from_date(row["period"])] = row["value"]
    return dict(out)
