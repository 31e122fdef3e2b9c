"""Which source category feeds which KPI: the `[import.*]` tables of `config.toml`.

A category maps to a KPI only where the definitions match. Categories that look close but are
not the same thing (ONS "Robbery" is personal and business robbery together; police.uk "Drugs"
mixes trafficking and possession) stay unmapped, each with the reason in `not_mapped`, and the
import lists them rather than forcing them onto the nearest KPI.

The defaults below are the tables README.md gives for `config.toml`; a config's own tables
replace them key by key (`offence_groups`, `knife`, …), so an analyst can change one table
without restating the others.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcp_tui.framework import Framework

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class MappingError(ValueError):
    """An `[import.*]` table names a KPI the config does not have, or has the wrong shape."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


DEFAULT_ONS_PFA: dict[str, Any] = {
    # Table P1, police recorded crime by offence group (numbers, 12 months to the edition)
    "offence_groups": {
        "Homicide": "homicides",
        "Violence with injury": "violence-with-injury",
        "Residential burglary": "residential-burglary",
        "Non-residential burglary": "business-burglary",
        "Theft from the person": "theft-from-person",
        "Shoplifting": "shoplifting",
    },
    # Table P4, knife or sharp instrument offences: number of offences involving a knife
    "knife": {
        "Total of selected serious offences": "knife-crime",
    },
    # anti-social behaviour incidents by financial year (March editions)
    "asb": {
        "Number of Incidents": "asb-incidents",
    },
    "not_mapped": {
        "Robbery": "personal and business property together; robbery-personal counts robbery "
                   "of personal property only (and business-robbery business property only)",
        "Burglary": "residential and non-residential together; each has its own KPI",
        "Vehicle offences": "theft of and from vehicles and vehicle interference together; "
                            "theft-of-vehicle and theft-from-vehicle are separate",
        "Drug offences": "trafficking and possession together; drug-trafficking and "
                         "drug-possession are separate",
        "Violence against the person": "all violence; the plan measures violence with injury "
                                       "and homicide",
        "Total recorded crime (excluding fraud)": "all crime; no plan KPI",
        "Rate per 1,000 population": "a rate; pcp-tui works from the counts and the "
                                     "configured populations",
        "Number per 1,000 population": "a rate; pcp-tui works from the counts and the "
                                       "configured populations",
    },
}

DEFAULT_POLICE_UK: dict[str, Any] = {
    # street-level crime types (police.uk `Crime type`) → KPI: quarterly counts
    "crime_types": {
        "Anti-social behaviour": "asb-incidents",
        "Shoplifting": "shoplifting",
        "Theft from the person": "theft-from-person",
    },
    "not_mapped": {
        "Drugs": "trafficking and possession together; drug-trafficking and drug-possession "
                 "are separate",
        "Robbery": "personal and business robbery together; robbery-personal is personal "
                   "property only",
        "Vehicle crime": "theft of and from vehicles and interference together",
        "Burglary": "residential and business burglary together",
        "Possession of weapons": "no plan KPI counts possession of weapons offences",
        "Violence and sexual offences": "all violence and sexual offences; no plan KPI "
                                        "(violence with injury is not separated)",
    },
    # the first archive layout (`Month,Reported by,Falls within,Easting,Northing,Location,
    # Crime type,Context`: no Crime ID, LSOA or outcome), read with the crime types of that
    # time. Shoplifting and theft from the person were inside "Other crime" then, so a quarter
    # of these files gives no value for them (never a zero)
    "layout_2011": {
        "crime_types": {
            "Anti-social behaviour": "asb-incidents",
        },
        "not_mapped": {
            "Other crime": "shoplifting, theft from the person, criminal damage, drugs, other "
                           "theft and public order together; shoplifting and "
                           "theft-from-person cannot be taken apart",
            "Violent crime": "all violence against the person and sexual offences; no plan KPI "
                             "(violence with injury is not separated)",
            "Robbery": "personal and business robbery together; robbery-personal is personal "
                       "property only",
            "Burglary": "residential and business burglary together",
            "Vehicle crime": "theft of and from vehicles and interference together",
        },
    },
    "stop_search": {
        "section_60": "section-60-searches",
        "positive_outcome_rate": "stop-search-positive-outcome-rate",
        "weapon_object_share": "stop-search-weapon-object",
        # the outcome vocabulary of every year, each outcome named: 2015-2016 first, then the
        # later names. An outcome in neither list is reported and counted on neither side
        "negative_outcomes": ["Nothing found - no further action", "A no further action disposal"],
        "positive_outcomes": [
            "Suspect arrested", "Arrest",
            "Suspect summonsed to court", "Summons / charged by post",
            "Offender cautioned", "Caution (simple or conditional)",
            "Offender given penalty notice", "Penalty Notice for Disorder",
            "Offender given drugs possession warning", "Khat or Cannabis warning",
            "Local resolution", "Community resolution",
        ],
        # outcomes that say nothing about the result: left out of the rate altogether
        "unknown_outcomes": ["", "Details not available"],
        "weapon_objects": ["Offensive weapons"],
        "section_60_legislation": ["Criminal Justice and Public Order Act 1994 (section 60)"],
        # searches without reasonable grounds (section 60 and section 47A of the Terrorism
        # Act 2000); every other power requires reasonable grounds
        "no_suspicion_legislation": [
            "Criminal Justice and Public Order Act 1994 (section 60)",
            "Terrorism Act 2000 (section 47A)",
        ],
    },
    # resident population by self-defined ethnic group, per config force id, for search rates
    # per 1,000; no default: fill in from the Census for the police force area
    "population_by_ethnicity": {},
}

ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", "Not stated")

