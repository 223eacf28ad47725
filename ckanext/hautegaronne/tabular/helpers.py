"""Template helpers of the data pages (exported by the extension's helpers module)."""
from __future__ import annotations

from typing import Optional

from . import status as load_status

__all__ = ["hautegaronne_load_problem", "hautegaronne_load_detail"]


def hautegaronne_load_problem(status: Optional[dict]) -> Optional[str]:
    return load_status.load_problem(status)


def hautegaronne_load_detail(status: Optional[dict]) -> str:
    return load_status.load_detail(status)


def get_helpers() -> dict:
    return {name: globals()[name] for name in __all__}
