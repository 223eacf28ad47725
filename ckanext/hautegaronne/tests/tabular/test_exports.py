"""Exports of a table: formulas neutralised in the spreadsheet formats (CSV, TSV), values
kept as published elsewhere."""
from __future__ import annotations

import csv
import io
import json

from ckan.tests import helpers

from ..publishers import helpers as h

CELLS = ["=HYPERLINK(\"http://example.org\",\"Cliquez\")", "+33 5 61 00 00 00", "-2+3",
         "@SUM(A1:A2)", "Route d'Espagne", "<script>alert(1)</script>"]


def _table(clean_datastore) -> str:
    org = h.onboard("31458")
    resource_id = h.dataset(org)["resources"][0]["id"]
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource_id,
                        force=True, fields=[{"id": "cellule", "type": "text"},
                                            {"id": "valeur", "type": "int"}],
                        records=[{"cellule": c, "valeur": -n} for n, c in enumerate(CELLS)])
    return resource_id


def test_csv_and_tsv_exports_neutralise_formulas(app, clean_datastore):
    resource_id = _table(clean_datastore)
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        text = app.get(f"/datastore/dump/{resource_id}?format={fmt}", status=200).get_data(
            as_text=True)
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
        assert rows[0] == ["_id", "cellule", "valeur"]
        assert [r[1] for r in rows[1:]] == [
            "'=HYPERLINK(\"http://example.org\",\"Cliquez\")", "'+33 5 61 00 00 00", "'-2+3",
            "'@SUM(A1:A2)", "Route d'Espagne", "<script>alert(1)</script>"]
        assert [r[2] for r in rows[1:]] == ["0", "-1", "-2", "-3", "-4", "-5"]  # numbers as they are


def test_json_export_and_api_keep_the_published_values(app, clean_datastore):
    resource_id = _table(clean_datastore)
    found = helpers.call_action("datastore_search", resource_id=resource_id, sort="_id")
    assert [r["cellule"] for r in found["records"]] == CELLS
    dumped = json.loads(app.get(f"/datastore/dump/{resource_id}?format=json",
                                status=200).get_data(as_text=True))
    assert [r[1] for r in dumped["records"]] == CELLS


def test_formulas_are_neutralised_in_every_text_type_and_refused_as_column_names(
        app, clean_datastore):
    """Outside attack review: a varchar or name column kept its formulas, and a column named
    ``=1+1`` opened the export with a formula in its header line."""
    import ckan.plugins.toolkit as tk

    org = h.onboard("31458")
    resource_id = h.dataset(org)["resources"][0]["id"]
    helpers.call_action("datastore_create", context=h.site_context(), resource_id=resource_id,
                        force=True, fields=[{"id": "court", "type": "varchar"},
                                            {"id": "nom", "type": "name"}],
                        records=[{"court": "=1+1", "nom": "@SUM(A1)"}])
    text = app.get(f"/datastore/dump/{resource_id}?format=csv", status=200).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][1:] == ["'=1+1", "'@SUM(A1)"]
    other = h.dataset(org)["resources"][0]["id"]
    for name in ("=1+1", "@SUM(A1)", "-2+3", "+33"):
        try:
            helpers.call_action("datastore_create", context=h.site_context(), resource_id=other,
                                force=True, fields=[{"id": name, "type": "text"}])
        except tk.ValidationError as error:
            assert "formula" in str(error.error_dict["fields"]), error.error_dict
        else:
            raise AssertionError(f"column {name!r} accepted")


def test_a_costly_sql_query_is_stopped_at_the_portals_limit(clean_datastore, ckan_config,
                                                             monkeypatch):
    """Outside attack review: six anonymous cross joins held every web worker 60 s."""
    import ckan.plugins.toolkit as tk

    resource_id = _table(clean_datastore)
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.datastore.sql_timeout_ms", 200)
    table = f'"{resource_id}"'
    sql = f"SELECT count(*) FROM {table} a, {table} b, {table} c, {table} d, {table} e, " \
          f"{table} f, {table} g, {table} h, {table} i, {table} j"
    try:
        helpers.call_action("datastore_search_sql", context={"ignore_auth": True}, sql=sql)
    except tk.ValidationError as error:
        assert "too long" in str(error.error_dict).lower() or "trop" in str(error.error_dict)
    else:
        raise AssertionError("a 6**10-row cross join ran to its end")
