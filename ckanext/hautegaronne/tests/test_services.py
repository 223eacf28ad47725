"""The services under the portal are real: PostgreSQL, Solr (with French
analysis and ckanext-spatial's bbox fields) and Redis."""
from __future__ import annotations

import json

import pytest
import rdflib
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckan.lib.redis import connect_to_redis

def _create(**data) -> dict:
    """package_create as a real sysadmin (the activity stream needs a user)."""
    user = factories.Sysadmin()
    return helpers.call_action("package_create", context={"user": user["name"]}, **data)


def _search(**params) -> list[str]:
    result = helpers.call_action("package_search", **params)
    return [d["name"] for d in result["results"]]


@pytest.mark.usefixtures("clean_all")
class TestSearchThroughSolr:
    def test_a_created_dataset_is_found_by_search(self):
        org = factories.Organization()
        _create(name="comptages-routiers", title="Comptages routiers",
                            notes="Trafic journalier", owner_org=org["id"])
        assert _search(q="comptages") == ["comptages-routiers"]
        # And the index is Solr's: an unrelated word finds nothing.
        assert _search(q="piscines") == []

    @pytest.mark.parametrize("query", [
        "routière",          # feminine form of "routier"
        "equipements",       # plural, without the accent of "Équipement"
        "EQUIPEMENT",        # case
        "l'eau",             # elision
        "eaux",              # plural
    ])
    def test_french_queries_find_across_accents_and_plurals(self, query):
        org = factories.Organization()
        _create(name="equipement-routier", owner_org=org["id"],
                            title="Équipement routier du réseau départemental",
                            notes="Inventaire des équipements routiers et des ouvrages d'eau.")
        _create(name="menus-cantines", owner_org=org["id"],
                            title="Menus des cantines", notes="Repas servis dans les collèges.")
        assert _search(q=query) == ["equipement-routier"]

    def test_bbox_search_finds_a_dataset_by_its_spatial_coverage(self):
        org = factories.Organization()
        # Spatial coverage is chosen by INSEE code; the geometry comes from the territory.
        _create(name="voirie-roques", title="Voirie de Roques", notes="Voies", owner_org=org["id"],
                spatial_coverage=[{"uri": "31458"}])
        _create(name="voirie-saint-gaudens", title="Voirie de Saint-Gaudens", notes="Voies",
                owner_org=org["id"], spatial_coverage=[{"uri": "31483"}])
        # A box around Roques (south-west of Toulouse) finds Roques only ...
        assert _search(q="voirie", extras={"ext_bbox": "1.30,43.45,1.42,43.56"}) == ["voirie-roques"]
        # ... a box over Saint-Gaudens, in the Comminges, finds Saint-Gaudens only ...
        assert _search(q="voirie", extras={"ext_bbox": "0.68,43.07,0.76,43.13"}) == ["voirie-saint-gaudens"]
        # ... and a box in the Pyrenees outside the département finds nothing.
        assert _search(q="voirie", extras={"ext_bbox": "-0.60,42.80,-0.50,42.90"}) == []


@pytest.mark.usefixtures("clean_all")
def test_the_dcat_catalog_lists_a_new_dataset(app):
    org = factories.Organization()
    dataset = _create(name="budget-primitif", owner_org=org["id"],
                                  title="Budget primitif du Département", notes="Budget voté.")
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # The Turtle shortens IRIs with prefixes: read it as RDF.
    graph = rdflib.Graph().parse(data=body, format="turtle")
    datasets = {str(ref) for ref in graph.objects(None, rdflib.URIRef(
        "http://www.w3.org/ns/dcat#dataset"))}
    assert any(ref.endswith(f"/dataset/{dataset['id']}") for ref in datasets)
    assert "Budget primitif du Département" in body


def test_redis_is_the_real_server():
    redis = connect_to_redis()
    assert redis.ping()
    redis.set("hautegaronne-test-key", "Département")
    assert redis.get("hautegaronne-test-key").decode("utf-8") == "Département"
    assert int(redis.info("server")["redis_version"].split(".")[0]) >= 7
    redis.delete("hautegaronne-test-key")


@pytest.mark.usefixtures("clean_all")
def test_home_page_answers_in_french(app):
    response = app.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr"' in html or 'lang="fr"' in html
    assert "Rechercher" in html


def test_the_portal_defaults_are_french():
    assert tk.config.get("ckan.locale_default") == "fr"
    assert tk.config.get("ckan.locales_offered") == ["fr", "en"]


def test_the_portal_is_served_over_http_by_gunicorn(live_portal):
    import urllib.request

    with urllib.request.urlopen(live_portal + "/api/3/action/status_show") as response:
        status = json.load(response)["result"]
    assert status["ckan_version"] == "2.12.0"
    assert "hautegaronne" in status["extensions"]