DEFAULT_HO_WORKFORCE: dict[str, Any] = {
    # Home Office "Police workforce, England and Wales": a table's subject (its title before
    # "by police force area") counted in headcount → KPI; levels at the tables' "as at" dates
    "headcount": {
        "Police officers": "police-officers-total",
        "Police community support officers": "pcsos",
        "Special constables": "special-constables",
    },
    # the same in full-time equivalents; no plan KPI is counted in FTE
    "fte": {},
    # a subject, or a subject and unit (`Police officers (FTE)`), and why no KPI takes it
    "not_mapped": {
        "Police officers (FTE)": "full-time equivalents; police-officers-total and the "
                                 "uplift are counted in headcount (kept as a context series)",
        "Police community support officers (FTE)": "full-time equivalents; pcsos counts "
                                                   "headcount (kept as a context series)",
        "Police support volunteers": "no plan KPI counts police support volunteers "
                                     "(cadet-volunteers counts volunteers in cadet units); "
                                     "kept as a context series",
        "Police staff": "not read: no plan KPI counts police staff",
        "Designated officers": "not read: no plan KPI counts designated officers",
        "Police staff and designated officers": "not read: no plan KPI counts police staff",
    },
}

DEFAULT_HO_USE_OF_FORCE: dict[str, Any] = {
    # Home Office "Police use of force statistics": a by-force series (financial-year totals,
    # written as `value_12m` at the year's Q4) → KPI, only where the definitions match.
    # Series: `incidents`, `tactics`, `tactics-white`, `tactics-black`, `tactics-asian`,
    # `tactics-chinese`, `tactics-mixed`, `tactics-other`, `tactics-dont-know`,
    # `tactics-not-reported`. No plan KPI has these definitions, so none is mapped.
    "series": {},
    "not_mapped": {
        "incidents": "incidents in which force was used, as the force recorded them; no plan "
                     "KPI counts them (kept as a context series)",
        "tactics by perceived ethnicity": "tactics, not people, by the officer's perception; "
                                          "stop-search-uof-disproportionality is a ratio of "
                                          "rates per population for stop and search and use "
                                          "of force together (kept as context series, with "
                                          "the minority ethnic share of tactics)",
        "subject injuries": "national totals only (no force figures); "
                            "uof-death-serious-injury is the force's own count",
        "CED (Taser) use by force": "not read: no plan KPI counts CED use",
    },
}

