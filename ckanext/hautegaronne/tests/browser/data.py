"""Content for the browser tests, created through the action API."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.publishers import onboarding

PASSWORD = "Mot-de-passe-31!"


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def commune(insee_code: str) -> dict:
    """A commune onboarded from the territory reference data."""
    outcome = onboarding.add(onboarding.resolve(insee_code))
    return tk.get_action("organization_show")({"ignore_auth": True}, {"id": outcome.name})


def user(**extra) -> dict:
    """A user who can log in with PASSWORD."""
    return factories.User(password=PASSWORD, **extra)


def editor_of(org: dict) -> dict:
    user = factories.User(password=PASSWORD)
    tk.get_action("organization_member_create")(
        dict(site_context(), ignore_auth=True),
        {"id": org["id"], "username": user["name"], "role": "editor"})
    return user


def dataset_dict(owner_org: str, **extra) -> dict:
    """A complete dataset of the portal's schema."""
    data = {
        "name": "comptages-routiers",
        "title": "Comptages routiers sur les routes départementales",
        "owner_org": owner_org,
        "notes": "Trafic moyen journalier annuel aux points de comptage des routes départementales.",
        "tag_string": "trafic,routes",
        "license_id": "odc-odbl",
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "contact": [{"name": "Direction des routes", "email": "routes@example.org"}],
        "conforms_to_schema": [{
            "name": "etalab/schema-comptage-mobilites", "version": "0.2.0",
            "url": "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites/"}],
        "spatial_coverage": [{"code": "31"}],
        "resources": [{
            "name": "Comptages 2025 (CSV)", "format": "CSV",
            "description": "Un point de comptage par ligne.",
            "url": "https://data.example.org/comptages-2025.csv",
        }],
    }
    data.update(extra)
    return data


def published_dataset(org: dict, **extra) -> dict:
    return tk.get_action("package_create")(site_context(), dataset_dict(org["id"], **extra))
