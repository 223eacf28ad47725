"""A publisher's official identity is set by onboarding and sync only (issue 11, item 4):
its admins, and bound sysadmins, edit what is theirs to edit."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.hautegaronne.publishers import identity

from . import helpers as h

IDENTITY_MESSAGE = "identité officielle"


@pytest.fixture
def colomiers(clean_all):
    org = h.onboard("31149")
    admin = h.member(org, "admin")
    return {"org": org, "admin": admin, "headers": {"Authorization": h.token(admin)}}


def _patch(app, headers, data, status):
    return app.post("/api/action/organization_patch", json=data, headers=headers,
                    status=status).json


def _identity(ref: str) -> dict:
    org = helpers.call_action("organization_show", id=ref)
    return {field: org.get(field) for field in identity.OFFICIAL_IDENTITY_FIELDS}


def test_the_attack_colomiers_repointed_to_ayguesvives_is_refused(app, cli, colomiers):
    org, before = colomiers["org"], _identity(colomiers["org"]["id"])
    assert (before["insee_code"], before["name"]) == ("31149", "colomiers-31149")
    error = _patch(app, colomiers["headers"],
                   {"id": org["id"], "insee_code": "31004", "siren": ""}, 409)["error"]
    assert IDENTITY_MESSAGE in error["insee_code"][0]
    assert IDENTITY_MESSAGE in error["siren"][0]
    assert _identity(org["id"]) == before
    # onboarding still answers with the right organisations
    result = cli.invoke(ckan, ["hautegaronne", "publishers", "add", "31004"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    ayguesvives = helpers.call_action("organization_show", id="ayguesvives-31004")
    assert ayguesvives["insee_code"] == "31004" and ayguesvives["id"] != org["id"]
    result = cli.invoke(ckan, ["hautegaronne", "publishers", "add", "31149"])
    assert "unchanged" in result.output and "colomiers-31149" in result.output


@pytest.mark.parametrize("change", [
    {"name": "ayguesvives-31004"},
    {"siren": "213100043"},
    {"population": "1"},
    {"official_name": "Ayguesvives"},
    {"epci_siren": "243100633"},
    {"extras": [{"key": "insee_code", "value": "31004"}]},
])
def test_each_identity_field_is_kept_from_its_admin(app, colomiers, change):
    before = _identity(colomiers["org"]["id"])
    _patch(app, colomiers["headers"], {"id": colomiers["org"]["id"], **change}, 409)
    assert _identity(colomiers["org"]["id"]) == before


def test_a_bound_sysadmin_admin_of_the_publisher_is_kept_out_too(app, colomiers):
    sysadmin = factories.Sysadmin()
    h.member(colomiers["org"], "admin", sysadmin)
    headers = {"Authorization": h.token(sysadmin)}
    org = colomiers["org"]
    # core's group_update edits an organisation too
    for action, data in (("organization_patch", {"id": org["id"], "insee_code": "31004"}),
                         ("group_update", {"id": org["id"], "name": org["name"],
                                           "title": org["title"], "insee_code": "31004"})):
        response = app.post(f"/api/action/{action}", headers=headers, status=409, json=data)
        assert IDENTITY_MESSAGE in response.json["error"]["insee_code"][0]
    assert _identity(colomiers["org"]["id"])["insee_code"] == "31149"


def test_what_is_theirs_stays_editable_and_omitted_identity_is_kept(app, colomiers):
    org = colomiers["org"]
    changes = {"title": "Mairie de Colomiers", "description": "Les données de la ville.",
               "contact_name": "Service numérique", "contact_email": "opendata@colomiers.example.org",
               "website": "https://www.ville-colomiers.fr", "siret": "21310149600007"}
    # the same codes typed with spaces are the same codes
    _patch(app, colomiers["headers"], {"id": org["id"], "insee_code": "31 149", **changes}, 200)
    result = helpers.call_action("organization_show", id=org["id"])
    assert {k: result.get(k) for k in changes} == changes
    before = _identity(org["id"])
    # a full update that leaves out the official fields keeps them
    app.post("/api/action/organization_update", headers=colomiers["headers"], status=200,
             json={"id": org["id"], "name": org["name"], "title": "Colomiers",
                   "description": "Mise à jour."})
    assert _identity(org["id"]) == before


def test_the_edit_form_saves_the_editable_fields(app, colomiers):
    org = colomiers["org"]
    form = app.get(f"/{org['type']}/edit/{org['name']}", headers=colomiers["headers"])
    assert form.status_code == 200
    response = app.post(f"/{org['type']}/edit/{org['name']}", headers=colomiers["headers"], data={
        "title": "Colomiers", "name": org["name"], "insee_code": "31149",
        "siren": org["siren"], "description": "Présentation de la ville.", "save": ""},
        follow_redirects=False)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    assert helpers.call_action("organization_show", id=org["id"])["description"] == \
        "Présentation de la ville."
    response = app.post(f"/{org['type']}/edit/{org['name']}", headers=colomiers["headers"], data={
        "title": "Colomiers", "name": org["name"], "insee_code": "31004",
        "siren": org["siren"], "description": "Prise.", "save": ""})
    assert IDENTITY_MESSAGE in response.get_data(as_text=True)
    assert _identity(org["id"])["insee_code"] == "31149"


def test_onboarding_and_sync_still_set_it(colomiers):
    helpers.call_action("organization_patch", context=h.site_context(),
                        id=colomiers["org"]["id"], population="1")
    assert _identity(colomiers["org"]["id"])["population"] != "1"  # derived from the COG again