HO_USE_OF_FORCE_SERIES = (
    "incidents", "tactics", "tactics-white", "tactics-black", "tactics-asian", "tactics-chinese",
    "tactics-mixed", "tactics-other", "tactics-dont-know", "tactics-not-reported",
)


def label_key(text: Any) -> str:
    """An ONS table label compared without footnote marks, case or spacing."""
    return " ".join(strip_footnotes(str(text)).split()).casefold()


def plain_key(text: Any) -> str:
    """A police.uk value compared without case or spacing (its digits are not footnotes:
    `Misuse of Drugs Act 1971 (section 23)`)."""
    return " ".join(str("" if text is None else text).split()).casefold()


_FOOTNOTE = re.compile(r"(?<=[^\W\d_]|\))\s?\d{1,2}(?:\s*,\s*\d{1,2})*(?=\s*$|\s*\))")


def strip_footnotes(text: str) -> str:
    """`Cheshire7` → `Cheshire`, `North West 7,8` → `North West`, `(excluding fraud3)` →
    `(excluding fraud)`. Digits after a letter or a closing bracket, at the end or before a
    bracket, are footnote marks; digits after a hyphen or a space-free number stay."""
    cleaned = " ".join(str(text).split())
    return _FOOTNOTE.sub("", cleaned).strip()


@dataclass(frozen=True)
class OnsPfaMapping:
    offence_groups: dict[str, str]  # label_key → KPI id
    knife: dict[str, str]
    asb: dict[str, str]
    not_mapped: dict[str, str]  # label_key → reason
    labels: dict[str, str] = field(default_factory=dict)  # label_key → label as configured

    def as_toml_dict(self) -> dict[str, Any]:
        return {
            "offence_groups": {self.labels.get(k, k): v for k, v in self.offence_groups.items()},
            "knife": {self.labels.get(k, k): v for k, v in self.knife.items()},
            "asb": {self.labels.get(k, k): v for k, v in self.asb.items()},
            "not_mapped": {self.labels.get(k, k): v for k, v in self.not_mapped.items()},
        }


@dataclass(frozen=True)
class StopSearchRules:
    section_60: str | None
    positive_outcome_rate: str | None
    weapon_object_share: str | None
    negative_outcomes: frozenset[str]  # plain_key
    positive_outcomes: frozenset[str]
    unknown_outcomes: frozenset[str]
    weapon_objects: frozenset[str]
    section_60_legislation: frozenset[str]
    no_suspicion_legislation: frozenset[str]


@dataclass(frozen=True)
class PoliceUkMapping:
    crime_types: dict[str, str]  # plain_key → KPI id
    not_mapped: dict[str, str]
    stop_search: StopSearchRules
    population_by_ethnicity: dict[str, dict[str, int]]  # force id → group → people
    labels: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    crime_types_2011: dict[str, str] = field(default_factory=dict)  # the first layout's
    not_mapped_2011: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HoWorkforceMapping:
    headcount: dict[str, str]  # label_key of a table's subject → KPI id
    fte: dict[str, str]
    not_mapped: dict[str, str]  # label_key of a subject or `subject (unit)` → reason
    labels: dict[str, str] = field(default_factory=dict)

    def kpi(self, subject: str, unit: str) -> str | None:
        table = self.headcount if unit == "headcount" else self.fte
        return table.get(label_key(subject))

    def reason(self, subject: str, unit: str) -> str:
        """Why no KPI takes a subject: the reason given for `subject (unit)`, else for the
        longest subject the label begins with."""
        key = label_key(subject)
        own = self.not_mapped.get(f"{key} ({unit.casefold()})")
        if own is not None:
            return own
        best = max((k for k in self.not_mapped if key.startswith(k)), key=len, default=None)
        table = "headcount" if unit == "headcount" else "fte"
        return self.not_mapped[best] if best else f"no KPI in [import.ho_workforce.{table}]"

    def as_toml_dict(self) -> dict[str, Any]:
        return {
            "headcount": {self.labels.get(k, k): v for k, v in self.headcount.items()},
            "fte": {self.labels.get(k, k): v for k, v in self.fte.items()},
            "not_mapped": {self.labels.get(k, k): v for k, v in self.not_mapped.items()},
        }


