"""GeoJSON export of a table with coordinates: points on the map of any GeoJSON client,
filtered as the table is, every column kept; tables without coordinates say so in French."""
from __future__ import annotations

import json

import pytest
from ckan.tests import helpers

from ..publishers import helpers as h

pytestmark = [pytest.mark.usefixtures("with_plugins")]

POINTS = [
    {"Nom": "Pont de Roques", "Commune": "Roques", "Latitude": "43,5069", "Longitude": "1,3560"},
    {"Nom": "RD 820", "Commune": "Muret", "Latitude": "43,4617", "Longitude": "1,3267"},
    {"Nom": "Sans position", "Commune": "Muret", "Latitude": "", "Longitude": ""},
]


def _table(fields: list[dict], records: list[dict]) -> tuple[dict, str]:
    org = h.onboard("31458")
    dataset = h.dataset(org)
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource_id,
                        force=True, fields=fields, records=records)
    return dataset, resource_id


def test_a_table_with_coordinates_is_exported_as_points(app, clean_datastore):
    dataset, resource_id = _table([{"id": k, "type": "text"} for k in POINTS[0]], POINTS)
    response = app.get(f"/datastore/dump/{resource_id}/geojson", status=200)
    assert response.headers["Content-Type"].startswith("application/geo+json")
    collection = json.loads(response.get_data(as_text=True))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["properties"]["Nom"] for f in features] == [p["Nom"] for p in POINTS]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [1.356, 43.5069]}
    assert features[2]["geometry"] is None  # kept, without a position
    # filtered as the table view and the API filter it
    filtered = json.loads(app.get(f"/datastore/dump/{resource_id}/geojson",
                                  query_string={"filters": json.dumps({"Commune": "Muret"})},
                                  status=200).get_data(as_text=True))
    assert [f["properties"]["Nom"] for f in filtered["features"]] == ["RD 820", "Sans position"]
    # offered on the resource page beside the other exports
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource_id}", status=200)
    assert f"/datastore/dump/{resource_id}/geojson" in page.get_data(as_text=True)


def test_a_table_without_coordinates_has_no_geojson_export(app, clean_datastore):
    dataset, resource_id = _table([{"id": "Commune", "type": "text"}], [{"Commune": "Muret"}])
    response = app.get(f"/datastore/dump/{resource_id}/geojson", status=404)
    assert "pas de colonnes latitude et longitude" in response.get_data(as_text=True)
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource_id}", status=200)
    assert f"/datastore/dump/{resource_id}/geojson" not in page.get_data(as_text=True)
