"""The "API de données" box of a resource page: the portal's own documentation of a
DataStore table, built from the table itself.

CKAN's stock box shows the same examples for every table (columns "subject" and "stage",
a search for "jones") and an ``API_TOKEN`` even for public data. Here every example is a
real query on the resource's table: a filter on one of its columns with a value it holds,
a full-text search for a word it contains, a sort and a page (limit/offset); each as a URL,
a curl command and a Python (requests) snippet, ready to copy and run. Then a read-only SQL
example (where ``datastore_search_sql`` is enabled), the exports of the filtered table (CSV,
JSON, and GeoJSON for a table with latitude and longitude), and the limits. A token is shown
only for a private dataset's table, which only its publisher's members can read.
"""
from __future__ import annotations

import json
import re
import shlex
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan import model

from . import geojson_export

_ = tk._

SAMPLE_ROWS = 50
PAGE = 5
# Types of the DataStore whose values filter as they are shown.
TEXT_TYPES = ("text", "varchar", "citext")
NUMBER_TYPES = ("int", "int4", "int8", "integer", "bigint", "smallint", "numeric", "float8",
                "float4", "double precision")
_WORD = re.compile(r"[^\W\d_]{5,}|[^\W\d_]{3,}")


def _columns(fields: list[dict]) -> list[dict]:
    return [f for f in fields if not f["id"].startswith("_")]


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) \
        and str(value).strip() != ""


def _filter(columns: list[dict], records: list[dict]) -> Optional[tuple[str, Any]]:
    """A column and a value it holds: text first (short values), then numbers."""
    for kinds in (TEXT_TYPES, NUMBER_TYPES):
        for column in columns:
            if column["type"] not in kinds:
                continue
            for record in records:
                value = record.get(column["id"])
                if _scalar(value) and len(str(value)) <= 60:
                    return column["id"], value
    return None


def _word(columns: list[dict], records: list[dict]) -> Optional[str]:
    """A word of the table's text, for the full-text example."""
    for record in records:
        for column in columns:
            value = record.get(column["id"])
            if column["type"] in TEXT_TYPES and isinstance(value, str):
                found = _WORD.search(value)
                if found:
                    return found.group(0)
    return None


def _sort_column(columns: list[dict]) -> Optional[str]:
    """A numeric column (sorted in descending order means something), else the first."""
    usable = [c for c in columns if "," not in c["id"] and '"' not in c["id"]]
    numbers = [c for c in usable if c["type"] in NUMBER_TYPES]
    chosen = (numbers or usable or [None])[0]
    return chosen["id"] if chosen else None


def _python_literal(value: Any, indent: int = 4) -> str:
    """``value`` as Python source (json.dumps would write true/false/null)."""
    if isinstance(value, dict):
        pad = " " * (indent + 4)
        items = ",\n".join(f"{pad}{_python_literal(k)}: {_python_literal(v, indent + 4)}"
                           for k, v in value.items())
        return "{\n" + items + ",\n" + " " * indent + "}"
    return repr(value)


def _query_string(params: dict) -> str:
    return urlencode({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                      else v for k, v in params.items()})


def _example(key: str, title: str, endpoint: str, params: dict,
             private: bool, method: str = "datastore_search") -> dict:
    url = f"{endpoint}/{method}?{_query_string(params)}"
    auth_curl = ' -H "Authorization: $CKAN_API_TOKEN"' if private else ""
    curl = f"curl -G{auth_curl} {shlex.quote(endpoint + '/' + method)}" + "".join(
        f" \\\n  --data-urlencode {shlex.quote(k + '=' + (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)))}"
        for k, v in params.items())
    token = ('    headers={"Authorization": os.environ["CKAN_API_TOKEN"]},\n' if private else "")
    python = (("import os\n\n" if private else "") + "import requests\n\n"
              f"response = requests.post(\n    {endpoint + '/' + method!r},\n"
              f"    json={_python_literal(params)},\n{token}    timeout=60,\n)\n"
              "response.raise_for_status()\n"
              'records = response.json()["result"]["records"]\n'
              "for record in records:\n    print(record)\n")
    return {"key": key, "title": title, "url": url, "curl": curl, "python": python}