@dataclass(frozen=True)
class HoUseOfForceMapping:
    series: dict[str, str]  # series name → KPI id
    not_mapped: dict[str, str]  # what is not mapped, as the config spells it → reason

    def as_toml_dict(self) -> dict[str, Any]:
        return {"series": dict(self.series), "not_mapped": dict(self.not_mapped)}


def read_import_tables(config_path: str | Path) -> dict[str, Any]:
    """The `[import]` table of a config file (empty when it has none)."""
    try:
        with open(config_path, "rb") as handle:
            document = tomllib.load(handle)
    except RecursionError:
        raise MappingError([f"{config_path}: nests arrays or tables too deeply"]) from None
    table = document.get("import", {})
    if not isinstance(table, dict):
        raise MappingError([f"{config_path}: [import] must be a table"])
    return table


def _merged(defaults: dict[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in (given or {}).items():
        merged[key] = value
    return merged


def _kpi_table(
    table: Any, where: str, framework: Framework | None, errors: list[str],
    labels: dict[str, str], key: Callable[[Any], str] = label_key,
) -> dict[str, str]:
    if not isinstance(table, Mapping):
        errors.append(f"[{where}] must be a table of \"source label\" = \"kpi-id\"")
        return {}
    known = set(framework.kpi_ids) if framework is not None else None
    out = {}
    for label, kpi in table.items():
        if not isinstance(kpi, str):
            errors.append(f"[{where}] {label!r}: found {kpi!r}; expected a KPI id as text")
            continue
        if known is not None and kpi not in known:
            errors.append(f"[{where}] {label!r}: {kpi!r} is not a KPI id in the config")
            continue
        out[key(label)] = kpi
        labels[key(label)] = str(label)
    return out


def _reasons(
    table: Any, where: str, errors: list[str], labels: dict[str, str],
    key: Callable[[Any], str] = label_key,
) -> dict[str, str]:
    if not isinstance(table, Mapping):
        errors.append(f"[{where}] must be a table of \"source label\" = \"reason\"")
        return {}
    out = {}
    for label, reason in table.items():
        out[key(label)] = str(reason)
        labels.setdefault(key(label), str(label))
    return out


def ons_pfa_mapping(
    table: Mapping[str, Any] | OnsPfaMapping | None, framework: Framework | None = None,
) -> OnsPfaMapping:
    """Check an `[import.ons_pfa]` table (None: the defaults) against the config's KPIs."""
    if isinstance(table, OnsPfaMapping):
        return table
    merged = _merged(DEFAULT_ONS_PFA, table)
    unknown = sorted(set(merged) - set(DEFAULT_ONS_PFA))
    errors = [f"[import.ons_pfa] unknown key {k!r}; expected one of "
              f"{', '.join(DEFAULT_ONS_PFA)}" for k in unknown]
    labels: dict[str, str] = {}
    mapping = OnsPfaMapping(
        offence_groups=_kpi_table(merged["offence_groups"], "import.ons_pfa.offence_groups",
                                  framework, errors, labels),
        knife=_kpi_table(merged["knife"], "import.ons_pfa.knife", framework, errors, labels),
        asb=_kpi_table(merged["asb"], "import.ons_pfa.asb", framework, errors, labels),
        not_mapped=_reasons(merged["not_mapped"], "import.ons_pfa.not_mapped", errors, labels),
        labels=labels,
    )
    if errors:
        raise MappingError(errors)
    return mapping


def police_uk_mapping(
    table: Mapping[str, Any] | PoliceUkMapping | None, framework: Framework | None = None,
) -> PoliceUkMapping:
    """Check an `[import.police_uk]` table (None: the defaults) against the config's KPIs."""
    if isinstance(table, PoliceUkMapping):
        return table
    merged = _merged(DEFAULT_POLICE_UK, table)
    unknown_keys = sorted(set(merged) - set(DEFAULT_POLICE_UK))
    errors = [f"[import.police_uk] unknown key {k!r}; expected one of "
              f"{', '.join(DEFAULT_POLICE_UK)}" for k in unknown_keys]
    labels: dict[str, str] = {}
    crime_types = _kpi_table(merged["crime_types"], "import.police_uk.crime_types", framework,
                             errors, labels, key=plain_key)
    not_mapped = _reasons(merged["not_mapped"], "import.police_uk.not_mapped", errors, labels,
                          key=plain_key)
    first_layout: Any = merged["layout_2011"]
    if not isinstance(first_layout, Mapping):
        errors.append("[import.police_uk.layout_2011] must be a table with crime_types and "
                      "not_mapped")
        first_layout = {}
    first_layout = _merged(DEFAULT_POLICE_UK["layout_2011"], first_layout)
    errors += [f"[import.police_uk.layout_2011] unknown key {k!r}; expected crime_types or "
               "not_mapped" for k in sorted(set(first_layout) - {"crime_types", "not_mapped"})]
    labels_2011: dict[str, str] = {}
    crime_types_2011 = _kpi_table(first_layout.get("crime_types", {}),
                                  "import.police_uk.layout_2011.crime_types", framework, errors,
                                  labels_2011, key=plain_key)
    not_mapped_2011 = _reasons(first_layout.get("not_mapped", {}),
                               "import.police_uk.layout_2011.not_mapped", errors, labels_2011,
                               key=plain_key)
    given_rules: dict[str, Any] = {}
    if isinstance(merged["stop_search"], Mapping):
        given_rules = dict(merged["stop_search"])
    else:
        errors.append("[import.police_uk.stop_search] must be a table")
    if "no_further_action" in given_rules:  # the older name of negative_outcomes
        older = given_rules.pop("no_further_action")
        if "negative_outcomes" not in given_rules:
            given_rules["negative_outcomes"] = older
    rules_table = _merged(DEFAULT_POLICE_UK["stop_search"], given_rules)
    where = "import.police_uk.stop_search"
    unknown = sorted(set(rules_table) - set(DEFAULT_POLICE_UK["stop_search"]))
    errors += [f"[{where}] unknown key {k!r}" for k in unknown]
    known = set(framework.kpi_ids) if framework is not None else None

    def kpi(key: str) -> str | None:
        value = rules_table.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str) or (known is not None and value not in known):
            errors.append(f"[{where}] {key}: {value!r} is not a KPI id in the config")
            return None
        return value

    def words(key: str) -> frozenset[str]:
        value = rules_table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"[{where}] {key}: expected a list of text")
            return frozenset()
        return frozenset(plain_key(v) for v in value)

    rules = StopSearchRules(
        section_60=kpi("section_60"),
        positive_outcome_rate=kpi("positive_outcome_rate"),
        weapon_object_share=kpi("weapon_object_share"),
        negative_outcomes=words("negative_outcomes"),
        positive_outcomes=words("positive_outcomes"),
        unknown_outcomes=words("unknown_outcomes"),
        weapon_objects=words("weapon_objects"),
        section_60_legislation=words("section_60_legislation"),
        no_suspicion_legislation=words("no_suspicion_legislation"),
    )
    populations: dict[str, dict[str, int]] = {}
    pop_table = merged["population_by_ethnicity"]
    if not isinstance(pop_table, Mapping):
        errors.append("[import.police_uk.population_by_ethnicity] must hold one table per force")
        pop_table = {}
    for force_id, groups in pop_table.items():
        place = f"import.police_uk.population_by_ethnicity.{force_id}"
        if not isinstance(groups, Mapping):
            errors.append(f"[{place}] must be a table of group = people")
            continue
        clean: dict[str, int] = {}
        for group, people in groups.items():
            if group not in ETHNIC_GROUPS:
                errors.append(f"[{place}] {group!r}: expected one of {', '.join(ETHNIC_GROUPS)}")
            elif not isinstance(people, int) or isinstance(people, bool) or people <= 0:
                errors.append(f"[{place}] {group}: found {people!r}; expected a whole number "
                              "above 0")
            else:
                clean[group] = people
        populations[str(force_id)] = clean
    for outcome in sorted(rules.negative_outcomes & rules.positive_outcomes):
        errors.append(f"[{where}] {outcome!r} is in both negative_outcomes and "
                      "positive_outcomes; an outcome is one or the other")
    for outcome in sorted(rules.unknown_outcomes & (rules.negative_outcomes
                                                    | rules.positive_outcomes)):
        errors.append(f"[{where}] {outcome!r} is in unknown_outcomes and also counted as "
                      "negative or positive")
    if errors:
        raise MappingError(errors)
    return PoliceUkMapping(crime_types, not_mapped, rules, populations, labels,
                           raw={**merged, "stop_search": rules_table,
                                "layout_2011": first_layout},
                           crime_types_2011=crime_types_2011, not_mapped_2011=not_mapped_2011)


