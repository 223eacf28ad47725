"""Findings of the outside attack on the API: JSONP turned any API answer into script of
the portal's origin (admitted by ``script-src 'self'``); a bound sysadmin could change
``ckan.site_url`` at runtime (every feed IRI, every reset link to a host of its choosing)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories


@pytest.mark.usefixtures("clean_db")
def test_jsonp_callback_is_refused_and_plain_json_still_served(app):
    response = app.get("/api/3/action/status_show?callback=window.__pwned=1;void",
                       status=None)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert "window.__pwned" not in response.get_data(as_text=True)
    assert "JSONP" in response.json["error"]["callback"][0]
    ok = app.get("/api/3/action/status_show")
    assert ok.status_code == 200 and ok.json["success"] is True


@pytest.mark.usefixtures("clean_db")
def test_site_url_is_not_editable_at_runtime_by_any_sysadmin(app):
    sysadmin = factories.Sysadmin()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    before = tk.config.get("ckan.site_url")
    response = app.post("/api/3/action/config_option_update",
                        json={"ckan.site_url": "http://127.0.0.1:18777"},
                        headers={"Authorization": token}, status=None)
    assert response.status_code == 409
    assert tk.config.get("ckan.site_url") == before
    listed = app.get("/api/3/action/config_option_list",
                     headers={"Authorization": token}).json["result"]
    assert "ckan.site_url" not in listed
