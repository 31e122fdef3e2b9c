"""The police force areas of England and Wales as the public files name them.

ONS tables name a police force area by its area code (`E23000014`) and a short name
(`West Midlands`); police.uk names a force by a slug in its file names (`west-midlands`) and by
its full name in the `Reported by` / `Falls within` columns (`West Midlands Police`). This table
ties the three together so that an importer can tell a force from a region of the same name and
resolve any spelling to the config's own force ids (area code first, then name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pcp_tui.framework import Settings


@dataclass(frozen=True, slots=True)
class ForceArea:
    slug: str  # police.uk file-name slug
    code: str  # ONS area code (E23…, W15…); empty for forces without a police force area
    name: str  # the ONS table name
    police_uk_name: str  # `Reported by` / `Falls within` in police.uk files
    aliases: tuple[str, ...] = ()


FORCE_AREAS: tuple[ForceArea, ...] = (
    ForceArea("avon-and-somerset", "E23000036", "Avon and Somerset",
              "Avon and Somerset Constabulary"),
    ForceArea("bedfordshire", "E23000026", "Bedfordshire", "Bedfordshire Police"),
    ForceArea("cambridgeshire", "E23000023", "Cambridgeshire", "Cambridgeshire Constabulary"),
    ForceArea("cheshire", "E23000006", "Cheshire", "Cheshire Constabulary"),
    ForceArea("city-of-london", "E23000034", "City of London", "City of London Police",
              ("London, City of",)),
    ForceArea("cleveland", "E23000013", "Cleveland", "Cleveland Police"),
    ForceArea("cumbria", "E23000002", "Cumbria", "Cumbria Constabulary"),
    ForceArea("derbyshire", "E23000018", "Derbyshire", "Derbyshire Constabulary"),
    ForceArea("devon-and-cornwall", "E23000035", "Devon and Cornwall", "Devon & Cornwall Police"),
    ForceArea("dorset", "E23000039", "Dorset", "Dorset Police"),
    ForceArea("durham", "E23000008", "Durham", "Durham Constabulary"),
    ForceArea("dyfed-powys", "W15000004", "Dyfed-Powys", "Dyfed-Powys Police"),
    ForceArea("essex", "E23000028", "Essex", "Essex Police"),
    ForceArea("gloucestershire", "E23000037", "Gloucestershire", "Gloucestershire Constabulary"),
    ForceArea("greater-manchester", "E23000005", "Greater Manchester",
              "Greater Manchester Police"),
    ForceArea("gwent", "W15000002", "Gwent", "Gwent Police"),
    ForceArea("hampshire", "E23000030", "Hampshire", "Hampshire Constabulary"),
    ForceArea("hertfordshire", "E23000027", "Hertfordshire", "Hertfordshire Constabulary"),
    ForceArea("humberside", "E23000012", "Humberside", "Humberside Police"),
    ForceArea("kent", "E23000032", "Kent", "Kent Police"),
    ForceArea("lancashire", "E23000003", "Lancashire", "Lancashire Constabulary"),
    ForceArea("leicestershire", "E23000021", "Leicestershire", "Leicestershire Police"),
    ForceArea("lincolnshire", "E23000020", "Lincolnshire", "Lincolnshire Police"),
    ForceArea("merseyside", "E23000004", "Merseyside", "Merseyside Police"),
    ForceArea("metropolitan", "E23000001", "Metropolitan Police",
              "Metropolitan Police Service", ("Metropolitan",)),
    ForceArea("norfolk", "E23000024", "Norfolk", "Norfolk Constabulary"),
    ForceArea("north-wales", "W15000001", "North Wales", "North Wales Police"),
    ForceArea("north-yorkshire", "E23000009", "North Yorkshire", "North Yorkshire Police"),
    ForceArea("northamptonshire", "E23000022", "Northamptonshire", "Northamptonshire Police"),
    ForceArea("northumbria", "E23000007", "Northumbria", "Northumbria Police"),
    ForceArea("nottinghamshire", "E23000019", "Nottinghamshire", "Nottinghamshire Police"),
    ForceArea("south-wales", "W15000003", "South Wales", "South Wales Police"),
    ForceArea("south-yorkshire", "E23000011", "South Yorkshire", "South Yorkshire Police"),
    ForceArea("staffordshire", "E23000015", "Staffordshire", "Staffordshire Police"),
    ForceArea("suffolk", "E23000025", "Suffolk", "Suffolk Constabulary"),
    ForceArea("surrey", "E23000031", "Surrey", "Surrey Police"),
    ForceArea("sussex", "E23000033", "Sussex", "Sussex Police"),
    ForceArea("thames-valley", "E23000029", "Thames Valley", "Thames Valley Police"),
    ForceArea("warwickshire", "E23000017", "Warwickshire", "Warwickshire Police"),
    ForceArea("west-mercia", "E23000016", "West Mercia", "West Mercia Police"),
    ForceArea("west-midlands", "E23000014", "West Midlands", "West Midlands Police"),
    ForceArea("west-yorkshire", "E23000010", "West Yorkshire", "West Yorkshire Police"),
    ForceArea("wiltshire", "E23000038", "Wiltshire", "Wiltshire Police"),
    # police.uk publishes these too; they have no police force area in the ONS tables
    ForceArea("btp", "", "British Transport Police", "British Transport Police"),
    ForceArea("northern-ireland", "", "Northern Ireland", "Police Service of Northern Ireland"),
)
TERRITORIAL_FORCES = tuple(f for f in FORCE_AREAS if f.code)

# English regions and the national totals: rows of the ONS tables that are not forces.
REGIONS: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "E92000001": "England",
    "W92000004": "Wales",
    "K04000001": "England and Wales",
}
REGION_ALIASES = {"east of england": "E12000006", "yorkshire and the humber": "E12000003"}


def area_key(name: str) -> str:
    """A spelling-insensitive key: `Devon & Cornwall Police` and `devon and cornwall` agree."""
    text = " ".join(str(name).replace("&", " and ").split()).casefold()
    for suffix in (" police service", " constabulary", " police"):
        if text.endswith(suffix) and text != "metropolitan police":
            text = text.removesuffix(suffix)
            break
    if text.startswith("police service of "):
        text = text.removeprefix("police service of ")
    return text


_BY_CODE = {f.code: f for f in TERRITORIAL_FORCES}
_BY_SLUG = {f.slug: f for f in FORCE_AREAS}
_BY_NAME: dict[str, ForceArea] = {}
for _force in FORCE_AREAS:
    for _name in (_force.name, _force.police_uk_name, _force.slug.replace("-", " "),
                  *_force.aliases):
        _BY_NAME[area_key(_name)] = _force
_REGION_BY_NAME = {area_key(name): code for code, name in REGIONS.items()}
_REGION_BY_NAME.update(REGION_ALIASES)


def force_by_code(code: str) -> ForceArea | None:
    return _BY_CODE.get(str(code).strip().upper())


def force_by_slug(slug: str) -> ForceArea | None:
    return _BY_SLUG.get(str(slug).strip().lower())


def force_by_name(name: str) -> ForceArea | None:
    return _BY_NAME.get(area_key(name))


def region_code(name: str) -> str | None:
    """The code of a region or national total named `name` (`England and Wales (exc. BTP)`
    counts as England and Wales)."""
    key = area_key(re.sub(r"\(.*?\)", "", str(name)))
    return _REGION_BY_NAME.get(key)


def is_code(text: str) -> bool:
    return bool(re.fullmatch(r"[EWKSN]\d{8}", str(text).strip().upper()))


def config_force_id(settings: Settings, area: ForceArea) -> str | None:
    """The config's id for a force area: by area code first, then by any of its names."""
    if area.code:
        for force in settings.forces.values():
            if force.area_code and force.area_code.strip().upper() == area.code:
                return force.id
    for name in (area.slug, area.name, area.police_uk_name, *area.aliases):
        found = settings.force_id(name)
        if found is not None:
            return found
        for force in settings.forces.values():
            if area_key(force.name) == area_key(name) or area_key(force.id) == area_key(name):
                return force.id
    return None