def ho_workforce_mapping(
    table: Mapping[str, Any] | HoWorkforceMapping | None, framework: Framework | None = None,
) -> HoWorkforceMapping:
    """Check an `[import.ho_workforce]` table (None: the defaults) against the config's KPIs.
    A KPI takes headcount or full-time equivalents, never both."""
    if isinstance(table, HoWorkforceMapping):
        return table
    merged = _merged(DEFAULT_HO_WORKFORCE, table)
    unknown = sorted(set(merged) - set(DEFAULT_HO_WORKFORCE))
    errors = [f"[import.ho_workforce] unknown key {k!r}; expected one of "
              f"{', '.join(DEFAULT_HO_WORKFORCE)}" for k in unknown]
    labels: dict[str, str] = {}
    headcount = _kpi_table(merged["headcount"], "import.ho_workforce.headcount", framework,
                           errors, labels)
    fte = _kpi_table(merged["fte"], "import.ho_workforce.fte", framework, errors, labels)
    for kpi in sorted(set(headcount.values()) & set(fte.values())):
        errors.append(f"[import.ho_workforce] {kpi!r} is named under both headcount and fte; "
                      "a KPI is counted one way, never both")
    not_mapped = _reasons(merged["not_mapped"], "import.ho_workforce.not_mapped", errors,
                          labels)
    if errors:
        raise MappingError(errors)
    return HoWorkforceMapping(headcount, fte, not_mapped, labels)


