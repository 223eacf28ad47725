"""A linked resource's address is checked when the resource is saved (API and form), with
the harvester's address guard: a link to this machine or to a private, link-local or
reserved network is refused with a French message on the URL field, so that no DataStore
load job is ever queued for it (ckanext-xloader's job reads the resource's URL again when it
runs). Uploads are not concerned; a name that does not resolve yet is accepted and checked
again when the load is asked for (``tabular.status.guard_link``)."""
from __future__ import annotations

import html
import socket

import pytest
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.hautegaronne.harvest import fetch
from ckanext.hautegaronne.tabular import status as tabular_status

from ..publishers import helpers as h

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_all")]
PRIVATE = "appartient à cette machine ou à un réseau privé"

REFUSED = ["http://127.0.0.1:18777/secret.csv", "http://localhost/x.csv",
           "https://10.1.2.3/x.csv", "http://169.254.169.254/latest/meta-data/",
           "http://[::1]/x.csv", "ftp://192.168.0.4/x.csv", "http://2130706433/x.csv"]


@pytest.fixture
def publisher():
    org = h.onboard("31458")
    editor = h.member(org, "editor")
    dataset = h.dataset(org)
    return {"org": org, "editor": editor, "dataset": dataset,
            "headers": {"Authorization": h.token(editor)}}


def _url_error(response) -> str:
    body = response.json
    assert body["success"] is False, body
    return str(body["error"].get("url"))


@pytest.mark.parametrize("url", REFUSED)
def test_a_link_to_a_private_address_is_refused_when_created(app, publisher, url):
    response = app.post("/api/3/action/resource_create", headers=publisher["headers"],
                        json={"package_id": publisher["dataset"]["id"], "name": "Comptages",
                              "url": url, "format": "CSV"}, status=409)
    assert PRIVATE in _url_error(response)
    model.Session.remove()
    assert len(model.Package.get(publisher["dataset"]["id"]).resources) == 1  # nothing added


def test_a_link_cannot_be_changed_to_a_private_address_after_the_check(app, publisher):
    # the attack: a public address at creation, the loopback right after
    [resource] = publisher["dataset"]["resources"]
    response = app.post("/api/3/action/resource_patch", headers=publisher["headers"],
                        json={"id": resource["id"],
                              "url": "http://127.0.0.1:18777/secret.csv"}, status=409)
    assert PRIVATE in _url_error(response)
    model.Session.remove()
    assert model.Resource.get(resource["id"]).url == "https://example.org/deliberations.csv"
    response = app.post("/api/3/action/package_patch", headers=publisher["headers"],
                        json={"id": publisher["dataset"]["id"], "resources": [
                            {"id": resource["id"], "url": "http://10.0.0.8/x.csv"}]}, status=409)
    assert PRIVATE in str(response.json["error"])


def test_the_resource_form_shows_the_refusal_on_the_url_field(app, publisher):
    dataset = publisher["dataset"]
    response = app.post(f"/dataset/{dataset['name']}/resource/new", headers=publisher["headers"],
                        data={"url": "http://127.0.0.1:18777/secret.csv", "name": "Secret",
                              "format": "CSV", "save": "go-metadata", "id": ""})
    page = html.unescape(response.get_data(as_text=True))
    assert PRIVATE in page
    assert "Fichier ou lien" in page
    model.Session.remove()
    assert len(model.Package.get(dataset["id"]).resources) == 1


def test_public_links_unknown_names_and_uploads_are_accepted(app, publisher, tmp_path):
    for url in ("https://93.184.216.34/comptages.csv", "https://donnees.nonexistent.test/x.csv",
                "ftp://ftp.example.org/x.csv"):
        response = app.post("/api/3/action/resource_create", headers=publisher["headers"],
                            json={"package_id": publisher["dataset"]["id"], "name": "Lien",
                                  "url": url, "format": "CSV"})
        assert response.json["success"], (url, response.json)
    path = tmp_path / "comptages.csv"
    path.write_text("commune;comptage\nRoques;1520\n", encoding="utf-8")
    with open(path, "rb") as handle:
        response = app.post("/api/3/action/resource_create", headers=publisher["headers"],
                            data={"package_id": publisher["dataset"]["id"], "name": "Fichier",
                                  "format": "CSV", "upload": (handle, "comptages.csv")})
    assert response.json["success"], response.json
    assert response.json["result"]["url_type"] == "upload"


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_an_allowed_private_host_may_be_linked(app, publisher):
    response = app.post("/api/3/action/resource_create", headers=publisher["headers"],
                        json={"package_id": publisher["dataset"]["id"], "name": "Interne",
                              "url": "http://127.0.0.1:8080/x.csv", "format": "CSV"})
    assert response.json["success"], response.json


def test_a_name_resolving_later_to_a_private_address_is_refused_at_load(app, publisher,
                                                                       monkeypatch):
    # saved while the name did not resolve; it now answers the loopback
    response = app.post("/api/3/action/resource_create", headers=publisher["headers"],
                        json={"package_id": publisher["dataset"]["id"], "name": "Plus tard",
                              "url": "http://donnees.rebind.test/x.csv", "format": "CSV"})
    resource_id = response.json["result"]["id"]

    def loopback(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    monkeypatch.setattr(fetch, "resolver", loopback)
    assert tabular_status.guard_link(resource_id) is False
    status = tk.get_action("xloader_status")({"ignore_auth": True}, {"resource_id": resource_id})
    assert PRIVATE in tabular_status.load_problem(status)
