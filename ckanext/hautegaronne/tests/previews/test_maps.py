"""Map views: a table with coordinates gets a map fed by its GeoJSON export; a GeoJSON
linked from another site gets a map whose data the portal fetches through the harvester's
address guard (the browser never fetches the other host)."""
from __future__ import annotations

import contextlib
import http.server
import json
import threading

import pytest

import ckan.plugins.toolkit as tk

from ..publishers import helpers as h

POINTS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.44, 43.6]},
     "properties": {"station": "Toulouse"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.2, 43.45]},
     "properties": {"station": "Muret"}}]}


def _table(dataset: dict, fields: list[dict], records: list[dict]) -> dict:
    resource = tk.get_action("resource_create")(
        {"ignore_auth": True, "user": h.site_context()["user"]},
        {"package_id": dataset["id"], "name": "Table", "format": "CSV",
         "url": "https://data.example.org/table.csv"})
    tk.get_action("datastore_create")(
        {"ignore_auth": True, "user": h.site_context()["user"]},
        {"resource_id": resource["id"], "force": True, "fields": fields, "records": records})
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    tk.get_action("resource_create_default_resource_views")(
        {"ignore_auth": True, "user": h.site_context()["user"]},
        {"resource": resource, "package": tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": dataset["id"]}), "create_datastore_views": True})
    return resource


def _view_types(resource_id: str) -> list[str]:
    return [v["view_type"] for v in tk.get_action("resource_view_list")(
        {"ignore_auth": True}, {"id": resource_id})]


@pytest.mark.usefixtures("clean_datastore", "with_request_context")
@pytest.mark.parametrize("fields,records", [
    ([{"id": "nom", "type": "text"}, {"id": "Latitude", "type": "text"},
      {"id": "Longitude", "type": "text"}],
     [{"nom": "Muret", "Latitude": "43,46", "Longitude": "1,33"}]),
    ([{"id": "nom", "type": "text"}, {"id": "lat", "type": "numeric"},
      {"id": "lon", "type": "numeric"}], [{"nom": "Muret", "lat": 43.46, "lon": 1.33}]),
    ([{"id": "nom", "type": "text"}, {"id": "Coordonnées", "type": "text"}],
     [{"nom": "Muret", "Coordonnées": "43.46, 1.33"}]),
])
def test_a_loaded_table_with_coordinates_gets_a_map(app, fields, records):
    dataset = h.dataset(h.onboard("31395"), resources=[])
    resource = _table(dataset, fields, records)
    assert _view_types(resource["id"]) == ["datatables_view", "hautegaronne_table_map"]
    view = [v for v in tk.get_action("resource_view_list")({"ignore_auth": True},
            {"id": resource["id"]}) if v["view_type"] == "hautegaronne_table_map"][0]
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}")
    assert page.status_code == 200
    assert 'data-module="hautegaronne-map"' in page.body
    assert f'data-module-url="/datastore/dump/{resource["id"]}/geojson"' in page.body
    exported = json.loads(app.get(f"/datastore/dump/{resource['id']}/geojson").body)
    assert exported["features"][0]["geometry"]["coordinates"] == [1.33, 43.46]


@pytest.mark.usefixtures("clean_datastore", "with_request_context")
def test_tables_without_coordinates_get_no_map(app):
    dataset = h.dataset(h.onboard("31395"), resources=[])
    plain = _table(dataset, [{"id": "commune", "type": "text"}, {"id": "tmja", "type": "int"}],
                   [{"commune": "Muret", "tmja": 9800}])
    # x/y in Lambert 93 metres are not longitude/latitude
    lambert = _table(dataset, [{"id": "x", "type": "numeric"}, {"id": "y", "type": "numeric"}],
                     [{"x": 574000.5, "y": 6279000.2}])
    assert _view_types(plain["id"]) == ["datatables_view"]
    assert _view_types(lambert["id"]) == ["datatables_view"]


@contextlib.contextmanager
def _serving(body: bytes, content_type: str = "application/geo+json"):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _linked(dataset: dict, url: str) -> dict:
    return tk.get_action("resource_create")(
        {"ignore_auth": True, "user": h.site_context()["user"]},
        {"package_id": dataset["id"], "name": "Points liés", "format": "GeoJSON", "url": url})


@pytest.mark.usefixtures("clean_db", "with_request_context")
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_a_linked_geojson_gets_a_map_fetched_by_the_portal(app):
    dataset = h.dataset(h.onboard("31395"), resources=[])
    with _serving(json.dumps(POINTS).encode()) as host:
        resource = _linked(dataset, f"{host}/points.geojson")
        assert _view_types(resource["id"]) == ["hautegaronne_linked_map"]
        view = tk.get_action("resource_view_list")({"ignore_auth": True},
                                                   {"id": resource["id"]})[0]
        page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}")
        data_url = f"/dataset/{dataset['id']}/resource/{resource['id']}/carte.geojson"
        assert f'data-module-url="{data_url}"' in page.body
        assert host not in page.body.split("data-module-url")[1].split(">")[0]
        served = app.get(data_url)
        assert served.status_code == 200
        assert served.headers["Content-Type"].startswith("application/geo+json")
        assert json.loads(served.body) == POINTS


@pytest.mark.usefixtures("clean_db", "with_request_context")
def test_the_linked_map_keeps_the_address_guard(app, ckan_config, monkeypatch):
    dataset = h.dataset(h.onboard("31395"), resources=[])
    with _serving(json.dumps(POINTS).encode()) as host:
        monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.harvest.allowed_private_hosts",
                            "127.0.0.1")
        resource = _linked(dataset, f"{host}/points.geojson")
        # the same link, once this machine is no longer an allowed host
        monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.harvest.allowed_private_hosts",
                            "")
        refused = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/carte.geojson",
                          status=502)
        assert "127.0.0.1" in refused.json["error"] and refused.json["error"].strip()
        assert "type" not in refused.json


@pytest.mark.usefixtures("clean_db", "with_request_context")
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_the_linked_map_serves_geojson_only_and_to_readers_only(app):
    org = h.onboard("31395")
    public = h.dataset(org, resources=[])
    private = h.dataset(org, resources=[], private=True)
    with _serving(b"<html><body>Pas du GeoJSON</body></html>", "text/html") as host:
        page = _linked(public, f"{host}/carte.geojson")
        answer = app.get(f"/dataset/{public['id']}/resource/{page['id']}/carte.geojson",
                         status=502, environ_overrides={"HTTP_ACCEPT_LANGUAGE": "fr"})
        assert "GeoJSON" in answer.json["error"]
    with _serving(json.dumps(POINTS).encode()) as host:
        hidden = _linked(private, f"{host}/points.geojson")
        app.get(f"/dataset/{private['id']}/resource/{hidden['id']}/carte.geojson", status=404)
        # an uploaded or table resource is not fetched by this route
        app.get(f"/dataset/{public['id']}/resource/{hidden['id']}/carte.geojson", status=404)
