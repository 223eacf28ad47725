"""Maps in a real browser: the public's road-count journey (the demo road-count dataset's
files loaded by a real `ckan jobs worker`: table filtered, points on the maps, axe-core
on the resource pages with their views, screenshots at 1280 and 390 px), and a GeoJSON
property holding HTML shown as text in the map's popup."""
from __future__ import annotations

import csv
import io
import json

import pytest
import requests

from ckanext.hautegaronne.demo import datasets as demo

from ..publishers import helpers as h
from ..tabular import loading
from ..tabular.conftest import (clean_datastore, loading_portal,  # noqa: F401
                                loading_services)
from . import data
from .conftest import AXE_JS, WCAG_TAGS, describe, open_page, screenshots

HOSTILE = '<img src=x onerror="window.__hg_injected = true"> <b>gras</b>'


def _upload(url: str, token: str, dataset_id: str, name: str, filename: str, body: bytes,
            fmt: str) -> dict:
    response = requests.post(
        f"{url}/api/3/action/resource_create", headers={"Authorization": token},
        data={"package_id": dataset_id, "name": name, "format": fmt},
        files={"upload": (filename, body)}, timeout=60).json()
    assert response["success"], response
    return response["result"]


def _axe_with_frames(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page and of its views' frames (axe
    tests a frame when it runs inside it too)."""
    for frame in page.frames:
        if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
            frame.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})", WCAG_TAGS)["violations"]


def _points_csv(points: list[dict]) -> bytes:
    """The demo's counting points as a table with latitude/longitude columns (how a
    spreadsheet user would publish them): the portal maps such a table too."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(points[0]))
    writer.writerows([list(p.values()) for p in points])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def road_counts(loading_portal):
    """The demo road-count dataset (demo/datasets.py: its daily counts CSV, its points in
    GeoJSON) published by the département's roads service, plus the points as a CSV table;
    the CSV files loaded by the worker."""
    org = h.onboard("31555")
    editor = h.member(org, "editor")
    token = h.token(editor)
    points = demo.traffic_points()
    dataset = h.dataset(org, name="comptages-routiers-haute-garonne", resources=[],
                        title="Comptages routiers sur les routes départementales")
    counts = _upload(loading_portal, token, dataset["id"], "Comptages 2025 (CSV)",
                     "comptages-routiers-2025.csv", demo.traffic_counts_csv(points), "CSV")
    table = _upload(loading_portal, token, dataset["id"], "Points de comptage 2025 (CSV)",
                    "points-de-comptage-2025.csv", _points_csv(points), "CSV")
    for resource in (counts, table):
        status = loading.wait_for_load(loading_portal, token, resource["id"])
        assert status["status"] == "complete", status
    geojson = _upload(loading_portal, token, dataset["id"], "Points de comptage 2025 (GeoJSON)",
                      "comptages-routiers-2025.geojson", demo.traffic_geojson(points),
                      "GeoJSON")
    return {"url": loading_portal, "dataset": dataset, "counts": counts, "table": table,
            "geojson": geojson, "points": points}


def test_the_public_filters_the_daily_counts_of_one_point(page, road_counts):
    url, dataset = road_counts["url"], road_counts["dataset"]
    point = road_counts["points"][0]["id_point"]
    expected = sum(1 for row in demo.traffic_counts(road_counts["points"]) if row[0] == point)
    open_page(page, f"{url}/dataset/{dataset['name']}")
    with page.expect_navigation():
        page.get_by_role("link", name="Comptages 2025 (CSV)").first.click()
    page.wait_for_load_state("networkidle")
    table = page.frame_locator("iframe").first
    rows = table.locator("table#dtprv tbody tr")
    rows.first.wait_for()
    before = rows.count()
    assert before > expected > 0
    search = table.locator("#dtprv_filter input[type=search]")
    search.click()
    search.press_sequentially(point)  # one counting point's channel
    search.press("Enter")
    page.wait_for_function("""n => { const f = document.querySelector('iframe');
        return f && f.contentDocument.querySelectorAll('table#dtprv tbody tr').length === n; }""",
                           arg=expected)
    assert all(point in text for text in rows.all_inner_texts())
    violations = _axe_with_frames(page)
    assert violations == [], describe(violations)
    screenshots(page, "road-counts-daily-table")


