"""Template helpers of the DCAT concern (registered through ckanext/hautegaronne/helpers.py)."""
from __future__ import annotations

import functools

import ckan.plugins.toolkit as tk

from .. import territory
from . import licences, spatial

CATALOG_FORMATS = ("ttl", "rdf", "jsonld", "xml")


@functools.cache
def _spatial_choices() -> tuple[tuple[str, str], ...]:
    data = territory.territory()
    departement = data.departement
    choices = [(departement["code"], f"{departement['name']} (département, {departement['code']})")]
    for epci in sorted(data.epcis.values(), key=lambda e: e["name"]):
        choices.append((epci["siren"], f"{epci['name']} (SIREN {epci['siren']})"))
    for commune in sorted(data.communes.values(), key=lambda c: (c["name"], c["code"])):
        choices.append((commune["code"], f"{commune['name']} ({commune['code']})"))
    return tuple(choices)


def spatial_choices() -> list[dict]:
    """The département, its EPCI and its communes, for scheming's ``choices_helper``."""
    return [{"value": value, "label": label} for value, label in _spatial_choices()]


def licence_choices() -> list[dict]:
    return [{"value": licence["id"], "label": licence["title"]}
            for licence in licences.licences()]


def publisher_catalog_url(org_name: str, fmt: str = "ttl") -> str:
    """Absolute URL of a publisher's own DCAT catalog (served without redirect)."""
    if fmt not in CATALOG_FORMATS:
        fmt = "ttl"
    return tk.url_for("hautegaronne_dcat.publisher_catalog", org_name=org_name, _format=fmt,
                      _external=True)


def spatial_label(code: str) -> str | None:
    found = spatial.coverage(code) if code else None
    return found["text"] if found else None
