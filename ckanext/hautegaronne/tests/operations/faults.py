"""Fixtures of the fault drills (imported by the test modules, no conftest: the folder is
shared with the backup tests): private services (see services.py) that the tests stop."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..live import served_by_gunicorn
from .services import ROOT, PrivatePostgres, PrivateRedis, PrivateSolr

CKAN = Path(sys.executable).parent / "ckan"


@pytest.fixture(scope="module")
def private_solr():
    solr = PrivateSolr()
    solr.start()
    yield solr
    solr.remove()


@pytest.fixture
def on_private_solr(private_solr, clean_db, monkeypatch):
    """CKAN (this process) pointed at the private Solr core, started and empty."""
    from ckan.common import config
    from ckan.lib import search

    monkeypatch.setitem(config, "solr_url", private_solr.url)
    if not private_solr.running:
        private_solr.start()
    search.clear_all()
    yield private_solr


@pytest.fixture(scope="module")
def private_postgres():
    """A private PostgreSQL cluster holding a CKAN database (``ckan db init``, plugins'
    migrations included), for drills that restart it."""
    database = PrivatePostgres()
    try:
        database.start()
        result = subprocess.run([str(CKAN), "-c", str(ROOT / "test.ini"), "db", "init"],
                                env=dict(os.environ, CKAN_SQLALCHEMY_URL=database.url),
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        yield database
    finally:
        database.remove()


def gunicorn(env: dict, workers: int = 2):
    """The portal served by gunicorn with the test configuration and ``env`` (e.g.
    CKAN_SQLALCHEMY_URL); yields (base URL, log path)."""
    return served_by_gunicorn(ROOT / "test.ini", env, workers, log_name="faults-gunicorn")


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    try:
        redis.start()
        yield redis
    finally:
        redis.remove()
