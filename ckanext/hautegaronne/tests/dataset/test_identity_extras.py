"""A dataset's identity in the DCAT feeds is the portal's: an outside attack gave one
publisher's dataset another publisher's dataset URI and publisher URI through free extras,
which merged the two datasets in /catalog.ttl and erased the other publisher's description.
Publishers' writes may only give these extras back as they are stored; the harvester (the
site user) writes them."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ..publishers import helpers as h

pytestmark = [pytest.mark.usefixtures("with_plugins"),
              pytest.mark.ckan_config("ckan.locale_default", "fr")]


@pytest.fixture
def publishers(clean_all):
    roques, toulouse = h.onboard("31458"), h.onboard("31555")
    editor = h.member(toulouse, "editor")
    theirs = h.dataset(roques)
    # a dataset harvested from Toulouse's own catalogue: its URI is the source's
    harvested = h.dataset(toulouse, extras=[{"key": "uri", "value": "https://data.toulouse.fr/d/1"}])
    return {"roques": roques, "toulouse": toulouse, "editor": editor, "theirs": theirs,
            "harvested": harvested}


def _as(user: dict) -> dict:
    return {"user": user["name"]}


def test_a_publisher_cannot_give_its_dataset_another_identity(app, publishers):
    other_uri = tk.url_for("dataset.read", id=publishers["theirs"]["id"], _external=True)
    headers = {"Authorization": h.token(publishers["editor"])}
    for key, value in (("uri", other_uri),
                       ("publisher_uri", tk.url_for("organization.read",
                                                    id=publishers["roques"]["name"], _external=True)),
                       ("contact_uri", "javascript:x"), ("dcat_type", "http://evil")):
        answer = app.post("/api/action/package_patch", headers=headers, expect_errors=True, json={
            "id": publishers["harvested"]["id"], "extras": [{"key": key, "value": value}]})
        assert answer.status_code == 409, (key, answer.get_data(as_text=True))
        assert "sont ceux du portail" in answer.json["error"]["extras"][0], key
        created = app.post("/api/action/package_create", headers=headers, expect_errors=True, json={
            "name": f"usurpation-{key.replace('_', '-')}", "title": "Usurpation",
            "notes": "x", "owner_org": publishers["toulouse"]["id"], "license_id": "lov2",
            "extras": [{"key": key, "value": value}]})
        assert created.status_code == 409, (key, created.get_data(as_text=True))
    stored = tk.get_action("package_show")({"ignore_auth": True}, {"id": publishers["harvested"]["id"]})
    assert {e["key"]: e["value"] for e in stored["extras"]}["uri"] == "https://data.toulouse.fr/d/1"


def test_what_package_show_gives_goes_back_unchanged(publishers):
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": publishers["harvested"]["id"]})
    shown["title"] = "Comptages routiers (mis à jour)"
    updated = tk.get_action("package_update")(_as(publishers["editor"]), shown)
    assert updated["title"] == "Comptages routiers (mis à jour)"
    assert {e["key"]: e["value"] for e in updated["extras"]}["uri"] == "https://data.toulouse.fr/d/1"


def test_a_publisher_cannot_write_a_distributions_dcat_fields(app, publishers):
    # the outside attack: its own resource given another publisher's distribution URI,
    # javascript: access and download URLs, a date that is none, a literal conformsTo
    theirs = tk.get_action("resource_create")(h.site_context(), {
        "package_id": publishers["theirs"]["id"], "name": "Comptages", "format": "CSV",
        "url": "https://example.org/comptages.csv"})
    own = tk.get_action("resource_create")(h.site_context(), {
        "package_id": publishers["harvested"]["id"], "name": "Les nôtres", "format": "CSV",
        "url": "https://example.org/notres.csv"})
    other_uri = tk.url_for("resource.read", id=publishers["theirs"]["id"],
                           resource_id=theirs["id"], _external=True)
    headers = {"Authorization": h.token(publishers["editor"])}
    for key, value in (("uri", other_uri), ("access_url", "javascript:alert(1)"),
                       ("download_url", "http://javascript%3Aalert(1)"),
                       ("issued", "not a date"), ("conforms_to", '["not a uri <>"]'),
                       ("access_services", [{"uri": "http://127.0.0.1/catalog"}])):
        answer = app.post("/api/action/resource_patch", headers=headers, expect_errors=True,
                          json={"id": own["id"], key: value})
        assert answer.status_code == 409, (key, answer.get_data(as_text=True))
        assert "sont ceux du portail" in answer.json["error"]["resources"][0], key
    stored = tk.get_action("resource_show")({"ignore_auth": True}, {"id": own["id"]})
    assert not any(stored.get(key) for key in ("uri", "access_url", "download_url", "issued"))


def test_a_harvested_distribution_goes_back_unchanged(publishers):
    # the harvester (the portal) wrote the distribution's URI and access URL: a publisher's
    # edit of the resource keeps them
    resource = tk.get_action("resource_create")(h.site_context(), {
        "package_id": publishers["harvested"]["id"], "name": "Source", "format": "CSV",
        "url": "https://data.toulouse.fr/d/1/source.csv",
        "uri": "https://data.toulouse.fr/d/1/distribution/1",
        "access_url": "https://data.toulouse.fr/d/1"})
    updated = tk.get_action("resource_patch")(_as(publishers["editor"]), {
        "id": resource["id"], "description": "Mise à jour"})
    assert updated["uri"] == "https://data.toulouse.fr/d/1/distribution/1"
    assert updated["description"] == "Mise à jour"
