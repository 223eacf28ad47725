"""Harvest source types: publishers get only the portal's harvester (``hautegaronne_dcat``),
with its address guard, size limits and ownership rules. The stock ``dcat_rdf`` harvester
stays installed (the national round trip and the benchmark use it), but only sysadmins free
of the ownership rules (override) and the site user may create or edit a source of another
type: through the action API, the source form (its type choices) and the dataset actions
that the form calls."""
from __future__ import annotations

import re

import pytest
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from .conftest import HARVESTER, make_source, site_context

pytestmark = [pytest.mark.usefixtures("with_plugins")]
OVERRIDE = pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")
STOCK = "dcat_rdf"


def _member(org, user, role):
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role=role)


def _headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _allowed(user, action, **data) -> bool:
    try:
        return helpers.call_auth(action, {"user": user["name"]}, **data)
    except tk.NotAuthorized:
        return False


def _source(org, name="catalogue-test", source_type=HARVESTER, **fields) -> dict:
    return {"name": name, "title": "Catalogue", "url": "https://data.example.org/catalog.rdf",
            "source_type": source_type, "owner_org": org["id"], "frequency": "MANUAL",
            **fields}


def _radios(page: str) -> set:
    return set(re.findall(r'<input type="radio" name="source_type" value="([^"]+)"', page))


def _sources() -> dict:
    return {p.name: p for p in model.Session.query(model.Package)
            .filter_by(type="harvest", state="active")}


@pytest.fixture
def admin(commune):
    user = factories.User()
    _member(commune, user, "admin")
    return user


def test_a_publisher_admin_may_only_use_the_portal_harvester(app, commune, admin):
    assert _allowed(admin, "harvest_source_create", **_source(commune))
    assert not _allowed(admin, "harvest_source_create", **_source(commune, source_type=STOCK))
    assert not _allowed(admin, "package_create", type="harvest",
                        **_source(commune, source_type=STOCK))

    response = app.post("/api/3/action/harvest_source_create", headers=_headers(admin),
                        json=_source(commune, source_type=STOCK), status=403)
    assert "moissonneur du portail" in response.json["error"]["message"]
    assert _sources() == {}
    app.post("/api/3/action/harvest_source_create", headers=_headers(admin),
             json=_source(commune), status=200)
    assert set(_sources()) == {"catalogue-test"}


def test_a_publisher_admin_cannot_switch_a_source_to_another_type(app, commune, admin):
    source = make_source(commune, "https://data.example.org/catalog.rdf")
    assert _allowed(admin, "harvest_source_update", **_source(commune, id=source["id"]))
    assert not _allowed(admin, "harvest_source_update",
                        **_source(commune, id=source["id"], source_type=STOCK))
    app.post("/api/3/action/harvest_source_update", headers=_headers(admin),
             json=_source(commune, source["name"], id=source["id"], source_type=STOCK),
             status=403)
    app.post("/api/3/action/package_patch", headers=_headers(admin),
             json={"id": source["id"], "source_type": STOCK}, status=403)
    app.post(f"/harvest/edit/{source['name']}", headers=_headers(admin),
             data={**_source(commune, source["name"], source_type=STOCK), "config": "",
                   "notes": "", "save": "Save"}, status=403)
    model.Session.remove()
    shown = helpers.call_action("harvest_source_show", id=source["id"])
    assert shown["source_type"] == HARVESTER


def test_a_source_of_another_type_is_not_the_publishers_to_edit(commune, admin):
    # made by the site user (e.g. an operator's script): the admin cannot edit it into use
    source = make_source(commune, "https://data.example.org/catalog.rdf", source_type=STOCK)
    assert not _allowed(admin, "harvest_source_update", id=source["id"])
    assert not _allowed(admin, "package_update", id=source["id"])


def test_the_source_form_offers_only_the_portal_harvester(app, commune, admin):
    page = app.get("/harvest/new", headers=_headers(admin)).get_data(as_text=True)
    assert _radios(page) == {HARVESTER}
    response = app.post("/harvest/new", headers=_headers(admin), follow_redirects=False,
                        data={**_source(commune, source_type=STOCK), "config": "",
                              "notes": "", "save": "Save"})
    assert response.status_code == 403
    assert _sources() == {}


def test_a_bound_sysadmin_may_only_use_the_portal_harvester(app, commune):
    sysadmin = factories.Sysadmin()
    _member(commune, sysadmin, "admin")
    assert _allowed(sysadmin, "harvest_source_create", **_source(commune))
    assert not _allowed(sysadmin, "harvest_source_create",
                        **_source(commune, source_type=STOCK))
    page = app.get("/harvest/new", headers=_headers(sysadmin)).get_data(as_text=True)
    assert _radios(page) == {HARVESTER}


@OVERRIDE
def test_with_the_override_a_sysadmin_may_use_any_type(app, commune):
    sysadmin = factories.Sysadmin()
    assert _allowed(sysadmin, "harvest_source_create", **_source(commune, source_type=STOCK))
    page = app.get("/harvest/new", headers=_headers(sysadmin)).get_data(as_text=True)
    assert {HARVESTER, STOCK} <= _radios(page)
    app.post("/api/3/action/harvest_source_create", headers=_headers(sysadmin),
             json=_source(commune, source_type=STOCK), status=200)
    assert set(_sources()) == {"catalogue-test"}


def test_the_site_user_may_use_any_type(commune):
    assert helpers.call_auth("harvest_source_create", dict(site_context()),
                             **_source(commune, source_type=STOCK))
    source = make_source(commune, "https://data.example.org/catalog.rdf", source_type=STOCK)
    assert source["source_type"] == STOCK