def test_the_public_filters_the_road_counts_and_sees_them_on_maps(page, road_counts):
    url, dataset = road_counts["url"], road_counts["dataset"]
    count = len(road_counts["points"])
    open_page(page, f"{url}/dataset/{dataset['name']}")
    with page.expect_navigation():
        page.get_by_role("link", name="Points de comptage 2025 (CSV)").first.click()
    page.wait_for_load_state("networkidle")
    assert f"/resource/{road_counts['table']['id']}" in page.url

    # the table view: typing in its filter leaves fewer rows
    table = page.frame_locator("iframe").first
    rows = table.locator("table#dtprv tbody tr")
    rows.first.wait_for()
    before = rows.count()
    assert before >= 10
    search = table.locator("#dtprv_filter input[type=search]")
    search.click()
    search.press_sequentially("permanent")  # the counting points' status
    search.press("Enter")
    expected = sum(1 for p in road_counts["points"] if p["statut"] == "permanent")
    assert 0 < expected < before
    page.wait_for_function("""n => { const f = document.querySelector('iframe');
        return f && f.contentDocument.querySelectorAll('table#dtprv tbody tr').length === n; }""",
                           arg=expected)
    assert all("permanent" in text for text in rows.all_inner_texts())
    violations = _axe_with_frames(page)
    assert violations == [], describe(violations)
    screenshots(page, "road-counts-table")

    # the table's map: every point of the table, drawn from its GeoJSON export
    views = loading.call(url, "resource_view_list", id=road_counts["table"]["id"])["result"]
    assert [v["view_type"] for v in views] == ["datatables_view", "hautegaronne_table_map"]
    with page.expect_navigation():
        page.locator(f"a[href*='view_id={views[1]['id']}']").first.click()
    page.wait_for_load_state("networkidle")
    frame = page.frame_locator("iframe").first
    markers = frame.locator(".leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == count
    assert f"Objets sur la carte : {count} " in frame.locator(".hg-map-status").inner_text()
    violations = _axe_with_frames(page)
    assert violations == [], describe(violations)
    screenshots(page, "road-counts-table-map")

    # the GeoJSON resource's own map
    open_page(page, f"{url}/dataset/{dataset['name']}/resource/{road_counts['geojson']['id']}")
    frame = page.frame_locator("iframe").first
    frame.locator(".leaflet-marker-icon").first.wait_for()
    assert frame.locator(".leaflet-marker-icon").count() == count
    violations = _axe_with_frames(page)
    assert violations == [], describe(violations)
    screenshots(page, "road-counts-geojson-map")


def test_html_in_a_property_is_shown_as_text_in_the_popup(page, live_portal):
    org = data.commune("31458")
    dataset = data.published_dataset(org, resources=[])
    token = h.token(data.editor_of(org))
    document = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [1.35, 43.52]},
        "properties": {"nom": "Station RD820", "remarque": HOSTILE}}]}
    resource = _upload(live_portal, token, dataset["id"], "Points", "points.geojson",
                       json.dumps(document).encode(), "GeoJSON")
    open_page(page, f"{live_portal}/dataset/{dataset['name']}/resource/{resource['id']}")
    frame = page.frame_locator("iframe").first
    marker = frame.locator(".leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("alt") == "nom : Station RD820"
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert popup.locator("img").count() == 0 and popup.locator("b").count() == 0
    view_frame = [f for f in page.frames if f != page.main_frame][0]
    assert view_frame.evaluate("() => window.__hg_injected") is None
    screenshots(page, "map-popup-as-text")