def ho_use_of_force_mapping(
    table: Mapping[str, Any] | HoUseOfForceMapping | None, framework: Framework | None = None,
) -> HoUseOfForceMapping:
    """Check an `[import.ho_use_of_force]` table (None: the defaults) against the config."""
    if isinstance(table, HoUseOfForceMapping):
        return table
    merged = _merged(DEFAULT_HO_USE_OF_FORCE, table)
    unknown = sorted(set(merged) - set(DEFAULT_HO_USE_OF_FORCE))
    errors = [f"[import.ho_use_of_force] unknown key {k!r}; expected one of "
              f"{', '.join(DEFAULT_HO_USE_OF_FORCE)}" for k in unknown]
    labels: dict[str, str] = {}
    series = _kpi_table(merged["series"], "import.ho_use_of_force.series", framework, errors,
                        labels, key=plain_key)
    for name in sorted(set(series) - set(HO_USE_OF_FORCE_SERIES)):
        errors.append(f"[import.ho_use_of_force.series] {labels[name]!r} is not a series; "
                      f"expected one of {', '.join(HO_USE_OF_FORCE_SERIES)}")
    reasons = _reasons(merged["not_mapped"], "import.ho_use_of_force.not_mapped", errors,
                       labels, key=plain_key)
    if errors:
        raise MappingError(errors)
    return HoUseOfForceMapping(series, {labels.get(k, k): v for k, v in reasons.items()})


# every `[import.<key>]` table and the function that checks it
IMPORT_TABLES: dict[str, Callable[[Any, Framework | None], Any]] = {
    "ons_pfa": ons_pfa_mapping,
    "police_uk": police_uk_mapping,
    "ho_workforce": ho_workforce_mapping,
    "ho_use_of_force": ho_use_of_force_mapping,
}
