"""The data of a linked GeoJSON's map, fetched by the portal.

CKAN's resource proxy fetches any address it is given (an internal service included) and
is not enabled; geoview then draws only files the portal serves. The map of a GeoJSON
linked from another site reads ``/dataset/<id>/resource/<resource_id>/carte.geojson``: the
portal checks that the reader may see the resource (``resource_show``), then fetches the
resource's own link (never an address from the request) through the harvester's guarded
fetch (``harvest/fetch.py``: public addresses only, every redirect checked,
``harvest.timeout`` and ``harvest.max_size_mb``), and returns it only if it is a GeoJSON
object. Failures answer a French message the map shows.
"""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ..harvest import fetch as guarded
from . import maps

_ = tk._

GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString",
                 "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}

blueprint = Blueprint("hautegaronne_linked_map", __name__)


def _error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}, ensure_ascii=False), status=status,
                    mimetype="application/json")


@blueprint.route("/dataset/<id>/resource/<resource_id>/carte.geojson")
def data(id: str, resource_id: str) -> Response:
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return _error(404, _("Resource not found"))
    if resource.get("package_id") != id:
        try:
            dataset = tk.get_action("package_show")({}, {"id": id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            dataset = {}
        if dataset.get("id") != resource.get("package_id"):
            return _error(404, _("Resource not found"))
    if not maps.is_linked_geojson(resource):
        return _error(404, _("This resource is not a linked GeoJSON file."))
    try:
        fetched = guarded.fetch(resource["url"])
    except guarded.FetchError as error:
        return _error(502, str(error))
    try:
        document = json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict) or document.get("type") not in GEOJSON_TYPES:
        return _error(502, _("The linked file is not GeoJSON: it cannot be shown on a "
                             "map."))
    return Response(fetched.body, mimetype="application/geo+json",
                    headers={"Cache-Control": "private, max-age=300"})


def get_blueprints() -> list:
    return [blueprint]
