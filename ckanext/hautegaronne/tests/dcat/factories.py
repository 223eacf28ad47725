"""Publishers and datasets for the DCAT tests, created through the action API.

Organisations carry the fields agreed with the publishers concern (``publisher_type``,
``siren``, ``insee_code``, ``contact_email``...); every publisher is a CKAN organization.
"""
from __future__ import annotations

import itertools

import ckan.plugins.toolkit as tk

_counter = itertools.count(1)

PUBLISHERS = {
    "departement": {"type": "organization", "name": "departement-haute-garonne",
                    "title": "Conseil départemental de la Haute-Garonne",
                    "publisher_type": "departement", "siren": "223100017",
                    "contact_name": "Mission open data",
                    "contact_email": "opendata@cd31.example.org",
                    "website": "https://www.haute-garonne.fr/"},
    "sicoval": {"type": "organization", "name": "sicoval", "title": "Sicoval",
                "publisher_type": "epci", "siren": "243100633", "epci_nature": "CA",
                "contact_name": "Service SIG", "contact_email": "sig@sicoval.example.org"},
    "roques": {"type": "organization", "name": "roques", "title": "Roques",
               "publisher_type": "commune", "insee_code": "31458", "siren": "213104581",
               "contact_name": "Mairie de Roques",
               "contact_email": "mairie@roques.example.org"},
}


def sysadmin_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def publisher(key: str, **overrides) -> dict:
    data = {**PUBLISHERS[key], **overrides}
    return tk.get_action("organization_create")(sysadmin_context(), data)


def dataset_fields(org: dict, **overrides) -> dict:
    number = next(_counter)
    data = {
        "name": f"jeu-{number}",
        "title": f"Équipements publics n°{number}",
        "notes": "Liste des équipements, avec leur adresse et leur accessibilité.",
        "owner_org": org["id"],
        "tag_string": "équipements,accessibilité",
        "license_id": "lov2",
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/GOVE"],
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
        "contact": [{"name": "Service open data", "email": "opendata@example.org"}],
        "resources": [{"name": "Équipements (CSV)", "url": "https://example.org/equipements.csv",
                       "format": "CSV", "mimetype": "text/csv", "size": 1234}],
    }
    data.update(overrides)
    return data


def dataset(org: dict, **overrides) -> dict:
    return tk.get_action("package_create")(sysadmin_context(), dataset_fields(org, **overrides))


def load_into_datastore(dataset_name: str) -> list[str]:
    """The dataset's CSV resources made DataStore-active, as a finished load leaves them (a
    table with a row; the load job itself is tested in tests/tabular). Returns their ids."""
    dataset = tk.get_action("package_show")({}, {"id": dataset_name})
    loaded = []
    for resource in dataset["resources"]:
        if resource.get("format") != "CSV":
            continue
        tk.get_action("datastore_create")(sysadmin_context(), {
            "resource_id": resource["id"], "force": True,
            "fields": [{"id": "commune", "type": "text"}, {"id": "comptage", "type": "int"}],
            "records": [{"commune": "Roques", "comptage": 1520}]})
        loaded.append(resource["id"])
    assert loaded, dataset_name
    return loaded


def unload(resource_ids: list[str]) -> None:
    for resource_id in resource_ids:
        tk.get_action("datastore_delete")(sysadmin_context(), {
            "resource_id": resource_id, "force": True})
