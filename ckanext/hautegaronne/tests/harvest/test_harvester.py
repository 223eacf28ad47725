"""A commune's current platform harvested into its organisation (the issue's acceptance test).

A loopback HTTP server serves ``data/colomiers-catalog.rdf``, written for the tests in the shape
of the DCAT export of a commune's platform; it is harvested into the commune's organisation
three times: every field arrives, the second run changes nothing, the third run (after edits at
the source) updates exactly the edited datasets.
"""
from __future__ import annotations

import pytest

from .conftest import make_org, make_source, org_datasets, read_data, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]

DOMAIN = "data.ville-colomiers.example"
EU = "http://publications.europa.eu/resource/authority/"


def _ids(name):
    return f"{name}@{DOMAIN}"


def test_commune_catalog_every_field_then_unchanged_then_exact_updates(commune,
                                                                         catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    source = make_source(commune, url)

    first = run_job(source)
    assert first["gather_errors"] == [] and first["object_errors"] == []
    assert first["stats"].get("added") == 4
    datasets = org_datasets(commune)
    assert set(datasets) == {_ids("budget-primitif"), _ids("equipements-sportifs"),
                             _ids("arrets-bus"), _ids("qualite-air")}

    budget = datasets[_ids("budget-primitif")]
    # Owner: the source's organisation, although dct:publisher names Toulouse Métropole.
    assert budget["owner_org"] == commune["id"]
    assert budget["title"] == "Budget primitif de la ville"
    assert budget["notes"].startswith("Le budget primitif voté")
    assert budget["theme"] == [EU + "data-theme/ECON"]   # labelled concept "Économie et finances"
    assert budget["frequency"] == EU + "frequency/ANNUAL"  # "Annuelle"
    assert budget["license_id"] == "lov2"                  # the Etalab PDF URL
    assert [(c["code"], c["uri"], c["text"]) for c in budget["spatial_coverage"]] == [
        ("31149", "http://id.insee.fr/geo/commune/31149", "Colomiers")]
    assert budget["spatial_coverage"][0]["bbox"]["type"] == "Polygon"  # geometry kept
    assert budget["temporal_coverage"] == [{"start": "2020-01-01", "end": "2025-12-31"}]
    assert budget["contact"] == [{"name": "Direction des finances",
                                  "email": "finances@ville-colomiers.example"}]
    assert sorted(t["name"] for t in budget["tags"]) == [
        "budget", "finances publiques", "l investissement"]
    extras = {e["key"]: e["value"] for e in budget["extras"]}
    assert extras["guid"] == _ids("budget-primitif")
    assert extras["issued"].startswith("2021-03-02")
    resources = {r["name"]: r for r in budget["resources"]}
    assert set(resources) == {"Budget primitif (CSV)", "Budget primitif (JSON)"}
    csv = resources["Budget primitif (CSV)"]
    assert csv["url"].endswith("/budget-primitif/exports/csv")
    assert (csv["format"], csv["mimetype"], csv["size"]) == ("CSV", "text/csv", 48213)
    assert csv["description"] == "Export complet, séparateur point-virgule."

    sport = datasets[_ids("equipements-sportifs")]
    assert sport["theme"] == [EU + "data-theme/EDUC"]
    assert "vie associative" in {t["name"].lower() for t in sport["tags"]}  # unmatched theme
    assert sport["frequency"] == EU + "frequency/MONTHLY"   # "mensuel"
    assert sport["license_id"] == "odc-odbl"
    assert sport["spatial_coverage"][0]["code"] == "31149"  # dct:Location with a code
    assert sport["temporal_coverage"] == [{"start": "2023-09-01"}]
    assert sport["contact"] == [{"name": "Service des sports",
                                 "email": "sports@ville-colomiers.example"}]

    bus = datasets[_ids("arrets-bus")]
    assert bus["theme"] == [EU + "data-theme/TRAN"]
    assert bus["frequency"] == EU + "frequency/WEEKLY"   # purl.org/cld/freq/weekly
    assert bus["license_id"] == "lov2"                   # licence given by its title only
    assert bus["spatial_coverage"][0]["code"] == "243100518"  # EPCI IRI
    assert bus["temporal_coverage"] == [{"start": "2024-01-01", "end": "2024-12-31"}]
    assert bus["conforms_to_schema"] == [{
        "name": "etalab/schema-arrets-transport", "version": "0.1.0",
        "url": "https://schema.data.gouv.fr/etalab/schema-arrets-transport/"}]
    assert bus["resources"][0]["format"] == "CSV"

    air = datasets[_ids("qualite-air")]
    assert air["theme"] == [EU + "data-theme/ENVI", EU + "data-theme/HEAL"]
    assert air["frequency"] == EU + "frequency/DAILY"
    assert air["contact"] == [{"name": "Service environnement",
                               "email": "environnement@ville-colomiers.example"}]
    assert air["resources"][0]["mimetype"] == "text/csv"

    # Second run: nothing changes.
    modified = {key: d["metadata_modified"] for key, d in datasets.items()}
    second = run_job(source)
    assert second["gather_errors"] == [] and second["object_errors"] == []
    assert set(second["objects"].values()) == {"not modified"}
    assert {key: d["metadata_modified"] for key, d in org_datasets(commune).items()} == modified

    # Edits at the source: two datasets change, the others do not.
    edited = (read_data("colomiers-catalog.rdf")
              .replace("<dct:title>Budget primitif de la ville</dct:title>",
                       "<dct:title>Budget primitif 2026 de la ville</dct:title>")
              .replace("<dct:accrualPeriodicity>mensuel</dct:accrualPeriodicity>",
                       "<dct:accrualPeriodicity>Hebdomadaire</dct:accrualPeriodicity>"))
    catalog_server.serve("/catalog.rdf", edited)
    third = run_job(source)
    assert third["gather_errors"] == [] and third["object_errors"] == []
    assert third["objects"] == {
        _ids("budget-primitif"): "updated", _ids("equipements-sportifs"): "updated",
        _ids("arrets-bus"): "not modified", _ids("qualite-air"): "not modified"}
    after = org_datasets(commune)
    changed = {key for key, d in after.items() if d["metadata_modified"] != modified[key]}
    assert changed == {_ids("budget-primitif"), _ids("equipements-sportifs")}
    assert after[_ids("budget-primitif")]["title"] == "Budget primitif 2026 de la ville"
    assert after[_ids("budget-primitif")]["name"] == budget["name"]  # URL kept
    assert after[_ids("equipements-sportifs")]["frequency"] == EU + "frequency/WEEKLY"
    # Resources kept their ids (matched by their URI).
    assert {r["id"] for r in after[_ids("budget-primitif")]["resources"]} == \
        {r["id"] for r in budget["resources"]}