def _sql_literal(value: Any, column_type: str) -> str:
    if column_type in NUMBER_TYPES:
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def data_api(resource_id: str) -> Optional[dict]:
    """Everything the box shows for the resource's table, or None when the reader cannot
    read it (or it has no table)."""
    try:
        sample = tk.get_action("datastore_search")(
            {}, {"resource_id": resource_id, "limit": SAMPLE_ROWS, "sort": "_id"})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None
    resource = model.Resource.get(resource_id)
    package = model.Package.get(resource.package_id) if resource is not None else None
    private = bool(package is not None and package.private)
    columns = _columns(sample["fields"])
    records = sample["records"]
    total = sample.get("total") or len(records)
    endpoint = tk.url_for("api.action", ver=3, logic_function="datastore_search",
                          qualified=True).rsplit("/", 1)[0]
    types = {c["id"]: c["type"] for c in columns}
    examples = []
    chosen = _filter(columns, records)
    filters: dict = {}
    if chosen:
        filters = {chosen[0]: chosen[1]}
        examples.append(_example(
            "filter", _('The rows whose column "{column}" is "{value}"').format(
                column=chosen[0], value=chosen[1]),
            endpoint, {"resource_id": resource_id, "filters": filters, "limit": PAGE}, private))
    word = _word(columns, records)
    if word:
        examples.append(_example(
            "q", _('Full-text search: the rows containing "{word}" in any column').format(
                word=word),
            endpoint, {"resource_id": resource_id, "q": word, "limit": PAGE}, private))
    sort = _sort_column(columns)
    limit = max(1, min(PAGE, total // 2))
    offset = limit if total > limit else 0
    if sort:
        examples.append(_example(
            "page", _('Sorted by "{column}" in descending order, rows {first} to {last}').format(
                column=sort, first=offset + 1, last=offset + limit),
            endpoint, {"resource_id": resource_id, "sort": f"{_identifier(sort)} desc",
                       "limit": limit, "offset": offset}, private))
    sql = None
    if tk.h.datastore_search_sql_enabled():
        where = (f" WHERE {_identifier(chosen[0])} = {_sql_literal(chosen[1], types[chosen[0]])}"
                 if chosen else "")
        statement = f"SELECT * FROM {_identifier(resource_id)}{where} LIMIT {PAGE}"
        sql = _example("sql", _("The same filter in SQL (read-only: SELECT only)"), endpoint,
                       {"sql": statement}, private, method="datastore_search_sql")
    dump = tk.url_for("datastore.dump", resource_id=resource_id, qualified=True)
    export_args = {"filters": json.dumps(filters, ensure_ascii=False)} if filters else {}
    exports = [
        {"format": "CSV", "url": f"{dump}?{urlencode(dict(export_args, bom='True'))}"},
        {"format": "JSON", "url": f"{dump}?{urlencode(dict(export_args, format='json'))}"},
    ]
    if geojson_export.coordinate_columns(sample["fields"]) is not None:
        geojson = tk.url_for("hautegaronne_geojson_export.export", resource_id=resource_id,
                             qualified=True)
        exports.append({"format": "GeoJSON", "url": f"{geojson}?{urlencode(export_args)}"
                        if export_args else geojson})
    timeout_ms = tk.config.get("ckanext.hautegaronne.datastore.sql_timeout_ms")
    return {
        "resource_id": resource_id, "endpoint": f"{endpoint}/datastore_search",
        "columns": columns, "total": total,
        "total_shown": f"{total:,}".replace(",", "\u202f"), "examples": examples, "sql": sql,
        "filters": filters, "exports": exports, "private": private,
        "rows_max": f"{tk.config.get('ckan.datastore.search.rows_max'):,}".replace(",", "\u202f"),
        "sql_timeout_seconds": f"{timeout_ms / 1000:g}".replace(".", ","),
    }


def hautegaronne_data_api(resource_id: str) -> Optional[dict]:
    return data_api(resource_id)


def get_helpers() -> dict:
    return {"hautegaronne_data_api": hautegaronne_data_api}
