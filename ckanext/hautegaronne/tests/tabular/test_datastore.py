"""The DataStore: its own database, a write role and a read-only role (set by
`ckan datastore set-permissions` in make test), French full text, stated limits."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ..publishers import helpers as h


def _table(org: dict, records: list[dict]) -> str:
    dataset = h.dataset(org)
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource_id,
                        force=True, records=records,
                        fields=[{"id": "commune", "type": "text"}, {"id": "comptage", "type": "int"},
                                {"id": "observation", "type": "text"}])
    return resource_id


@pytest.fixture
def org(clean_datastore):
    return h.onboard("31458")


def test_datastore_has_its_own_database_and_a_read_role_that_cannot_write():
    write_url = sa.engine.make_url(tk.config["ckan.datastore.write_url"])
    read_url = sa.engine.make_url(tk.config["ckan.datastore.read_url"])
    assert write_url.database != sa.engine.make_url(tk.config["sqlalchemy.url"]).database
    assert read_url.database == write_url.database
    assert read_url.username == "datastore_ro" and write_url.username == "ckan"
    engine = sa.create_engine(read_url)
    try:
        with engine.connect() as connection:
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                connection.execute(sa.text("CREATE TABLE intrus (x int)"))
    finally:
        engine.dispose()


def test_french_text_is_searched_with_french_stemming_and_filters(org):
    resource_id = _table(org, [
        {"commune": "Roques", "comptage": 1520, "observation": "Routes départementales fermées"},
        {"commune": "Muret", "comptage": 980, "observation": "Travaux sur la chaussée"},
        {"commune": "Toulouse", "comptage": 30120, "observation": "Route départementale ouverte"},
    ])
    found = helpers.call_action("datastore_search", resource_id=resource_id, q="route fermée",
                                sort="commune")
    assert [r["commune"] for r in found["records"]] == ["Roques"]
    found = helpers.call_action("datastore_search", resource_id=resource_id, q="départemental",
                                sort="comptage desc")
    assert [r["commune"] for r in found["records"]] == ["Toulouse", "Roques"]
    found = helpers.call_action("datastore_search", resource_id=resource_id,
                                filters={"commune": "Muret"})
    assert [r["observation"] for r in found["records"]] == ["Travaux sur la chaussée"]


def test_rows_per_call_are_capped_at_the_configured_maximum(org):
    assert tk.config["ckan.datastore.search.rows_max"] == 10000
    resource_id = _table(org, [{"commune": "Roques", "comptage": n, "observation": ""}
                               for n in range(10001)])
    found = helpers.call_action("datastore_search", resource_id=resource_id, limit=20000)
    assert found["total"] == 10001 and len(found["records"]) == 10000
    sql = f'SELECT comptage FROM "{resource_id}"'
    found = helpers.call_action("datastore_search_sql", sql=sql)
    assert len(found["records"]) == 10000 and found.get("records_truncated") is True


def test_search_sql_is_read_only(org):
    resource_id = _table(org, [{"commune": "Roques", "comptage": 1, "observation": ""}])
    for statement in (f'DELETE FROM "{resource_id}"', f'DROP TABLE "{resource_id}"',
                      f'UPDATE "{resource_id}" SET comptage = 2'):
        with pytest.raises((tk.ValidationError, tk.NotAuthorized)):
            helpers.call_action("datastore_search_sql", sql=statement)
    found = helpers.call_action("datastore_search", resource_id=resource_id)
    assert [r["comptage"] for r in found["records"]] == [1]
