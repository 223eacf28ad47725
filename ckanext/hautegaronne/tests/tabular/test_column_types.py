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


@pytest.fixture
def long_table(clean_datastore):
    """More rows than the sample the types are first guessed from, each column's last cell
    contradicting the first ones."""
    org = h.onboard("31458")
    resource_id = h.dataset(org)["resources"][0]["id"]
    columns = ["Entiers puis décimal", "Nombres puis texte", "Nombres puis zéro", "Dates",
               "Vide puis nombres"]
    rows = [[f"{n}", f"{n}", f"{n + 1}", "31/12/2025", ""]
            for n in range(column_types.SAMPLE_ROWS + 10)]
    rows[-1] = ["12,5", "sans objet", "007", "01/01/2026", "1 520"]
    helpers.call_action(
        "datastore_create", context=h.site_context(), resource_id=resource_id, force=True,
        fields=[{"id": c, "type": "text"} for c in columns],
        records=[dict(zip(columns, row)) for row in rows])
    return resource_id


def test_a_cell_beyond_the_first_rows_that_does_not_fit_is_not_lost(long_table):
    converted = column_types.type_columns(get_write_engine(), long_table)
    assert converted == {"Entiers puis décimal": "numeric", "Dates": "date",
                         "Vide puis nombres": "int8"}
    found = helpers.call_action("datastore_search", resource_id=long_table, sort="_id desc",
                                limit=2)
    last, before = found["records"]
    assert last["Entiers puis décimal"] == 12.5 and before["Entiers puis décimal"] > 2000
    assert last["Nombres puis texte"] == "sans objet"  # stays text, whole
    assert last["Nombres puis zéro"] == "007"  # a code: its zeros kept
    assert last["Vide puis nombres"] == 1520 and before["Vide puis nombres"] is None
    assert last["Dates"] == "2026-01-01"
