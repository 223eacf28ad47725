"""Fixtures of the data tests: an empty CKAN database, Solr core and DataStore database."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckanext.datastore.tests.helpers as datastore_helpers


@pytest.fixture
def clean_datastore(clean_all):
    """clean_all, and no DataStore table left from an earlier test."""
    engine = datastore_helpers.db.get_write_engine()
    session = sa.orm.scoped_session(sa.orm.sessionmaker(bind=engine))
    datastore_helpers.rebuild_all_dbs(session)
    session.remove()
