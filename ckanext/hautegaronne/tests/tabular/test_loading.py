"""Publishers' files loaded into the DataStore by a real `ckan jobs worker` (xloader): the
French corpus (tests/tabular/corpus, written by make_corpus.py) arrives whole, accents
intact, numbers and dates typed."""
from __future__ import annotations

import html

import pytest
import requests

from ..publishers import helpers as h
from . import loading

FILES = [("comptages-windows-1252.csv", "CSV"), ("comptages-iso-8859-1.csv", "CSV"),
         ("comptages-utf-8.csv", "CSV"), ("comptages-utf-8-bom.csv", "CSV"),
         ("comptages-tabulations.tsv", "TSV"), ("comptages-excel-titre.xlsx", "XLSX")]


@pytest.fixture
def publisher(loading_portal):
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    dataset = h.dataset(org, resources=[])
    return {"url": loading_portal, "token": h.token(editor), "dataset": dataset}


def _loaded(publisher, filename: str, fmt: str) -> tuple[dict, dict]:
    url, token = publisher["url"], publisher["token"]
    resource = loading.upload(url, token, publisher["dataset"]["id"], loading.CORPUS / filename, fmt)
    status = loading.wait_for_load(url, token, resource["id"])
    assert status["status"] == "complete", (filename, status)
    found = loading.call(url, "datastore_search", resource_id=resource["id"], sort="_id")
    assert found["success"], found
    return resource, found["result"]


@pytest.mark.parametrize("filename,fmt", FILES)
def test_french_files_arrive_whole_with_their_accents(publisher, filename, fmt):
    resource, found = _loaded(publisher, filename, fmt)
    columns = [f["id"] for f in found["fields"] if f["id"] != "_id"]
    assert columns == ["Commune", "Code INSEE", "Date de comptage", "Véhicules/jour",
                       "Part poids lourds (%)", "Observation"], filename
    records = found["records"]
    assert found["total"] == 4
    assert [r["Commune"] for r in records] == ["Bagnères-de-Luchon", "Saint-Gaudens", "Muret",
                                               "Villefranche-de-Lauragais"]
    assert records[1]["Observation"] == "Boulevard « Jean-Bepmale »"
    assert records[0]["Observation"] == "Route d'Espagne, été chargé"
    if "iso-8859-1" not in filename:
        assert records[2]["Observation"] == "Œuvre d'art : pont à réparer"
    views = loading.call(publisher["url"], "resource_view_list", id=resource["id"])["result"]
    assert "datatables_view" in [v["view_type"] for v in views]
    if filename == FILES[0][0]:
        _the_data_api_is_documented_on_the_resource_page(publisher, resource)


def _the_data_api_is_documented_on_the_resource_page(publisher, resource):
    """Anyone sees the Data API box (French, with the resource's own curl and Python
    examples), the CSV/JSON exports and the data dictionary on the resource page."""
    url = publisher["url"]
    page = html.unescape(requests.get(
        f"{url}/dataset/{publisher['dataset']['name']}/resource/{resource['id']}", timeout=60).text)
    assert "API de données" in page and "Dictionnaire de données" in page
    assert f"/datastore/dump/{resource['id']}?bom=True" in page
    assert "Véhicules/jour" in page  # the dictionary lists the columns
    info = html.unescape(requests.get(f"{url}/datastore/api_info/{resource['id']}", timeout=60).text)
    # the portal's own box (tests/tabular/test_data_api.py runs its examples)
    assert "API de données" in info and "aucun compte ni jeton" in info
    assert f"--data-urlencode resource_id={resource['id']}" in info  # curl, ready to copy
    assert "import requests" in info and "Véhicules/jour" in info  # Python, real columns


@pytest.mark.parametrize("filename,fmt", FILES)
def test_french_numbers_and_dates_are_typed(publisher, filename, fmt):
    _resource, found = _loaded(publisher, filename, fmt)
    types = {f["id"]: f["type"] for f in found["fields"]}
    assert types["Commune"] == "text" and types["Code INSEE"] == "text"  # codes keep zeros
    assert types["Véhicules/jour"] in ("int", "int4", "int8", "numeric"), types
    assert types["Part poids lourds (%)"] == "numeric", types
    assert types["Date de comptage"] in ("date", "timestamp"), types
    first = found["records"][0]
    assert float(first["Véhicules/jour"]) == 1520
    assert float(first["Part poids lourds (%)"]) == 12.5
    assert str(first["Date de comptage"]).startswith("2025-12-31")


def test_an_uploaded_geojson_gets_a_map_view(publisher):
    url, token = publisher["url"], publisher["token"]
    resource = loading.upload(url, token, publisher["dataset"]["id"],
                              loading.CORPUS / "points-de-comptage.geojson", "GeoJSON")
    views = loading.call(url, "resource_view_list", id=resource["id"])["result"]
    assert [v["view_type"] for v in views] == ["geojson_view"]
    page = requests.get(f"{url}/dataset/{publisher['dataset']['name']}/resource/"
                        f"{resource['id']}/view/{views[0]['id']}", timeout=60)
    assert page.status_code == 200 and 'data-module="hautegaronne-map"' in page.text
