"""ckanext-harvest's source form: its organisation dropdown offers only the organisations
where the user may manage harvest sources (admins; sysadmins per the ownership rules), and
saving a source for another organisation, or as a mere editor, is refused."""
from __future__ import annotations

import re

import pytest
from ckan import model
from ckan.tests import factories, helpers

from .conftest import make_org, make_source

pytestmark = [pytest.mark.usefixtures("with_plugins")]
OVERRIDE = pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")


def _member(org, user, role):
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role=role)


def _headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _dropdown(page: str) -> set:
    select = re.search(r'<select id="field-organizations".*?</select>', page, re.S)
    assert select is not None, "no organisation dropdown"
    return {v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v}


def _form(org_id, name="catalogue-test", **fields):
    return {"url": "https://data.example.org/catalog.rdf", "title": "Catalogue",
            "name": name, "notes": "", "source_type": "hautegaronne_dcat",
            "frequency": "MANUAL", "config": "", "owner_org": org_id, "save": "Save",
            **fields}


def _sources() -> dict:
    return {p.name: p for p in model.Session.query(model.Package)
            .filter_by(type="harvest", state="active")}


@pytest.fixture
def orgs(commune):
    return {"A": commune,
            "B": make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696"),
            "C": make_org(name="tournefeuille", title="Tournefeuille", insee="31557",
                          siren="213105570")}


def _ids(orgs, *keys):
    return {orgs[k]["id"] for k in keys}


def test_dropdown_lists_the_organisations_the_user_administers(app, orgs):
    user = factories.User()
    _member(orgs["A"], user, "admin")
    _member(orgs["B"], user, "editor")
    page = app.get("/harvest/new", headers=_headers(user)).get_data(as_text=True)
    assert _dropdown(page) == _ids(orgs, "A")
    # the dataset form keeps CKAN's list (editors publish datasets)
    page = app.get("/dataset/new", headers=_headers(user)).get_data(as_text=True)
    assert _ids(orgs, "A", "B") <= set(re.findall(r'<option value="([^"]+)"', page))


def test_a_bound_sysadmin_is_offered_only_the_organisations_it_administers(app, orgs):
    sysadmin = factories.Sysadmin()
    _member(orgs["A"], sysadmin, "admin")
    page = app.get("/harvest/new", headers=_headers(sysadmin)).get_data(as_text=True)
    assert _dropdown(page) == _ids(orgs, "A")
    response = app.post("/api/3/action/harvest_source_create", headers=_headers(sysadmin),
                        json={**_form(orgs["B"]["id"]), "save": None}, status=403)
    assert "administrateurs" in response.json["error"]["message"]
    assert _sources() == {}


@OVERRIDE
def test_with_the_override_a_sysadmin_is_offered_every_organisation(app, orgs):
    sysadmin = factories.Sysadmin()
    page = app.get("/harvest/new", headers=_headers(sysadmin)).get_data(as_text=True)
    assert _dropdown(page) == _ids(orgs, "A", "B", "C")


def test_saving_a_source_for_another_organisation_is_refused(app, orgs):
    user = factories.User()
    _member(orgs["A"], user, "admin")
    _member(orgs["B"], user, "editor")
    for org in ("B", "C"):
        response = app.post("/harvest/new", data=_form(orgs[org]["id"]),
                            headers=_headers(user), follow_redirects=False)
        assert response.status_code == 403, org
    assert _sources() == {}
    response = app.post("/harvest/new", data=_form(orgs["A"]["id"]), headers=_headers(user),
                        follow_redirects=False)
    assert response.status_code == 302
    assert _sources()["catalogue-test"].owner_org == orgs["A"]["id"]


def test_only_the_admins_edit_a_source_in_the_form(app, orgs):
    source = make_source(orgs["A"], "https://data.example.org/catalog.rdf")
    editor, admin = factories.User(), factories.User()
    _member(orgs["A"], editor, "editor")
    _member(orgs["A"], admin, "admin")
    _member(orgs["B"], admin, "editor")
    edit = f"/harvest/edit/{source['name']}"
    app.get(edit, headers=_headers(editor), status=403)
    app.post(edit, data=_form(orgs["A"]["id"], source["name"], title="Détourné"),
             headers=_headers(editor), status=403)
    # moving it needs admin rights in both organisations
    app.post(edit, data=_form(orgs["B"]["id"], source["name"]), headers=_headers(admin),
             status=403)
    assert _sources()[source["name"]].owner_org == orgs["A"]["id"]
    # (ckanext-harvest shows no organisation dropdown on an active source's form)
    assert "Catalogue" in app.get(edit, headers=_headers(admin)).get_data(as_text=True)
    app.post(edit, data=_form(orgs["A"]["id"], source["name"], title="Catalogue ouvert"),
             headers=_headers(admin), follow_redirects=False)
    model.Session.remove()
    assert _sources()[source["name"]].title == "Catalogue ouvert"
