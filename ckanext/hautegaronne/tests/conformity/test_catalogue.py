"""The schema catalogue: fetched through the guarded transport, cached, offered by French
title; bad addresses get a French reason and leave the cache as it was."""
from __future__ import annotations

import pytest

from ckanext.hautegaronne.conformity import catalogue

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")


def test_refresh_caches_the_table_schemas_with_their_versions(cached_catalogue):
    names = [entry["name"] for entry in catalogue.schemas()]
    # the JSON Schema (GeoJSON) one is not offered: it cannot validate a table
    assert names == ["etalab/schema-comptage-mobilites", "etalab/schema-irve-statique"]
    assert catalogue.versions_of("etalab/schema-comptage-mobilites") == ["0.2.0", "0.1.0"]
    latest = catalogue.find("etalab/schema-comptage-mobilites")
    assert (latest.version, latest.url) == (
        "0.2.0", cached_catalogue.url("/schemas/comptage-mobilites/0.2.0/schema.json"))
    assert catalogue.find("etalab/schema-comptage-mobilites", "0.1.0").url.endswith(
        "/0.1.0/schema.json")
    assert catalogue.find("etalab/schema-comptage-mobilites", "9.9.9") is None
    assert [c["label"] for c in catalogue.choices()] == [
        "Comptage des mobilités (etalab/schema-comptage-mobilites)",
        "Infrastructures de recharge pour véhicules électriques (IRVE) "
        "(etalab/schema-irve-statique)"]


@pytest.mark.parametrize("path, reason", [
    ("/missing.json", "404"),
    ("/html", r"page web \(HTML\)"),
    ("/broken.json", "n'est pas un JSON valide"),
    ("/schemas/irve-statique/2.3.1/schema.json", "pas un catalogue de schémas"),
])
def test_a_bad_catalogue_address_keeps_the_cache(cached_catalogue, path, reason):
    with pytest.raises(catalogue.CatalogueError, match=reason):
        catalogue.refresh(cached_catalogue.url(path))
    assert len(catalogue.schemas()) == 2


def test_the_catalogue_is_fetched_through_the_address_guard(schema_site, tmp_path,
                                                            ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    with pytest.raises(catalogue.CatalogueError):
        catalogue.refresh(schema_site.url("/schemas.json"))  # loopback, not allowed here
    assert catalogue.schemas() == []


@pytest.mark.parametrize("path, reason", [
    ("/missing.json", "404"),
    ("/html", r"page web \(HTML\)"),
    ("/broken.json", "n'est pas un JSON valide"),
    ("/schemas.json", "n'est pas un schéma de table"),
])
def test_a_bad_table_schema_address_gets_a_french_reason(cached_catalogue, path, reason):
    with pytest.raises(catalogue.CatalogueError, match=reason):
        catalogue.load_table_schema(cached_catalogue.url(path))


def test_a_schema_of_500_fields_is_read(cached_catalogue):
    assert len(catalogue.load_table_schema(cached_catalogue.url("/wide/schema.json"))["fields"]) == 500


def test_the_refresh_command(cached_catalogue, cli, ckan_config):
    from ckan.cli.cli import ckan as ckan_command

    result = cli.invoke(ckan_command, ["hautegaronne", "schemas", "refresh", "--url",
                                       cached_catalogue.url("/schemas.json")])
    assert result.exit_code == 0, result.output
    assert "2 Table Schemas cached" in result.output
    result = cli.invoke(ckan_command, ["hautegaronne", "schemas", "refresh", "--url",
                                       cached_catalogue.url("/html")])
    assert result.exit_code == 1
