"""Fixtures shared by the suite. Every test runs against the real services
that `make test` starts (PostgreSQL, Solr, Redis)."""
from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the plugins' tables
    (harvest, activity) are needed to create and index datasets, and
    tracking's migration gives its raw table the key its model expects; the portal's own
    migration holds the reuse proposals."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    migrate_db_for("tracking")
    migrate_db_for("hautegaronne")


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
    from .live import ROOT, served_by_gunicorn

    ini = tmp_path / "live-portal.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\nWTF_CSRF_ENABLED = true\n",
                   encoding="utf-8")
    with served_by_gunicorn(ini) as (base_url, _log):
        yield base_url
