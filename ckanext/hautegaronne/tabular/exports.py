"""Spreadsheet formula injection, neutralised in the DataStore's CSV and TSV exports.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by spreadsheet software when the export is opened (OWASP "CSV injection"). In the
CSV and TSV exports (``/datastore/dump``, ``datastore_search`` with ``records_format`` csv
or tsv), such text cells are prefixed with an apostrophe, which spreadsheets show as text;
the table itself, the JSON and XML exports and the API keep the values as published.
"""
from __future__ import annotations

from ckanext.datastore.backend.postgres import identifier

SPREADSHEET_FORMATS = ("csv", "tsv")
FORMULA_START = r"^[=+\-@\t\r]"
# PostgreSQL's text types a DataStore column may have (numbers keep their minus sign).
TEXT_TYPES = frozenset({"text", "varchar", "character varying", "char", "character", "bpchar",
                        "name", "citext"})


def neutralise_formulas(data_dict: dict, fields_types: dict, query_dict: dict) -> dict:
    """IDatastore.datastore_search: rewrite the selected text columns of a spreadsheet
    export so that no cell starts a formula."""
    if data_dict.get("records_format") not in SPREADSHEET_FORMATS:
        return query_dict
    text_columns = {identifier(name): name for name, type_ in fields_types.items()
                    if type_ in TEXT_TYPES}
    query_dict["select"] = [
        (f"CASE WHEN {column} ~ '{FORMULA_START}' THEN '''' || {column} ELSE {column} END"
         if column in text_columns else column)
        for column in query_dict.get("select", [])]
    return query_dict
