"""French numbers and dates of a table loaded as text are typed inside PostgreSQL; what
does not fit stays text, nothing is lost."""
from __future__ import annotations

import pytest

from ckan.tests import helpers
from ckanext.datastore.backend.postgres import get_write_engine

from ckanext.hautegaronne.tabular import column_types

from ..publishers import helpers as h

COLUMNS = ["Véhicules/jour", "Part (%)", "Date", "Code INSEE", "Code postal local", "Dossier",
           "Mesure", "Échéance", "Relevé"]


@pytest.fixture
def table(clean_datastore):
    org = h.onboard("31458")
    resource_id = h.dataset(org)["resources"][0]["id"]
    helpers.call_action(
        "datastore_create", context=h.site_context(), resource_id=resource_id, force=True,
        fields=[{"id": c, "type": "text"} for c in COLUMNS],
        records=[dict(zip(COLUMNS, row)) for row in [
            ["1\u00a0520", "12,5", "31/12/2025", "31042", "31000", "0042", "1.234,5", "31/02/2025", "2025-12-31 00:00:00"],
            ["12 340", "-0,25", "01/02/2025", "31483", "31800", "0043", "7", "01/03/2025", "2025-02-01"],
            ["", "", "", "31395", "31600", "0044", "", "", ""],
        ]])
    return resource_id


def test_french_numbers_and_dates_are_typed_and_codes_stay_text(table):
    converted = column_types.type_columns(get_write_engine(), table)
    assert converted == {"Véhicules/jour": "int8", "Part (%)": "numeric", "Date": "date",
                         "Mesure": "numeric", "Relevé": "date"}
    found = helpers.call_action("datastore_search", resource_id=table, sort="_id")
    types = {f["id"]: f["type"] for f in found["fields"]}
    assert types["Code INSEE"] == types["Code postal local"] == types["Dossier"] == "text"
    assert types["Échéance"] == "text"  # 31/02/2025 does not exist: left as the file says
    rows = found["records"]
    assert [r["Véhicules/jour"] for r in rows] == [1520, 12340, None]
    assert [r["Part (%)"] for r in rows] == [12.5, -0.25, None]
    assert [r["Mesure"] for r in rows] == [1234.5, 7, None]
    assert [r["Date"] for r in rows] == ["2025-12-31", "2025-02-01", None]
    assert [r["Relevé"] for r in rows] == ["2025-12-31", "2025-02-01", None]
    assert [r["Dossier"] for r in rows] == ["0042", "0043", "0044"]
    assert [r["Échéance"] for r in rows] == ["31/02/2025", "01/03/2025", ""]


def test_typing_twice_changes_nothing(table):
    column_types.type_columns(get_write_engine(), table)
    assert column_types.type_columns(get_write_engine(), table) == {}
