"""Usage figures of a dataset, as CKAN's tracking plugin counts them: page views (shown
on the dataset page, sorted on by the search page's "Most viewed") and the downloads of
its files through the portal's links."""
from __future__ import annotations

__all__ = ["hautegaronne_dataset_usage", "get_helpers"]


def hautegaronne_dataset_usage(pkg: dict) -> dict | None:
    """``views``, ``recent_views`` (last 14 days) and ``downloads`` of a dataset, or None
    while nothing is counted (no tracking plugin, or no view yet)."""
    summary = pkg.get("tracking_summary") or {}
    views = summary.get("total") or 0
    if not views:
        return None
    downloads = sum((res.get("tracking_summary") or {}).get("total") or 0
                    for res in pkg.get("resources") or [])
    return {"views": views, "recent_views": summary.get("recent") or 0,
            "downloads": downloads}


def get_helpers() -> dict:
    return {"hautegaronne_dataset_usage": hautegaronne_dataset_usage}
