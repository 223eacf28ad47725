"""package_list and package_search list datasets only; package_show returns every key core
returns (null when empty) and the coverage where CKAN clients read it, and a
package_show -> package_update round trip, through the API or the edit form, changes
nothing."""
from __future__ import annotations

import json

import lxml.html
import pytest
from werkzeug.datastructures import MultiDict

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories as ckan_factories

from ..dcat import factories

EU = "http://publications.europa.eu/resource/authority/"


def _api(app, action: str, headers=None, **params):
    return app.get(f"/api/3/action/{action}", query_string=params, headers=headers,
                   status=200).json["result"]


def _admin(org: dict) -> dict:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "admin"})
    return {"user": user, "headers": {
        "Authorization": ckan_factories.APIToken(user=user["name"])["token"]}}


def _dataset(org: dict, **overrides) -> dict:
    return tk.get_action("package_create")(factories.sysadmin_context(),
                                           factories.dataset_fields(org, **overrides))


@pytest.mark.usefixtures("clean_all")
def test_dataset_lists_leave_harvest_sources_out(app):
    org = factories.publisher("roques")
    names = sorted(_dataset(org)["name"] for _ in range(3))
    source = tk.get_action("harvest_source_create")(factories.sysadmin_context(), {
        "name": "catalogue-roques", "title": "Catalogue de Roques", "frequency": "MANUAL",
        "url": "https://data.roques.example.org/catalog.rdf",
        "source_type": "hautegaronne_dcat", "owner_org": org["id"]})
    assert model.Package.get(source["id"]).type == "harvest"
    assert _api(app, "package_list") == names
    assert _api(app, "package_list", limit=2, offset=1) == names[1:3]
    assert sorted(d["name"] for d in _api(app, "package_search", rows=100)["results"]) == names
    # the harvest API still reaches the source
    assert [s["url"] for s in _api(app, "harvest_source_list")] == [
        "https://data.roques.example.org/catalog.rdf"]
    assert _api(app, "harvest_source_show", id="catalogue-roques")["url"].endswith(
        "/catalog.rdf")
    app.get("/api/3/action/package_list", query_string={"limit": "beaucoup"}, status=409)


@pytest.mark.usefixtures("clean_all")
def test_package_show_has_every_core_key_and_the_coverage_where_clients_read_it(app):
    org = factories.publisher("roques")
    dataset = _dataset(org, temporal_coverage=[{"start": "2020-01-01", "end": "2024-12-31"}],
                       resources=[{"name": "Délibérations", "url": "https://example.org/d.csv",
                                   "format": "CSV"}])
    shown = _api(app, "package_show", id=dataset["name"])
    core = _api(app, "package_show", id=dataset["name"], use_default_schema="true")
    assert set(core) <= set(shown), set(core) - set(shown)
    for resource, core_resource in zip(shown["resources"], core["resources"]):
        assert set(core_resource) <= set(resource), set(core_resource) - set(resource)
    resource = shown["resources"][0]
    # keys a client reads are there even when empty; the media type is derived from the
    # format (issue 15)
    assert (resource["size"], resource["mimetype"], resource["description"]) == \
        (None, "text/csv", None)
    for key in ("author", "maintainer", "version", "url", "license_title", "metadata_created"):
        assert key in shown
    assert shown["organization"]["type"] == "organization"
    extras = {e["key"]: e["value"] for e in shown["extras"]}
    assert extras["frequency"] == EU + "frequency/ANNUAL" == shown["frequency"]
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2020-01-01", "2024-12-31")
    spatial = json.loads(extras["spatial"])  # ckanext-spatial's GeoJSON: Roques' extent
    assert spatial == shown["spatial_coverage"][0]["bbox"]
    assert spatial["type"] == "Polygon"
    # nothing of it is stored: the portal's fields are the source
    assert not {"spatial", "temporal_start", "temporal_end"} & set(
        model.Package.get(dataset["id"]).extras)


def _comparable(dataset: dict) -> dict:
    return {k: v for k, v in dataset.items() if k not in ("metadata_modified",)}


