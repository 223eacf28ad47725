"""Ownership of harvested datasets, disappeared datasets, the address guard and who manages
sources."""
from __future__ import annotations

import socket

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.hautegaronne.harvest import fetch, missing

from .conftest import make_org, make_source, org_datasets, read_data, run_job

pytestmark = [pytest.mark.usefixtures("with_plugins")]
ALLOW_LOOPBACK = pytest.mark.ckan_config(
    "ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")


@ALLOW_LOOPBACK
def test_a_dataset_of_another_organisation_is_never_taken_over(commune, catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    epci = make_org(name="toulouse-metropole", title="Toulouse Métropole", kind="epci",
                    siren="243100518", epci_nature="METRO")
    run_job(make_source(epci, url, name="catalogue-metropole"))
    before = org_datasets(epci)
    assert len(before) == 4

    report = run_job(make_source(commune, url))
    assert report["stats"].get("errored") == 4
    assert all("Toulouse Métropole" in e for e in report["object_errors"])
    assert org_datasets(commune) == {}
    after = org_datasets(epci)
    assert {k: (d["owner_org"], d["metadata_modified"]) for k, d in after.items()} == \
        {k: (d["owner_org"], d["metadata_modified"]) for k, d in before.items()}


@ALLOW_LOOPBACK
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.withdraw_after_days", "0")
def test_disappeared_dataset_flagged_then_withdrawn_then_back(commune, catalog_server, app):
    full = read_data("colomiers-catalog.rdf")
    url = catalog_server.serve("/catalog.rdf", full)
    source = make_source(commune, url)
    run_job(source)
    start = full.index("    <dcat:dataset>\n      <dcat:Dataset rdf:about=\"https://data.ville-"
                       "colomiers.example/explore/dataset/qualite-air/\">")
    end = full.index("</dcat:dataset>", start) + len("</dcat:dataset>")
    catalog_server.serve("/catalog.rdf", full[:start] + full[end:])
    gone = "qualite-air@data.ville-colomiers.example"

    report = run_job(source)   # 1st run without it: flagged, still public
    assert report["stats"]["flagged"] == 1 and report["gather_errors"] == []
    dataset = org_datasets(commune)[gone]
    assert missing.MISSING_SINCE in {e["key"] for e in dataset["extras"]}
    assert dataset["private"] is False
    page = app.get(tk.url_for("dataset.read", id=dataset["name"]))
    assert "plus dans le catalogue source" in page.body

    report = run_job(source)   # still missing after the delay (0 days): withdrawn, not deleted
    assert report["stats"]["withdrawn"] == 1
    dataset = org_datasets(commune)[gone]
    assert dataset["private"] is True and dataset["state"] == "active"
    assert missing.WITHDRAWN_ON in {e["key"] for e in dataset["extras"]}
    others = [d for k, d in org_datasets(commune).items() if k != gone]
    assert len(others) == 3 and not any(d["private"] for d in others)

    catalog_server.serve("/catalog.rdf", full)
    report = run_job(source)   # back in the source: public again, flags cleared
    assert report["objects"][gone] == "updated"
    dataset = org_datasets(commune)[gone]
    assert dataset["private"] is False
    keys = {e["key"] for e in dataset["extras"]}
    assert not keys & {missing.MISSING_SINCE, missing.WITHDRAWN_ON}


@ALLOW_LOOPBACK
def test_loopback_refused_unless_allowed(monkeypatch, commune, catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    # a source saved while 127.0.0.1 was allowed, then disallowed (the guard of source
    # forms and actions: test_guard.py)
    source = make_source(commune, url)
    monkeypatch.setitem(tk.config, "ckanext.hautegaronne.harvest.allowed_private_hosts", "")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("127.0.0.1" in e and "allowed_private_hosts" in e
               for e in report["gather_errors"]), report["gather_errors"]
    assert org_datasets(commune) == {}
    assert catalog_server.hits == {}


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://ftp.example.org/catalog.rdf", "gopher://127.0.0.1/",
    "http://127.0.0.1/", "http://localhost:5000/catalog.rdf", "http://[::1]/",
    "http://10.0.0.8/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/",
])
def test_address_guard_refuses(url):
    with pytest.raises(fetch.FetchError):
        fetch.check_url(url)


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts",
                         "10.20.0.0/16 intranet.local")
def test_address_guard_allowances(monkeypatch):
    from .test_fetch import NameResolver
    monkeypatch.setattr(fetch, "resolver", NameResolver({"intranet.local": "10.99.0.7"}))
    fetch.check_url("http://10.20.3.4/catalog.rdf")
    assert fetch.check_url("http://intranet.local/catalog.rdf") == [(socket.AF_INET, "10.99.0.7")]
    with pytest.raises(fetch.FetchError):
        fetch.check_url("http://10.21.0.1/catalog.rdf")


def _member(org, user, role):
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role=role)


def test_only_the_organisation_admins_manage_its_sources(commune):
    other = make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696")
    admin, editor, outsider = factories.User(), factories.User(), factories.User()
    _member(commune, admin, "admin")
    _member(commune, editor, "editor")
    _member(other, outsider, "admin")
    source = make_source(commune, "https://data.ville-colomiers.example/catalog.rdf")

    def allowed(user, action, data):
        try:
            return helpers.call_auth(action, {"user": user["name"]}, **data)
        except tk.NotAuthorized:
            return False

    for action, data in [("harvest_source_update", {"id": source["id"]}),
                         ("harvest_job_create", {"source_id": source["id"]}),
                         ("harvest_source_clear", {"id": source["id"]}),
                         ("harvest_source_delete", {"id": source["id"]}),
                         ("harvest_source_create", {"owner_org": commune["id"]})]:
        assert allowed(admin, action, data), action
        assert not allowed(editor, action, data), action
        assert not allowed(outsider, action, data), action
    # Sources and their reports are readable by the organisation's admin.
    assert allowed(admin, "harvest_job_list", {"source_id": source["id"]})
    # Moving a source to another organisation needs admin rights in both.
    assert not allowed(admin, "harvest_source_update",
                       {"id": source["id"], "owner_org": other["id"]})


def test_admin_starts_a_job_over_the_api(commune, app):
    admin = factories.User()
    _member(commune, admin, "admin")
    outsider = factories.User()
    source = make_source(commune, "https://data.ville-colomiers.example/catalog.rdf")
    token = factories.APIToken(user=admin["name"])["token"]
    other_token = factories.APIToken(user=outsider["name"])["token"]
    refused = app.post("/api/3/action/harvest_job_create", json={"source_id": source["id"],
                                                                "run": False},
                       headers={"Authorization": other_token}, status=403)
    assert refused.json["success"] is False
    response = app.post("/api/3/action/harvest_job_create", json={"source_id": source["id"],
                                                                 "run": False},
                        headers={"Authorization": token})
    assert response.json["success"] is True
    assert response.json["result"]["status"] == "New"
