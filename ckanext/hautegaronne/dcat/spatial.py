"""Spatial coverage of datasets: the territory's entities as DCAT locations.

An entity of the territory (département 31, its communes, its EPCI) is stored on a dataset
by its code (INSEE code for communes and the département, SIREN for EPCI) and identified in
DCAT by an INSEE IRI (``http://id.insee.fr/geo/...``).
"""
from __future__ import annotations

import functools
import re
from typing import Any, Optional

from .. import territory, vocabularies

INSEE_GEO = vocabularies.INSEE_GEO_BASE
_IRI = re.compile(r"^https?://id\.insee\.fr/geo/(commune|departement|intercommunalite)/([0-9AB]+)/?$")


def entity_code(entity: dict) -> str:
    """The stored code: INSEE code (commune, département) or SIREN (EPCI)."""
    return entity["siren"] if entity["kind"] == "epci" else entity["code"]


def entity_uri(entity: dict) -> str:
    """The INSEE IRI of an entity.

    Communes and départements: ``geo/commune/<INSEE>``, ``geo/departement/<code>``.
    EPCI: ``geo/intercommunalite/<SIREN>`` (INSEE codes intercommunalités by their SIREN).
    """
    kind = {"commune": "commune", "departement": "departement", "epci": "intercommunalite"}
    return f"{INSEE_GEO}{kind[entity['kind']]}/{entity_code(entity)}"


def find_entity(value: Any) -> Optional[dict]:
    """The entity for a code, a SIREN, a former commune code or an INSEE IRI; None otherwise."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    match = _IRI.match(text)
    if match:
        text = match.group(2)
    current = territory.current_code(text)
    if current:
        text = current
    return territory.find_by_code(text)


@functools.lru_cache(maxsize=1024)
def coverage(code: str) -> Optional[dict[str, Any]]:
    """The spatial_coverage subfields (ckanext-dcat names) of an entity, or None.

    The stored geometries are the bbox (what the bbox search index uses) and the centroid;
    the entity's full polygon is reference data, served by ``polygon()``.
    """
    entity = find_entity(code)
    if entity is None:
        return None
    geometry = entity["geometry"]
    minx, miny, maxx, maxy = geometry["bbox"]
    bbox = {"type": "Polygon", "coordinates": [[
        [minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]]}
    return {
        "code": entity_code(entity),
        "uri": entity_uri(entity),
        "text": entity["name"],
        # GeoJSON objects, not strings: ckanext-dcat indexes the first geometry *object* of
        # the coverage (for strings, the last one: the centroid) for the bbox search.
        "bbox": bbox,
        "centroid": {"type": "Point", "coordinates": list(geometry["centroid"])},
    }


def publisher_code(org: Optional[dict]) -> str:
    """The territory of a publisher: its commune, its EPCI, else the whole département.

    Reads the organisation fields ``publisher_type``, ``insee_code`` and ``siren`` (top-level
    with scheming, or as extras), defensively.
    """
    departement = territory.territory().departement["code"]
    if not org:
        return departement
    fields = {e.get("key"): e.get("value") for e in org.get("extras") or []}
    fields.update({k: v for k, v in org.items() if isinstance(v, str)})
    kind = fields.get("publisher_type")
    for key in (("insee_code", "siren") if kind == "commune" else ("siren",)):
        if kind in ("commune", "epci"):
            entity = find_entity(fields.get(key))
            if entity is not None and entity["kind"] in ("commune", "epci"):
                return entity_code(entity)
    return departement


def polygon(code: str) -> Optional[dict]:
    """The GeoJSON MultiPolygon of an entity (shared with the cache: read-only)."""
    entity = find_entity(code)
    return entity["geometry"]["geojson"] if entity is not None else None
