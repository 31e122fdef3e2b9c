"""The KPI framework in config.toml has the shape the seed document gives it.

Appendix A of the seed is the Police and Crime Plan's KPI framework (one KPI per bullet, one per
sub-bullet where a bullet has them), Appendix C the national proxy metrics, and paragraph 13's
bullet list adds road traffic casualties. This test reads the TOML directly, so it does not depend
on the rest of the package.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

CONFIG = Path(__file__).resolve().parents[1] / "config.toml"

# (objective, sub_objective or None) → number of KPIs placed there.
EXPECTED_COUNTS: dict[tuple[str, str | None], int] = {
    ("rebuilding-community-policing", None): 11,
    ("preventing-and-reducing-crime", "vawg"): 8,
    ("preventing-and-reducing-crime", "bringing-offenders-to-justice"): 4,
    ("preventing-and-reducing-crime", "illicit-drugs"): 7,
    ("preventing-and-reducing-crime", "acquisitive-crime"): 4,
    ("preventing-and-reducing-crime", "cybercrime-and-fraud"): 4,
    ("preventing-and-reducing-crime", "business-crime"): 6,
    ("increased-confidence", "representative-force"): 5,
    ("increased-confidence", "public-confidence"): 3,
    ("increased-confidence", "equality-and-human-rights"): 2,
    ("increased-confidence", "police-powers"): 8,
    ("increased-confidence", "complaints-and-misconduct"): 3,
    ("increased-confidence", "access-to-police-services"): 2,
    ("supporting-the-workforce", "performance-management"): 4,
    ("supporting-the-workforce", "greener-wmp"): 3,
    ("criminal-justice-system", "diversion-and-confidence-in-cjs"): 7,
    ("supporting-victims", None): 4,
    ("reducing-violence", None): 5,
    ("safer-travel", "public-transport"): 3,
    # 7 from Appendix A (5 motor offences, cars seized, e-scooters) + road traffic casualties
    ("safer-travel", "improving-road-travel"): 8,
}

OBJECTIVE_SECTIONS = {
    "rebuilding-community-policing": "wmp",
    "preventing-and-reducing-crime": "wmp",
    "increased-confidence": "wmp",
    "supporting-the-workforce": "wmp",
    "criminal-justice-system": "partnership",
    "supporting-victims": "partnership",
    "reducing-violence": "partnership",
    "safer-travel": "partnership",
}

PRIORITY_ORDER = [
    "homicide",
    "serious-violence",
    "drugs",
    "neighbourhood-crime",
    "victim-satisfaction",
    "cyber-crime",
]

PRIORITY_KPIS: dict[str, set[str]] = {
    "homicide": {"homicides"},
    "serious-violence": {
        "u25-sharp-object-admissions",
        "firearm-discharges",
        "knife-crime",
        "violence-with-injury",
        "serious-youth-violence",
    },
    "drugs": {
        "drug-related-homicide",
        "drug-treatment-referrals",
        "drug-oocd-divert",
        "drug-trafficking",
        "drug-possession",
        "county-lines-disruptions",
        "nrm-county-lines",
    },
    "neighbourhood-crime": {
        "residential-burglary",
        "robbery-personal",
        "theft-from-person",
        "theft-of-vehicle",
        "theft-from-vehicle",
        "asb-incidents",
    },
    "victim-satisfaction": {
        "victim-satisfaction-survey",
        "da-victim-satisfaction",
        "victims-code-compliance",
        "victim-services-satisfaction",
    },
    "cyber-crime": {
        "action-fraud-victims",
        "action-fraud-disseminated-outcomes",
        "cifas-intelligence",
        "fraud-victim-survey",
    },
}

NATIONAL_ONLY = {
    "firearm-discharges",
    "violence-with-injury",
    "drug-related-homicide",
    "drug-possession",
    "theft-from-vehicle",
    "da-victim-satisfaction",
    "victim-services-satisfaction",
}

# Bullets with sub-bullets: the parent label and the KPIs made from its sub-bullets.
BULLETS: dict[str, set[str]] = {
    "Positive outcome rates": {
        "da-positive-outcome-rate",
        "rape-positive-outcome-rate",
        "stalking-harassment-positive-outcome-rate",
    },
    "Neighbourhood crimes": {
        "residential-burglary",
        "robbery-personal",
        "theft-from-person",
        "theft-of-vehicle",
        "theft-from-vehicle",  # Appendix C only, same family
    },
    "Business crime": {"business-burglary", "business-robbery", "bilking", "shoplifting"},
    "Workforce disproportionality": {
        "workforce-disproportionality",
        "recruitment-disproportionality",
        "retention-disproportionality",
        "progression-disproportionality",
    },
    "CJS disproportionality": {
        "cjs-disproportionality-arrests",
        "cjs-disproportionality-police-outcomes",
        "cjs-disproportionality-prosecution-outcomes",
        "cjs-disproportionality-remand",
        "cjs-disproportionality-reoffending",
    },
    "Motor offences": {
        "speeding-offences",
        "drug-driving",
        "drink-driving",
        "no-insurance",
        "street-racing",
    },
}

TARGET_KINDS = {"threshold", "trajectory", "milestone", "monitor", "commitment"}
UNITS = {
    "count",
    "percent",
    "per-1000",
    "days",
    "hours",
    "minutes",
    "seconds",
    "ratio",
    "kg-co2-per-m2",
    "g-co2-per-km",
    "score",
}

# A good sample of target kinds, one line per KPI.
EXPECTED_KINDS = {
    "police-officer-uplift": "milestone",
    "police-officers-total": "milestone",
    "neighbourhood-officers": "milestone",
    "bame-officers": "milestone",
    "pcsos": "threshold",
    "da-positive-outcome-rate": "threshold",
    "rape-positive-outcome-rate": "threshold",
    "stalking-harassment-positive-outcome-rate": "threshold",
    "stop-search-positive-outcome-rate": "threshold",
    "s163-traffic-stops": "commitment",
    "victims-code-compliance": "commitment",
    "public-confidence-picture": "commitment",
    "fraud-victim-survey": "commitment",
    "residential-burglary": "trajectory",
    "robbery-personal": "trajectory",
    "theft-from-person": "trajectory",
    "theft-of-vehicle": "trajectory",
    "knife-crime": "trajectory",
    "homicides": "trajectory",
    "impact-area-harm": "trajectory",
    "outcome-15-16-discontinued": "trajectory",
    "county-lines-disruptions": "trajectory",
    "viable-firearms-recovered": "trajectory",
    "body-worn-video-use": "trajectory",
    "complaint-days-to-finalise": "trajectory",
    "asb-incidents": "monitor",
    "csew-confidence": "monitor",
    "victim-satisfaction-survey": "monitor",
    "serious-youth-violence": "monitor",
    "u25-sharp-object-admissions": "monitor",
    "drug-trafficking": "monitor",
    "drug-possession": "monitor",
    "calls-within-charter": "monitor",
    "attendance-within-charter": "monitor",
    "cars-seized": "monitor",
    "road-traffic-casualties": "monitor",
    "business-burglary": "monitor",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def kpis(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k["id"]: k for k in doc["kpis"]}


def test_settings_and_forces_come_before_the_framework() -> None:
    # [settings] and [forces.*] are maintained separately and sit above the framework tables.
    lines = [line.strip() for line in CONFIG.read_text(encoding="utf-8").splitlines()]
    headers = [line for line in lines if line.startswith("[")]
    first_section = headers.index("[[sections]]")
    after = headers[first_section:]
    assert not [h for h in after if h.startswith(("[settings", "[forces"))]


def test_sections_objectives_and_sub_objectives(doc: dict[str, Any]) -> None:
    assert [(s["id"], s["title"]) for s in doc["sections"]] == [
        ("wmp", "West Midlands Police"),
        ("partnership", "Working in partnership locally"),
    ]
    assert {o["id"]: o["section"] for o in doc["objectives"]} == OBJECTIVE_SECTIONS
    subs = {s["id"]: s["objective"] for s in doc["sub_objectives"]}
    expected_subs = {sub: obj for obj, sub in EXPECTED_COUNTS if sub is not None}
    assert subs == expected_subs
    titles = {s["id"]: s["title"] for s in doc["sub_objectives"]}
    assert titles["police-powers"] == (
        "Police Powers (Stop and Search; Section 163 Traffic Stops; Use of Force)"
    )
    assert titles["diversion-and-confidence-in-cjs"] == (
        "Diversion & Confidence in Criminal Justice System"
    )


def test_node_ids_are_unique_across_tables(doc: dict[str, Any]) -> None:
    ids = [
        entry["id"]
        for table in ("sections", "objectives", "sub_objectives", "priorities", "kpis")
        for entry in doc[table]
    ]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []


def test_kpi_count_ids_and_shorts(doc: dict[str, Any]) -> None:
    kpis = doc["kpis"]
    assert len(kpis) == 108  # 100 Appendix A + road traffic casualties + 7 national-only
    ids = [k["id"] for k in kpis]
    shorts = [k["short"] for k in kpis]
    assert len(set(ids)) == len(ids)
    assert len(set(shorts)) == len(shorts)
    for k in kpis:
        assert k["id"] == k["id"].lower() and " " not in k["id"]
        assert 0 < len(k["short"]) <= 24, k["id"]
        assert k["title"] and k["statement"], k["id"]
        assert "\n" not in k["statement"], k["id"]


def test_counts_per_objective_and_sub_objective(kpis: dict[str, dict[str, Any]]) -> None:
    counts = Counter(
        (k["objective"], k.get("sub_objective")) for k in kpis.values() if "objective" in k
    )
    assert dict(counts) == EXPECTED_COUNTS
    assert sum(EXPECTED_COUNTS.values()) == 101


def test_priorities_and_their_proxy_kpis(
    doc: dict[str, Any], kpis: dict[str, dict[str, Any]]
) -> None:
    assert [p["id"] for p in doc["priorities"]] == PRIORITY_ORDER
    actual: dict[str, set[str]] = {p: set() for p in PRIORITY_ORDER}
    for k in kpis.values():
        for p in k.get("priorities", []):
            actual[p].add(k["id"])
    assert actual == PRIORITY_KPIS


def test_national_only_kpis_have_no_objective(kpis: dict[str, dict[str, Any]]) -> None:
    without_place = {
        i for i, k in kpis.items() if "objective" not in k and "sub_objective" not in k
    }
    assert without_place == NATIONAL_ONLY
    for i in NATIONAL_ONLY:
        assert kpis[i].get("priorities"), i


def test_references_resolve(doc: dict[str, Any], kpis: dict[str, dict[str, Any]]) -> None:
    objectives = {o["id"] for o in doc["objectives"]}
    sub_parent = {s["id"]: s["objective"] for s in doc["sub_objectives"]}
    priorities = {p["id"] for p in doc["priorities"]}
    places = objectives | set(sub_parent)
    for i, k in kpis.items():
        assert "objective" in k or k.get("priorities"), i
        if "objective" in k:
            assert k["objective"] in objectives, i
        if "sub_objective" in k:
            assert k["sub_objective"] in sub_parent, i
            assert sub_parent[k["sub_objective"]] == k["objective"], i
        for p in k.get("priorities", []):
            assert p in priorities, i
        for place in k.get("also_in", []):
            assert place in places, i
    also = {i: k["also_in"] for i, k in kpis.items() if k.get("also_in")}
    assert also == {"robbery-personal": ["reducing-violence"]}


def test_bullets_group_sub_bullets(kpis: dict[str, dict[str, Any]]) -> None:
    actual: dict[str, set[str]] = {}
    for i, k in kpis.items():
        if "bullet" in k:
            actual.setdefault(k["bullet"], set()).add(i)
    assert actual == BULLETS


def test_road_traffic_casualties_from_national_section(
    kpis: dict[str, dict[str, Any]],
) -> None:
    k = kpis["road-traffic-casualties"]
    assert (k["objective"], k["sub_objective"]) == ("safer-travel", "improving-road-travel")
    assert k["statement"].startswith("Monitor the rates of road traffic casualties")


def test_numeric_targets(kpis: dict[str, dict[str, Any]]) -> None:
    def target(i: str) -> dict[str, Any]:
        return kpis[i]["target"]

    for i, op, value in (
        ("da-positive-outcome-rate", ">", 6),
        ("rape-positive-outcome-rate", ">", 5),
        ("stalking-harassment-positive-outcome-rate", ">", 8),
        ("stop-search-positive-outcome-rate", ">=", 50),
        ("pcsos", ">=", 480),
    ):
        assert target(i)["kind"] == "threshold", i
        assert target(i)["op"] == op, i
        assert target(i)["value"] == value, i

    uplift = target("police-officer-uplift")
    assert uplift["kind"] == "milestone"
    assert (uplift["goal"], uplift.get("op", ">=")) == (1200, ">=")
    assert (uplift["start"], uplift["start_value"], uplift["deadline"]) == (
        "2019/20 Q2",
        0,
        "2022/23 Q4",
    )

    total = target("police-officers-total")
    assert total["kind"] == "milestone"
    assert (total["goal"], total["op"]) == (8000, ">")
    assert (total["start"], total["deadline"]) == ("2019/20 Q2", "2022/23 Q4")
    assert "start_value" not in total

    for i, increase in (("neighbourhood-officers", 450), ("bame-officers", 1000)):
        t = target(i)
        assert t["kind"] == "milestone", i
        assert t["increase"] == increase and "goal" not in t, i
        assert (t["start"], t["deadline"]) == ("2021/22 Q1", "2024/25 Q4"), i


def test_target_kinds(kpis: dict[str, dict[str, Any]]) -> None:
    for k in kpis.values():
        assert k["target"]["kind"] in TARGET_KINDS, k["id"]
    actual = {i: kpis[i]["target"]["kind"] for i in EXPECTED_KINDS}
    assert actual == EXPECTED_KINDS
    commitments = {i for i, k in kpis.items() if k["target"]["kind"] == "commitment"}
    assert commitments == {
        "s163-traffic-stops",
        "victims-code-compliance",
        "public-confidence-picture",
        "fraud-victim-survey",
    }


def test_trajectory_directions_and_baselines(kpis: dict[str, dict[str, Any]]) -> None:
    def trajectory(i: str) -> tuple[str, str]:
        t = kpis[i]["target"]
        assert t["kind"] == "trajectory", i
        return t["direction"], t.get("baseline", "plan")

    for i in (
        "residential-burglary",
        "robbery-personal",
        "theft-from-person",
        "theft-of-vehicle",
        "knife-crime",
        "impact-area-harm",
    ):
        assert trajectory(i) == ("decrease", "plan"), i
    for i in (
        "homicides",
        "firearm-discharges",
        "violence-with-injury",
        "drug-related-homicide",
        "theft-from-vehicle",
    ):
        assert trajectory(i) == ("decrease", "national"), i
    for i in ("viable-firearms-recovered", "county-lines-disruptions"):
        assert trajectory(i) == ("increase", "plan"), i
    assert trajectory("body-worn-video-use") == ("not-decrease", "plan")
    for k in kpis.values():
        t = k["target"]
        if t["kind"] == "trajectory":
            assert t["direction"] in {"decrease", "increase", "not-decrease", "not-increase"}
            assert t.get("baseline", "plan") in {"plan", "national"}, k["id"]


def test_units_measures_and_better(kpis: dict[str, dict[str, Any]]) -> None:
    for i, k in kpis.items():
        assert k["unit"] in UNITS, i
        assert k["measure"] in {"flow", "stock", "rate"}, i
        assert k["better"] in {"higher", "lower", "none"}, i
        assert isinstance(k["msf"], bool), i
        assert k["source"], i
        if k["measure"] == "rate":
            assert k["unit"] in {"percent", "per-1000", "ratio"}, i
    for i in ("police-officers-total", "pcsos", "neighbourhood-officers", "bame-officers"):
        assert (kpis[i]["unit"], kpis[i]["measure"]) == ("count", "stock"), i
    for i in ("da-positive-outcome-rate", "stop-search-positive-outcome-rate"):
        assert (kpis[i]["unit"], kpis[i]["measure"], kpis[i]["better"]) == (
            "percent",
            "rate",
            "higher",
        ), i
        assert kpis[i]["msf"] is True, i
    assert kpis["drug-possession"]["better"] == "none"
    assert kpis["impact-area-harm"]["unit"] == "score"
    assert kpis["estate-co2-per-m2"]["unit"] == "kg-co2-per-m2"
    assert kpis["fleet-co2-per-km"]["unit"] == "g-co2-per-km"
    for i in ("workforce-disproportionality", "cjs-disproportionality-remand"):
        assert (kpis[i]["unit"], kpis[i]["measure"], kpis[i]["better"]) == (
            "ratio",
            "stock",
            "none",
        ), i
    assert kpis["stop-search-uof-disproportionality"]["better"] == "lower"
