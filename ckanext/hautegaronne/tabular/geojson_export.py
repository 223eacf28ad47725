"""GeoJSON export of a DataStore table with latitude and longitude columns.

CKAN's DataStore exports CSV, TSV, JSON and XML (``/datastore/dump/<id>``); a table whose
columns give coordinates (``latitude``/``lat``/``y`` and ``longitude``/``lon``/``lng``/``x``,
French decimal commas accepted, or one column ``coordonnees``/``geo_point`` holding
"latitude, longitude") is also offered as a GeoJSON FeatureCollection of points, every
other column a property, at ``/datastore/dump/<id>/geojson``: with the same ``q`` and
``filters`` as the API (a filtered table exported as shown), read through
``datastore_search`` (the reader's rights apply), page by page, streamed. A row without valid
coordinates is kept with a null geometry (nothing silently dropped).
"""
from __future__ import annotations

import json
import re
from typing import Iterator, Optional

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, stream_with_context

from .. import text

_ = tk._

LATITUDE = {"latitude", "lat", "y"}
LONGITUDE = {"longitude", "lon", "lng", "long", "x"}
# one column holding "latitude, longitude" (OpenDataSoft's geo_point_2d, French exports)
COMBINED = {"coordonnees", "coordonneesgps", "coordinates", "geopoint", "geopointd",
            "latlon", "latlong", "position"}
PAGE = 5000

blueprint = Blueprint("hautegaronne_geojson_export", __name__)


def _plain(name: str) -> str:
    return re.sub(r"[^a-z]", "", text.fold(name))


def coordinate_columns(fields: list[dict]) -> Optional[tuple[str, str]]:
    """(latitude column, longitude column), or None when the table has not both."""
    names = [f["id"] for f in fields if not f["id"].startswith("_")]
    lat = next((n for n in names if _plain(n) in LATITUDE), None)
    lon = next((n for n in names if _plain(n) in LONGITUDE), None)
    if lat and lon:
        return lat, lon
    both = next((n for n in names if _plain(n) in COMBINED), None)
    return (both, both) if both else None


def _number(value) -> Optional[float]:
    if value is None or value == "":
        return None
    try:
        return float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _pair(value) -> tuple:
    """(latitude, longitude) of one "43.6, 1.44" / "43,6;1,44" / "43.6 1.44" cell."""
    cell = str(value or "").strip().strip("()[]")
    for separator in (";", ", ", ",", " "):
        parts = [part for part in cell.split(separator) if part.strip()]
        if len(parts) == 2:
            return _number(parts[0].strip()), _number(parts[1].strip())
    return None, None


def point(record: dict, lat: str, lon: str) -> Optional[list]:
    """[longitude, latitude] of the row, or None when it has no valid coordinates."""
    if lat == lon:
        y, x = _pair(record.get(lat))
    else:
        y, x = _number(record.get(lat)), _number(record.get(lon))
    if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return [x, y]


def _feature(record: dict, lat: str, lon: str) -> dict:
    coordinates = point(record, lat, lon)
    properties = {k: v for k, v in record.items() if not k.startswith("_")}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates}
            if coordinates else None, "properties": properties}


def _search_args(resource_id: str) -> dict:
    args = {"resource_id": resource_id, "sort": "_id"}
    if tk.request.args.get("q"):
        args["q"] = tk.request.args["q"]
    if tk.request.args.get("filters"):
        try:
            args["filters"] = json.loads(tk.request.args["filters"])
        except ValueError:
            tk.abort(400, _("The filters are not valid JSON."))
    return args


def _features(args: dict, lat: str, lon: str) -> Iterator[str]:
    search = tk.get_action("datastore_search")
    offset, first = 0, True
    yield '{"type": "FeatureCollection", "features": ['
    while True:
        page = search({}, dict(args, limit=PAGE, offset=offset))
        for record in page["records"]:
            yield ("" if first else ",\n") + json.dumps(_feature(record, lat, lon),
                                                        ensure_ascii=False, default=str)
            first = False
        offset += PAGE
        if len(page["records"]) < PAGE:
            break
    yield "]}\n"


@blueprint.route("/datastore/dump/<resource_id>/geojson")
def export(resource_id: str) -> Response:
    args = _search_args(resource_id)
    try:
        first = tk.get_action("datastore_search")({}, dict(args, limit=0))
    except tk.ObjectNotFound:
        tk.abort(404, _("This resource has no table in the data service."))
    except tk.NotAuthorized:
        tk.abort(403, _("You are not allowed to read this table."))
    except tk.ValidationError as error:
        tk.abort(400, str(error.error_dict))
    columns = coordinate_columns(first["fields"])
    if columns is None:
        tk.abort(404, _("This table has no latitude and longitude columns: no GeoJSON "
                        "export."))
    body = stream_with_context(_features(args, *columns))
    return Response(body, mimetype="application/geo+json", headers={
        "Content-Disposition": f'attachment; filename="{resource_id}.geojson"'})


def has_coordinates(resource_id: str) -> bool:
    """Template helper: whether the resource's table can be exported as GeoJSON."""
    try:
        info = tk.get_action("datastore_search")({}, {"resource_id": resource_id, "limit": 0})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return False
    return coordinate_columns(info["fields"]) is not None


def get_blueprints() -> list:
    return [blueprint]
