"""The demo content: every demo publisher has a dataset with complete metadata."""
from __future__ import annotations

import csv
import io
import json

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne import demo
from ckanext.hautegaronne.demo import datasets as demo_datasets

COMPLETE = ("title", "notes", "license_id", "theme", "frequency", "temporal_coverage",
            "spatial_coverage", "contact", "tags", "resources")


@pytest.mark.usefixtures("clean_all")
def test_every_demo_publisher_has_a_complete_dataset():
    list(demo.load())
    list(demo.load())  # idempotent
    names = [fields["name"] for _, fields, _ in demo_datasets.datasets()]
    owners = set()
    for name in names:
        dataset = tk.get_action("package_show")({}, {"id": name})
        assert all(dataset.get(key) for key in COMPLETE), name
        assert len(dataset["resources"]) == len([r for m, f, rs in demo_datasets.datasets()
                                                 if f["name"] == name for r in rs])
        owners.add(dataset["organization"]["name"])
    assert len(owners) == 9 and len(names) == 9

    road = tk.get_action("package_show")({}, {"id": "comptages-routiers-haute-garonne"})
    assert road["license_id"] == "lov2"
    assert road["conforms_to_schema"][0]["name"] == "etalab/schema-comptage-mobilites-measure"
    assert road["identifier"] == "comptages-routiers@data.haute-garonne.fr"
    assert road["spatial_coverage"][0]["uri"] == "http://id.insee.fr/geo/departement/31"
    assert {r["format"] for r in road["resources"]} == {"CSV", "GeoJSON"}


def test_road_counts_csv_counts_the_geojson_points():
    points = demo_datasets.traffic_points()
    rows = list(csv.DictReader(io.StringIO(
        demo_datasets.traffic_counts_csv(points).decode("utf-8"))))
    features = json.loads(demo_datasets.traffic_geojson(points))["features"]
    assert len(features) == 60 and len(rows) == 60 * demo_datasets.COUNT_DAYS
    assert {f["properties"]["statut"] for f in features} == {"permanent", "tournant",
                                                            "exceptionnel"}
    assert list(rows[0]) == demo_datasets.COUNTS_HEADER
    assert {r["channel_id"] for r in rows} == {f["properties"]["id_point"] for f in features}
    for point, feature in zip(points, features):
        assert feature["geometry"]["coordinates"] == [point["longitude"], point["latitude"]]


@pytest.mark.usefixtures("clean_all")
def test_the_portal_administrator_publishes_for_the_departement_only():
    from ckan.tests import factories, helpers

    admin = factories.Sysadmin()
    list(demo.load(portal_admin=admin["name"]))
    context = {"user": admin["name"]}
    departement = tk.get_action("organization_show")({}, {"id": "departement-haute-garonne"})
    roques = tk.get_action("organization_show")({}, {"id": "roques-31458"})
    assert helpers.call_auth("package_create", dict(context), owner_org=departement["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("package_create", dict(context), owner_org=roques["id"])
