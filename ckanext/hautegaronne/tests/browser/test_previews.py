"""The table and map previews work under the portal's Content-Security-Policy (enforced:
no bypass): a DataTables view of a resource loaded into the DataStore shows its rows, and
a GeoJSON view initialises its map with the file's points (map tiles are absent offline).
Core writes both views' per-view values in an inline script the policy refuses; the
portal's templates pass them as data- attributes (tabular/views.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
import ckanext.datastore.tests.helpers as datastore_helpers
from ckan.tests import factories

from . import data
from .conftest import open_page
from .test_security_policy import _watch, strict_page  # noqa: F401 - fixture

POINTS = Path(__file__).parents[1] / "tabular" / "corpus" / "points-de-comptage.geojson"
ROWS = [{"commune": "Roques", "route": "RD820", "tmja": 15200},
        {"commune": "Muret", "route": "RD817", "tmja": 9800},
        {"commune": "Colomiers", "route": "RD980", "tmja": 21400}]


@pytest.fixture
def clean_datastore(clean_all):
    engine = datastore_helpers.db.get_write_engine()
    session = sa.orm.scoped_session(sa.orm.sessionmaker(bind=engine))
    datastore_helpers.rebuild_all_dbs(session)
    session.remove()


def _view(resource_id: str, view_type: str) -> dict:
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource_id})
    found = [v for v in views if v["view_type"] == view_type]
    if found:
        return found[0]
    return tk.get_action("resource_view_create")(
        dict(data.site_context(), ignore_auth=True),
        {"resource_id": resource_id, "view_type": view_type, "title": "Aperçu"})


def _no_script_refused(page, messages):
    """No script of the page refused by the policy, no script error. (DataTables and
    Leaflet also write style attributes through jQuery/innerHTML, which the policy refuses
    without harm: the previews lay out by their style sheets and by script.)"""
    violations = page.evaluate("() => window.__cspViolations")
    for frame in page.frames[1:]:
        violations += frame.evaluate("() => window.__cspViolations || []")
    # core's datatablesview.js calls setTimeout(initFilterObserver(), 100): the observer is
    # installed by the call itself, and the policy refuses the string eval of its undefined
    # result (harmless; no 'unsafe-eval' for it)
    refused = [v for v in violations if v.startswith("script-src")
               and not (v.startswith("script-src blocked eval") and "datatablesview" in v)]
    errors = [m for m in messages if m.startswith("script error")
              or ("script-src" in m and "unsafe-eval" not in m)]
    assert refused == [] and errors == [], (refused, errors)


def test_the_table_preview_shows_the_rows(strict_page, live_portal, clean_datastore):
    org = data.commune("31458")
    dataset = data.published_dataset(org)
    [resource] = dataset["resources"]
    tk.get_action("datastore_create")(
        dict(data.site_context(), ignore_auth=True),
        {"resource_id": resource["id"], "force": True, "records": ROWS,
         "fields": [{"id": "commune", "type": "text"}, {"id": "route", "type": "text"},
                    {"id": "tmja", "type": "int"}]})
    view = _view(resource["id"], "datatables_view")
    page = strict_page
    messages = _watch(page)

    # the view's own page, as the resource page's iframe loads it
    open_page(page, f"{live_portal}/dataset/{dataset['name']}/resource/{resource['id']}"
                    f"/view/{view['id']}")
    rows = page.locator("table#dtprv tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    assert "RD820" in page.locator("table#dtprv tbody").inner_text()
    assert page.locator("#dtv-resource-info").is_hidden()  # its style="display: none;" held
    _no_script_refused(page, messages)

    # and inside the resource page
    open_page(page, f"{live_portal}/dataset/{dataset['name']}/resource/{resource['id']}")
    frame = page.frame_locator("iframe").first
    frame.locator("table#dtprv tbody tr").first.wait_for()
    assert frame.locator("table#dtprv tbody tr").count() == 3
    _no_script_refused(page, messages)


def test_the_map_preview_shows_the_points(strict_page, live_portal):
    org = data.commune("31458")
    dataset = data.published_dataset(org, resources=[])
    editor = data.editor_of(org)
    token = factories.APIToken(user=editor["name"])["token"]
    with open(POINTS, "rb") as handle:
        created = requests.post(
            f"{live_portal}/api/3/action/resource_create", headers={"Authorization": token},
            data={"package_id": dataset["id"], "name": "Points de comptage", "format": "GeoJSON"},
            files={"upload": ("points-de-comptage.geojson", handle)}, timeout=60).json()
    assert created["success"], created
    resource = created["result"]
    view = _view(resource["id"], "geojson_view")
    page = strict_page
    messages = _watch(page)
    open_page(page, f"{live_portal}/dataset/{dataset['name']}/resource/{resource['id']}"
                    f"/view/{view['id']}")
    page.locator(".hg-map.leaflet-container").wait_for()
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() >= 2
    _no_script_refused(page, messages)
