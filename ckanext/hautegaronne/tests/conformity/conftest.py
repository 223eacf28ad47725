"""Fixtures of the conformity tests: the schema catalogue and Table Schemas written for the
tests (site/, see its README), served from a loopback HTTP server, and the catalogue
cached from it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..harvest.conftest import CatalogServer

SITE = Path(__file__).parent / "site"


def serve_site(server: CatalogServer) -> None:
    for path in SITE.rglob("*.json"):
        body = path.read_text(encoding="utf-8").replace("{base}", server.base)
        server.serve("/" + str(path.relative_to(SITE)), body, "application/json")
    server.serve("/html", "<!DOCTYPE html><html><body>Schéma</body></html>", "text/html")
    server.serve("/broken.json", '{"fields": [{"name": "a"', "application/json")
    server.serve("/wide/schema.json", json.dumps(
        {"fields": [{"name": f"col{i}", "type": "integer"} for i in range(500)]}),
        "application/json")


@pytest.fixture(scope="module")
def schema_site():
    server = CatalogServer()
    serve_site(server)
    yield server
    server.close()


@pytest.fixture
def cached_catalogue(schema_site, tmp_path, ckan_config, monkeypatch):
    """The catalogue refreshed from the loopback site into a storage of this test's own."""
    from ckanext.hautegaronne.conformity import catalogue

    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.harvest.allowed_private_hosts",
                        "127.0.0.1")
    catalogue.refresh(schema_site.url("/schemas.json"))
    return schema_site
