"""Template helpers of the DCAT concern (registered by the plugin, see ``registration``)."""
from __future__ import annotations

import functools

import ckan.plugins.toolkit as tk
import simplejson as json

from .. import territory
from . import adapter, file_types, licences, spatial

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


@tk.chained_helper
def structured_data(next_helper, dataset_dict: dict, profiles: list | None = None) -> str:
    """The schema.org JSON-LD that ckanext-dcat's ``structured_data`` plugin embeds in
    every dataset page, written as that plugin writes it, without looking the profiles up
    in the package entry points on each page (three quarters of its cost, and the main
    cost of the dataset page over vanilla CKAN: bench/page_cost.py)."""
    if not profiles:
        profiles = tk.config.get("ckanext.dcat.structured_data.profiles") or ["schemaorg"]
    # The coverage extras package_show adds for CKAN clients (standard/) are what the
    # stock schema.org profile reads for spatialCoverage and temporalCoverage: kept.
    output = adapter.PortalSerializer(profiles=profiles).serialize_dataset(
        dataset_dict, _format="jsonld")
    # As ckanext-dcat does: re-indented, and escaped for an HTML <script> element.
    return json.dumps(json.loads(output), sort_keys=True, indent=4, separators=(",", ": "),
                      cls=json.JSONEncoderForHTML)


def hautegaronne_spatial_choices(field: dict | None = None) -> list[dict]:
    """The territory's entities (département, EPCI, communes), for ``choices_helper``."""
    return spatial_choices()


def hautegaronne_licence_choices(field: dict | None = None) -> list[dict]:
    """The portal's licences, for ``choices_helper``."""
    return licence_choices()


def hautegaronne_file_type_choices(field: dict | None = None) -> list[dict]:
    """The resource formats of the form: the EU file types, described in French."""
    return [{"value": t.label, "label": {"fr": t.label_fr, "en": t.label}}
            for t in file_types.file_types()]


def get_helpers() -> dict:
    return {
        "hautegaronne_file_type_choices": hautegaronne_file_type_choices,
        "hautegaronne_spatial_choices": hautegaronne_spatial_choices,
        "hautegaronne_licence_choices": hautegaronne_licence_choices,
        "hautegaronne_publisher_catalog_url": publisher_catalog_url,
        # chained over ckanext-dcat's helper of the same name
        "structured_data": structured_data,
    }
