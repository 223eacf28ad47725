"""Template helpers of the data pages (exported by the extension's helpers module)."""
from __future__ import annotations

from typing import Optional

from . import geojson_export
from . import status as load_status

__all__ = ["hautegaronne_load_problem", "hautegaronne_load_detail",
           "hautegaronne_has_geojson_export"]


def hautegaronne_load_problem(status: Optional[dict]) -> Optional[str]:
    return load_status.load_problem(status)


def hautegaronne_load_detail(status: Optional[dict]) -> str:
    return load_status.load_detail(status)


def hautegaronne_has_geojson_export(resource_id: str) -> bool:
    return geojson_export.has_coordinates(resource_id)


def get_helpers() -> dict:
    return {name: globals()[name] for name in __all__}
