"""Fixtures shared by the suite. Every test runs against the real services
that `make test` starts (PostgreSQL, Solr, Redis)."""
from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the plugins' tables
    (harvest, activity) are needed to create and index datasets."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


@pytest.fixture
def clean_all(clean_db, clean_index):
    """An empty database and an empty Solr core."""
