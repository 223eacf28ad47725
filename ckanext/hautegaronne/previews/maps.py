"""Map views of the portal (ckanext-geoview's Leaflet, the portal's own module).

* ``hautegaronne_table_map``: a table loaded into the DataStore whose columns give
  coordinates (``tabular/geojson_export.py``: latitude/longitude, lat/lon, x/y, or one
  "lat,lon" column) is drawn from the portal's GeoJSON export of that table, read with the
  reader's own rights. Created by default once the table is loaded (``requires_datastore``).
* ``hautegaronne_linked_map``: a GeoJSON *linked* from another site (geoview's
  ``geojson_view`` only draws files served by the portal, the resource proxy being off) is
  drawn from ``/dataset/<id>/resource/<resource_id>/carte.geojson``: the portal fetches the
  link through the harvester's address guard (``linked.py``), never the browser.

Every map (geoview's ``geojson_view`` included, through the portal's template) uses the
asset ``hautegaronne/map-view-js``: popups written as text (a property holding HTML is
shown, not rendered), controls and messages in French, tiles from ``map_tile_url`` and a
plain background without it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.datapreview import on_same_domain

from ..tabular import geojson_export

GEOJSON_FORMATS = {"geojson", "gjson"}
TABLE_MAP = "hautegaronne_table_map"
LINKED_MAP = "hautegaronne_linked_map"
# rows read to tell coordinates from other x/y columns (Lambert 93 metres, indices...)
SAMPLE = 50


def table_map_info() -> dict:
    return {"name": TABLE_MAP, "title": tk._("Map of the table"), "icon": "map-marker",
            "iframed": True, "requires_datastore": True, "always_available": False,
            "default_title": tk._("Map")}


def linked_map_info() -> dict:
    return {"name": LINKED_MAP, "title": tk._("Map of the linked GeoJSON"),
            "icon": "map-marker", "iframed": True, "default_title": tk._("Map")}


def table_has_points(resource_id: str) -> bool:
    """Whether the table has coordinate columns and some of its first rows are points
    (x/y columns in metres are not coordinates)."""
    try:
        page = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource_id, "limit": SAMPLE})
    except (tk.ObjectNotFound, tk.ValidationError):
        return False
    columns = geojson_export.coordinate_columns(page["fields"])
    if columns is None:
        return False
    return any(geojson_export.point(record, *columns) is not None
               for record in page["records"])


def can_view_table(data_dict: dict) -> bool:
    resource = data_dict["resource"]
    return bool(resource.get("datastore_active")) and table_has_points(resource["id"])


def is_linked_geojson(resource: dict) -> bool:
    fmt = (resource.get("format") or "").strip().lower()
    url = (resource.get("url") or "").split("?")[0].lower()
    geojson = fmt in GEOJSON_FORMATS or (not fmt and url.endswith(".geojson"))
    return geojson and resource.get("url_type") != "upload" and url.startswith(
        ("http://", "https://"))


def can_view_linked(data_dict: dict) -> bool:
    resource = data_dict["resource"]
    return is_linked_geojson(resource) and not on_same_domain(data_dict)


def table_map_variables(data_dict: dict) -> dict[str, Any]:
    resource = data_dict["resource"]
    return {"map_data_url": tk.url_for("hautegaronne_geojson_export.export",
                                       resource_id=resource["id"])}


def linked_map_variables(data_dict: dict) -> dict[str, Any]:
    resource = data_dict["resource"]
    return {"map_data_url": tk.url_for("hautegaronne_linked_map.data",
                                       id=resource["package_id"],
                                       resource_id=resource["id"])}