@pytest.mark.usefixtures("clean_all")
def test_show_then_update_through_the_api_changes_nothing(app):
    org = factories.publisher("roques")
    dataset = _dataset(org, spatial_coverage=[{"code": "31458"}, {"code": "31555"}])
    admin = _admin(org)
    shown = _api(app, "package_show", id=dataset["name"])
    assert json.loads({e["key"]: e["value"] for e in shown["extras"]}["spatial"])["type"] \
        == "MultiPolygon"
    response = app.post("/api/3/action/package_update", json=shown, headers=admin["headers"])
    assert response.status_code == 200, response.json["error"]
    after = _api(app, "package_show", id=dataset["name"])
    assert _comparable(after) == _comparable(shown)
    # a client that edits the mirrored extras changes nothing: the fields are the source
    edited = dict(after, extras=[{"key": "frequency", "value": EU + "frequency/DAILY"}])
    response = app.post("/api/3/action/package_update", json=edited, headers=admin["headers"])
    assert response.status_code == 200, response.json["error"]
    assert _api(app, "package_show", id=dataset["name"])["frequency"] == EU + "frequency/ANNUAL"


@pytest.mark.usefixtures("clean_all")
def test_the_edit_form_saved_as_shown_changes_nothing(app):
    org = factories.publisher("roques")
    dataset = _dataset(org)
    admin = _admin(org)
    before = _api(app, "package_show", id=dataset["name"])
    page = app.get(f"/dataset/edit/{dataset['name']}", headers=admin["headers"],
                   status=200).get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    for template in tree.xpath('//div[@name="repeating-template"]'):
        template.drop_tree()  # scheming's script removes these row templates from the form
    [form] = [f for f in tree.forms if "notes" in f.inputs.keys()]
    data = MultiDict(form.form_values())  # what a browser posts, untouched
    data.add("save", "")
    response = app.post(f"/dataset/edit/{dataset['name']}", headers=admin["headers"],
                        data=data, follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    after = _api(app, "package_show", id=dataset["name"])
    assert _comparable(after) == _comparable(before)


@pytest.mark.usefixtures("clean_all")
def test_a_datasets_organization_carries_its_publisher_type(app):
    """Standard clients read the publisher's kind in the dataset's nested organisation, as
    organization_show gives it, whether the dataset comes from the database or the index."""
    org = factories.publisher("roques")
    created = _dataset(org)
    shown = _api(app, "package_show", id=created["name"])
    assert (shown["organization"]["type"], shown["organization"]["publisher_type"]) == (
        "organization", "commune")
    [found] = _api(app, "package_search", q=f"name:{created['name']}")["results"]
    assert found["organization"]["publisher_type"] == "commune"
    # a package_show -> package_update round trip keeps working with the added key
    app.post("/api/3/action/package_update", json=shown, headers=_admin(org)["headers"],
             status=200)


@pytest.mark.usefixtures("clean_all")
def test_a_high_value_dataset_with_its_api_shows_the_hvd_tag_and_a_round_trip_keeps_none(app):
    """data.gouv.fr's CKAN harvester copies tags and reads no hvd_category: a high-value
    dataset whose data the API serves shows the tag "hvd" (derived, like the coverage
    extras), which an update given the shown dataset does not store."""
    org = factories.publisher("departement")
    dataset = _dataset(org, hvd_category="http://data.europa.eu/bna/c_4b74ea13")
    admin = _admin(org)
    assert "hvd" not in [t["name"] for t in _api(app, "package_show", id=dataset["name"])["tags"]]
    loaded = factories.load_into_datastore(dataset["name"])
    try:
        shown = _api(app, "package_show", id=dataset["name"])
        assert "hvd" in [t["name"] for t in shown["tags"]]
        assert shown["num_tags"] == len(shown["tags"]) == 3
        [listed] = _api(app, "package_search", fq=f"name:{dataset['name']}")["results"]
        assert "hvd" in [t["name"] for t in listed["tags"]]
        response = app.post("/api/3/action/package_update", json=shown, headers=admin["headers"])
        assert response.status_code == 200, response.json["error"]
        assert _comparable(_api(app, "package_show", id=dataset["name"])) == _comparable(shown)
    finally:
        factories.unload(loaded)
    after = _api(app, "package_show", id=dataset["name"])
    assert sorted(t["name"] for t in after["tags"]) == ["accessibilité", "équipements"]
