"""Fixtures of the data tests: an empty CKAN database, Solr core and DataStore database."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckanext.datastore.tests.helpers as datastore_helpers

MAX_TEST_FILE_BYTES = 1_000_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "loading_settings(settings): extra ckan.ini settings of loading_services")


@pytest.fixture
def clean_datastore(clean_all):
    """clean_all, and no DataStore table left from an earlier test."""
    engine = datastore_helpers.db.get_write_engine()
    session = sa.orm.scoped_session(sa.orm.sessionmaker(bind=engine))
    datastore_helpers.rebuild_all_dbs(session)
    session.remove()


@pytest.fixture
def loading_portal(loading_services):
    """The portal over real HTTP (gunicorn) with a real `ckan jobs worker` on the test
    Redis (``loading_services``); yields the portal's base URL."""
    return loading_services[0]


@pytest.fixture
def loading_services(request, clean_datastore, tmp_path):
    """The portal over real HTTP (gunicorn) with a real `ckan jobs worker` on the test
    Redis: uploads and links are loaded into the DataStore as in production. The worker
    downloads uploaded files from the portal and reports to it with the site user's API
    token. Yields (base URL, worker process). Extra settings: mark the test with
    ``@pytest.mark.loading_settings({...})``."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import ckan.plugins.toolkit as tk

    from ..live import ROOT, served_by_gunicorn

    _empty_job_queues()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    token = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": site_user}, {"user": site_user, "name": "xloader"})["token"]
    marker = request.node.get_closest_marker("loading_settings")
    extra = "".join(f"{key} = {value}\n" for key, value in (marker.args[0] if marker else {}).items())
    ini = tmp_path / "loading-portal.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
                   f"ckanext.xloader.api_token = {token}\n"
                   # a small limit, so that the over-size test needs no huge file
                   f"ckanext.xloader.max_content_length = {MAX_TEST_FILE_BYTES}\n" + extra,
                   encoding="utf-8")
    with served_by_gunicorn(ini, log_name="loading-portal") as (base_url, _log):
        log_path = ROOT / "var" / "log" / f"jobs-worker-test-{Path(tmp_path).name}.log"
        with open(log_path, "wb") as log:
            worker = subprocess.Popen(
                [str(Path(sys.executable).parent / "ckan"), "-c", str(ini), "jobs", "worker"],
                env=dict(os.environ, CKAN_SITE_URL=base_url), stdout=log,
                stderr=subprocess.STDOUT)
        try:
            yield base_url, worker
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def _empty_job_queues() -> None:
    """Drop the jobs earlier tests left on the test Redis (queued, or scheduled like the
    DataStore's delayed row counts of tables since dropped): the worker starts idle."""
    from ckan.lib import jobs
    from rq.registry import ScheduledJobRegistry

    for queue in jobs.get_all_queues():
        queue.empty()
        scheduled = ScheduledJobRegistry(queue=queue)
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id, delete_job=True)
