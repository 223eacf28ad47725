"""Template helpers of the harvesting concern (registered by the plugin's helpers blanket)."""
from __future__ import annotations

from typing import Optional

from . import missing


def hautegaronne_harvest_missing(pkg: dict) -> Optional[dict]:
    """The missing/withdrawn state of a harvested dataset, for its page; None otherwise."""
    return missing.status(pkg or {})
