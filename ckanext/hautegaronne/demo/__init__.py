"""Demo content of the portal: publishers and datasets loaded by `make up`.

Idempotent: existing organisations and datasets are updated, never duplicated.
The figures are generated (seeded, so stable between runs) and labelled as such.
"""
from __future__ import annotations

import csv
import io
import random
from typing import Iterator

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from . import publishers

DEPARTEMENT_ORG = {
    "name": "departement-haute-garonne",
    "title": "Conseil départemental de la Haute-Garonne",
    "description": "Le Département de la Haute-Garonne publie les données de ses services.",
}

ROADS = ["RD820", "RD813", "RD632", "RD120", "RD2", "RD916", "RD817", "RD4", "RD1", "RD15"]
STATUSES = ["permanent", "tournant", "exceptionnel"]


def traffic_counts_csv(seed: int = 31, points: int = 60) -> bytes:
    """Generated road traffic counts: one row per counting point."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id_point", "route", "pr", "abscisse", "statut", "annee",
                     "tmja", "part_pl", "longitude", "latitude"])
    for index in range(points):
        road = ROADS[index % len(ROADS)]
        status = STATUSES[0] if index % 6 == 0 else STATUSES[1 + index % 2]
        tmja = rng.randint(800, 42000)
        writer.writerow([
            f"CPT31-{index + 1:04d}", road, rng.randint(0, 80), rng.randint(0, 999),
            status, 2025, tmja, f"{rng.uniform(2.0, 18.0):.1f}",
            f"{rng.uniform(0.45, 1.95):.5f}", f"{rng.uniform(42.70, 43.90):.5f}",
        ])
    return out.getvalue().encode("utf-8")


def _site_context() -> dict:
    """A fresh context for the site user (a sysadmin): CKAN mutates contexts."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def ensure_organization(data: dict) -> dict:
    try:
        existing = tk.get_action("organization_show")(_site_context(), {"id": data["name"]})
    except tk.ObjectNotFound:
        return tk.get_action("organization_create")(_site_context(), dict(data))
    return tk.get_action("organization_patch")(_site_context(), {"id": existing["id"], **data})


def ensure_dataset(data: dict, resources: list[dict]) -> dict:
    """Create or update a dataset; resources are matched by name."""
    try:
        existing = tk.get_action("package_show")(_site_context(), {"id": data["name"]})
    except tk.ObjectNotFound:
        existing = None
    if existing is None:
        dataset = tk.get_action("package_create")(_site_context(), dict(data))
    else:
        dataset = tk.get_action("package_patch")(_site_context(), {"id": existing["id"], **data})
    by_name = {r["name"]: r for r in dataset.get("resources", [])}
    for resource in resources:
        resource = dict(resource)
        content = resource.pop("content", None)
        if content is not None:
            resource["upload"] = FileStorage(io.BytesIO(content), filename=resource["filename"],
                                             content_type=resource.get("mimetype"))
            resource["url"] = resource.pop("filename")
        if resource["name"] in by_name:
            tk.get_action("resource_patch")(_site_context(), {"id": by_name[resource["name"]]["id"], **resource})
        else:
            tk.get_action("resource_create")(_site_context(), {"package_id": dataset["id"], **resource})
    return tk.get_action("package_show")(_site_context(), {"id": dataset["id"]})


def road_traffic_dataset(owner_org: str) -> tuple[dict, list[dict]]:
    dataset = {
        "name": "comptages-routiers-haute-garonne",
        "title": "Comptages routiers sur les routes départementales",
        "owner_org": owner_org,
        "notes": (
            "Trafic moyen journalier annuel (TMJA, deux sens confondus) et part des poids lourds "
            "aux points de comptage des routes départementales de la Haute-Garonne, repérés par "
            "route (numéro de RD) et point de repère (PR).\n\n"
            "Les points sont **permanents** (stations relevées en continu), **tournants** "
            "(relevés tous les deux ans) ou **exceptionnels** (campagnes ponctuelles).\n\n"
            "*Données générées pour la démonstration du portail : elles ont la forme des "
            "comptages réels mais pas leurs valeurs.*"
        ),
        "tag_string": "trafic,routes,mobilité,poids lourds",
        "license_id": "odc-odbl",
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "contact": [{"name": "Direction des routes", "email": "opendata@example.invalid"}],
        "identifier": "comptages-routiers@data.haute-garonne.fr",
        "conforms_to": ["https://schema.data.gouv.fr/etalab/schema-comptage-mobilites/"],
    }
    rows = traffic_counts_csv()
    resources = [{
        "name": "Comptages 2025 (CSV)",
        "description": "Un point de comptage par ligne. Séparateur virgule, encodage UTF-8.",
        "format": "CSV",
        "mimetype": "text/csv",
        "filename": "comptages-routiers-2025.csv",
        "content": rows,
        "size": len(rows),
    }]
    return dataset, resources


def load() -> Iterator[str]:
    yield from publishers.load()
    org = ensure_organization(DEPARTEMENT_ORG)
    yield f"organisation {org['name']}"
    dataset, resources = road_traffic_dataset(org["id"])
    dataset = ensure_dataset(dataset, resources)
    yield f"dataset {dataset['name']} ({len(dataset['resources'])} resources)"
