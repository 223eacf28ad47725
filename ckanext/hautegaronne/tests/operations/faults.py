"""Fixtures of the fault drills (imported by the test modules, no conftest: the folder is
shared with the backup tests): private services (see services.py) that the tests stop."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .services import ROOT, PrivatePostgres, PrivateRedis, PrivateSolr, free_port

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


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2):
    """The portal served by gunicorn (config/wsgi.py, as in production) on a free port with
    the test configuration and ``env`` (e.g. CKAN_SQLALCHEMY_URL); yields (base URL, log)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = ROOT / "var" / "log" / f"faults-gunicorn-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(CKAN.parent / "gunicorn"), "--chdir", str(ROOT / "config"),
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
             "wsgi:application"],
            env=dict(os.environ, CKAN_INI=str(ROOT / "test.ini"), CKAN_SITE_URL=base_url,
                     **env),
            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base_url + "/api/3/action/status_show", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}")
                time.sleep(0.3)
        yield base_url, log_path
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    try:
        redis.start()
        yield redis
    finally:
        redis.remove()
