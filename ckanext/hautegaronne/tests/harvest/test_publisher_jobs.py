"""A publisher's admins abort their own source's harvest job, nobody else (issue 11, item
10); the site user's harvest shows in the publisher's activity stream (item 2)."""
from __future__ import annotations

import pytest
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestJob

from .conftest import make_org, make_source, read_data, run_job, site_context

pytestmark = [pytest.mark.usefixtures("with_plugins")]
ALLOW_LOOPBACK = pytest.mark.ckan_config(
    "ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")


def _member(org, user, role):
    tk.get_action("organization_member_create")(
        site_context(), {"id": org["id"], "username": user["name"], "role": role})
    return user


def _running_job(source: dict) -> str:
    job = tk.get_action("harvest_job_create")(site_context(), {"source_id": source["id"],
                                                               "run": False})
    row = HarvestJob.get(job["id"])
    row.status = "Running"
    row.save()
    return job["id"]


def _status(job_id: str) -> str:
    model.Session.remove()
    return HarvestJob.get(job_id).status


@pytest.mark.parametrize("by", ["source_id", "job id"])
def test_the_sources_admins_abort_its_job_and_nobody_else(app, commune, by):
    source = make_source(commune, "https://catalogue.example.org/catalog.rdf")
    other = make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696")
    admin = _member(commune, factories.User(), "admin")
    editor = _member(commune, factories.User(), "editor")
    other_admin = _member(other, factories.User(), "admin")
    sysadmin = factories.Sysadmin()  # bound, member of neither
    job_id = _running_job(source)
    data = {"source_id": source["id"]} if by == "source_id" else {"id": job_id}
    for user in (editor, other_admin, sysadmin):
        response = app.post("/api/action/harvest_job_abort", json=data, expect_errors=True,
                            headers={"Authorization": factories.APIToken(user=user["name"])["token"]})
        assert response.status_code == 403, (user["name"], response.status_code)
        assert _status(job_id) == "Running"
    app.post("/api/action/harvest_job_abort", json=data, status=200,
             headers={"Authorization": factories.APIToken(user=admin["name"])["token"]})
    assert _status(job_id) in ("Aborted", "Finished")


@ALLOW_LOOPBACK
def test_a_harvest_by_the_site_user_shows_in_the_publishers_activity(app, commune,
                                                                    catalog_server):
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    run_job(make_source(commune, url))
    site_user = model.User.get(site_context()["user"])
    activities = app.get(f"/api/action/organization_activity_list?id={commune['id']}&limit=100"
                         ).json["result"]
    harvested = [a for a in activities
                 if a["user_id"] == site_user.id and a["activity_type"] == "new package"]
    assert len(harvested) >= 4
