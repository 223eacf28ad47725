"""ckanext-harvest's actions that checked no authorisation: ``harvest_source_reindex`` and
``harvest_abort_failed_jobs`` answered 200 to anonymous callers. Through the action API:
anonymous callers and users who do not own the source are refused (403), nothing changes;
the source's admins reindex it; the platform's operators (site user) abort failed jobs."""
from __future__ import annotations

import datetime

import pytest
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestJob

from .conftest import make_org, make_source, site_context

pytestmark = [pytest.mark.usefixtures("with_plugins")]


def _token(user_name: str) -> dict:
    token = tk.get_action("api_token_create")({"user": user_name, "ignore_auth": True},
                                              {"user": user_name, "name": "jeton"})["token"]
    return {"Authorization": token}


def _member(org, role) -> dict:
    user = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role=role)
    return user


@pytest.fixture
def source(commune):
    return make_source(commune, "https://data.colomiers.example.org/catalog.rdf")


def _stale_job(source) -> str:
    """A job still running after 30 days (a weekly source's jobs are failed after 7)."""
    job = tk.get_action("harvest_job_create")(site_context(), {"source_id": source["id"],
                                                               "run": False})
    row = HarvestJob.get(job["id"])
    row.status = "Running"
    row.created = datetime.datetime.utcnow() - datetime.timedelta(days=30)
    row.save()
    return job["id"]


def _job_status(job_id: str) -> str:
    model.Session.remove()
    return HarvestJob.get(job_id).status


def test_reindexing_a_source_is_refused_to_anonymous_callers_and_non_owners(app, commune,
                                                                            source):
    other = make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696")
    outsiders = [None, factories.User()["name"], _member(other, "admin")["name"],
                 _member(commune, "editor")["name"]]
    for user in outsiders:
        headers = _token(user) if user else {}
        for method in ("get", "post"):
            kwargs = {"query_string": {"id": source["id"]}} if method == "get" else \
                {"json": {"id": source["id"]}}
            response = getattr(app, method)("/api/3/action/harvest_source_reindex",
                                            headers=headers, **kwargs)
            assert response.status_code == 403, (user, method, response.json)


def test_the_sources_admin_reindexes_it(app, commune, source):
    admin = _member(commune, "admin")
    response = app.post("/api/3/action/harvest_source_reindex", headers=_token(admin["name"]),
                        json={"id": source["id"]})
    assert response.status_code == 200, response.json


def test_reindexing_every_source_is_refused_to_anonymous_callers_with_a_403(app, source):
    # ckanext-harvest's own rule crashed on an anonymous caller: a 500 (outside attack)
    response = app.post("/api/3/action/harvest_sources_reindex", json={})
    assert response.status_code == 403, response.get_data(as_text=True)
    user = factories.User()["name"]
    response = app.post("/api/3/action/harvest_sources_reindex", headers=_token(user), json={})
    assert response.status_code == 403, response.json


def test_reindexing_every_source_still_works_for_the_operators(app, source):
    response = app.post("/api/3/action/harvest_sources_reindex",
                        headers=_token(site_context()["user"]), json={})
    assert response.status_code == 200, response.json


def test_aborting_failed_jobs_is_refused_to_anonymous_callers_and_publishers(app, commune,
                                                                            source):
    # with no job to abort, ckanext-harvest answered anonymous callers 200
    response = app.post("/api/3/action/harvest_abort_failed_jobs", json={"life_span": "7"})
    assert response.status_code == 403, response.json
    job_id = _stale_job(source)
    other = make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696")
    for user in (None, factories.User()["name"], _member(other, "admin")["name"],
                 _member(commune, "admin")["name"]):
        response = app.post("/api/3/action/harvest_abort_failed_jobs",
                            headers=_token(user) if user else {}, json={"life_span": "7"})
        assert response.status_code == 403, (user, response.json)
        assert _job_status(job_id) == "Running"


def test_the_site_user_aborts_failed_jobs(app, source):
    stale_job = _stale_job(source)
    response = app.post("/api/3/action/harvest_abort_failed_jobs",
                        headers=_token(site_context()["user"]), json={"life_span": "7"})
    assert response.status_code == 200, response.json
    assert "Aborted jobs: 1" in response.json["result"]
    assert _job_status(stale_job) == "Finished"  # what harvest_job_abort makes of it
