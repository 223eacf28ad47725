"""Fixtures shared by the suite. Every test runs against the real services
that `make test` starts (PostgreSQL, Solr, Redis)."""
from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the plugins' tables
    (harvest, activity) are needed to create and index datasets, and
    tracking's migration gives its raw table the key its model expects."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    migrate_db_for("tracking")


@pytest.fixture
def clean_all(clean_db, clean_index):
    """An empty database and an empty Solr core."""


@pytest.fixture
def live_portal(clean_all, tmp_path):
    """The portal served over real HTTP by gunicorn on a free loopback port,
    with the test configuration (and the test database, Solr core and Redis db
    that `make test` exports through CKAN_* variables) and CSRF protection ON,
    as in production: test.ini turns it off for the Flask test client only, so
    the browser's forms must carry their token. Yields its base URL."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    ini = tmp_path / "live-portal.ini"
    ini.write_text(f"[app:main]\nuse = config:{root / 'test.ini'}\nWTF_CSRF_ENABLED = true\n",
                   encoding="utf-8")
    env = dict(os.environ, CKAN_INI=str(ini), CKAN_SITE_URL=base_url)
    log_path = root / "var" / "log" / f"live-portal-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(root / "config"),
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
             "wsgi:application"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base_url + "/api/3/action/status_show", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the live portal did not start; see {log_path}")
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
