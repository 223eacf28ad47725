"""Template helpers of the high-value datasets (registered by registration.py)."""
from __future__ import annotations

from typing import Optional

from . import vocabulary


def hautegaronne_hvd_category_choices(field: Optional[dict] = None) -> list[dict]:
    return vocabulary.choices()


def get_helpers() -> dict:
    return {"hautegaronne_hvd_category_choices": hautegaronne_hvd_category_choices}
