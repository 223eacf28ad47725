"""The address guard on every harvest source: checked when a source is created or edited,
whoever acts (a publisher's admin, the site user's API token) and whatever its harvester
type, with a French message on the URL field; and at fetch time for ckanext-dcat's stock
``dcat_rdf`` harvester too (its requests go through the guarded session: redirects
included), so that a source saved before the check, or a name that changes its answer,
still reaches no private address."""
from __future__ import annotations

import pytest
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from .conftest import make_source, org_datasets, read_data, run_job, site_context

pytestmark = [pytest.mark.usefixtures("with_plugins")]
STOCK = "dcat_rdf"
PRIVATE = "appartient à cette machine ou à un réseau privé"

REFUSED_URLS = [
    ("http://127.0.0.1:8080/catalog.rdf", PRIVATE),
    ("http://localhost/catalog.ttl", PRIVATE),
    ("http://[::1]/catalog.ttl", PRIVATE),
    ("http://10.0.0.8/catalog.ttl", PRIVATE),
    ("http://192.168.1.1/catalog.ttl", PRIVATE),
    ("http://169.254.169.254/latest/meta-data/", PRIVATE),  # cloud metadata
    ("http://[fe80::1]/catalog.ttl", PRIVATE),
    ("file:///etc/passwd", "Seules les adresses http et https"),
    ("/etc/ckan/ckan.ini", "Seules les adresses http et https"),  # dcat_rdf reads local files
]


def _source(org, url, source_type="hautegaronne_dcat", name="catalogue-test") -> dict:
    return {"name": name, "title": "Catalogue", "url": url, "source_type": source_type,
            "owner_org": org["id"], "frequency": "MANUAL"}


def _token(user_name: str) -> dict:
    token = tk.get_action("api_token_create")({"user": user_name, "ignore_auth": True},
                                              {"user": user_name, "name": "jeton"})["token"]
    return {"Authorization": token}


def _site_user() -> str:
    return site_context()["user"]


def _sources() -> dict:
    model.Session.remove()
    return {p.name: p.url for p in model.Session.query(model.Package)
            .filter_by(type="harvest", state="active")}


@pytest.fixture
def admin(commune):
    user = factories.User()
    helpers.call_action("organization_member_create", id=commune["id"],
                        username=user["name"], role="admin")
    return user


@pytest.mark.parametrize("url,message", REFUSED_URLS)
def test_creating_a_source_on_a_private_address_is_refused_whoever_asks(
        app, commune, admin, url, message):
    for user, source_type in ((admin["name"], "hautegaronne_dcat"),
                              (_site_user(), "hautegaronne_dcat"),
                              (_site_user(), STOCK)):
        response = app.post("/api/3/action/harvest_source_create", headers=_token(user),
                            json=_source(commune, url, source_type), status=409)
        errors = response.json["error"]
        assert message in errors["url"][0], (user, source_type, errors)
        # the dataset action that ckanext-harvest's form calls
        response = app.post("/api/3/action/package_create", headers=_token(user),
                            json={**_source(commune, url, source_type), "type": "harvest"},
                            status=409)
        assert message in response.json["error"]["url"][0]
    assert _sources() == {}


def test_editing_a_source_to_a_private_address_is_refused(app, commune, admin):
    public = "https://data.colomiers.example.org/catalog.rdf"
    source = make_source(commune, public)
    stock = make_source(commune, "https://data.colomiers.example.org/catalog.ttl",
                        name="catalogue-stock", source_type=STOCK)
    private = "http://169.254.169.254/latest/meta-data/"
    response = app.post("/api/3/action/harvest_source_update", headers=_token(admin["name"]),
                        json={**_source(commune, private, name=source["name"]),
                              "id": source["id"]}, status=409)
    assert PRIVATE in response.json["error"]["url"][0]
    for action in ("harvest_source_patch", "package_patch"):
        response = app.post(f"/api/3/action/{action}", headers=_token(_site_user()),
                            json={"id": stock["id"], "url": private}, status=409)
        assert PRIVATE in response.json["error"]["url"][0], action
    assert _sources() == {source["name"]: public,
                          stock["name"]: "https://data.colomiers.example.org/catalog.ttl"}


def test_the_source_form_shows_the_refusal_on_the_url_field(app, commune, admin):
    response = app.post("/harvest/new", headers=_token(admin["name"]), data={
        **_source(commune, "http://127.0.0.1:5000/catalog.rdf"), "config": "", "notes": "",
        "save": "Save"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert PRIVATE in page
    assert _sources() == {}


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_an_allowed_private_host_may_be_a_source(commune):
    source = make_source(commune, "http://127.0.0.1:8080/catalog.rdf", source_type=STOCK)
    assert source["url"] == "http://127.0.0.1:8080/catalog.rdf"


def test_a_host_that_does_not_resolve_yet_is_accepted(commune):
    # checked again at each fetch, where it must resolve to public addresses
    source = make_source(commune, "https://catalogue.colomiers.invalid/catalog.rdf")
    assert source["url"] == "https://catalogue.colomiers.invalid/catalog.rdf"


def _saved_before_the_check(monkeypatch, commune, url: str) -> dict:
    """A stock source on a private address, as saved before the check existed (or while
    the host was allowed)."""
    key = "ckanext.hautegaronne.harvest.allowed_private_hosts"
    monkeypatch.setitem(tk.config, key, "127.0.0.1 localhost")
    source = make_source(commune, url, source_type=STOCK)
    monkeypatch.setitem(tk.config, key, "")
    return source


def test_the_stock_harvester_does_not_fetch_a_private_address(monkeypatch, commune,
                                                              catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    report = run_job(_saved_before_the_check(monkeypatch, commune, url))
    assert any(PRIVATE in e and "127.0.0.1" in e for e in report["gather_errors"]), report
    assert catalog_server.hits == {} and org_datasets(commune) == {}


def test_the_stock_harvester_does_not_follow_a_redirect_to_a_private_address(
        monkeypatch, commune, catalog_server):
    catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    moved = catalog_server.serve("/moved", "", status=302,
                                 headers={"Location": catalog_server.url("/catalog.rdf")})
    # the source's own host is allowed; the redirect's target (127.0.0.1) is not
    source = _saved_before_the_check(monkeypatch, commune, moved.replace("127.0.0.1",
                                                                         "localhost"))
    monkeypatch.setitem(tk.config, "ckanext.hautegaronne.harvest.allowed_private_hosts",
                        "localhost")
    report = run_job(source)
    assert "/catalog.rdf" not in catalog_server.hits, report
    assert any("127.0.0.1" in e for e in report["gather_errors"]), report["gather_errors"]
    assert org_datasets(commune) == {}


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_the_stock_harvester_still_harvests_an_allowed_source(commune, catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    report = run_job(make_source(commune, url, source_type=STOCK))
    assert report["gather_errors"] == [], report
    assert len(org_datasets(commune)) == 4
