"""Template helpers of the metadata quality (registered by registration.py)."""
from __future__ import annotations

from collections import Counter
from typing import Optional

import ckan.plugins.toolkit as tk

from . import score as mqa


def _rating_label(rating: str) -> str:
    _ = tk._
    return {"excellent": _("Excellent"), "good": _("Good"), "sufficient": _("Sufficient"),
            "bad": _("Bad")}[rating]


def hautegaronne_quality(pkg: dict) -> dict:
    """A dataset's MQA score, its rating and what to fill to gain points, in words."""
    result = mqa.score(pkg)
    labels = mqa.labels()
    return {"points": result.points, "maximum": mqa.MAXIMUM,
            "rating": _rating_label(result.rating),
            "missing": [(labels[key], points) for key, points in result.missing]}


def hautegaronne_publisher_quality(org_id: str) -> Optional[dict]:
    """For a member of the publisher: its datasets' average score, those under the maximum
    and the items most often missing (None for anyone else)."""
    try:
        tk.check_access("package_create", {}, {"owner_org": org_id})
    except tk.NotAuthorized:
        return None
    found = tk.get_action("package_search")({}, {
        "fq": f'owner_org:"{org_id}"', "rows": 1000, "include_private": True})["results"]
    if not found:
        return None
    scores = [(dataset, mqa.score(dataset)) for dataset in found]
    missing: Counter = Counter()
    for _, result in scores:
        missing.update(key for key, _ in result.missing)
    labels = mqa.labels()
    points = {c.key: c.points for c in mqa.CRITERIA}
    return {
        "average": round(sum(r.points for _, r in scores) / len(scores)),
        "maximum": mqa.MAXIMUM,
        "count": len(scores),
        "below": sorted(((d["name"], d["title"], r.points) for d, r in scores
                         if r.points < mqa.MAXIMUM), key=lambda item: item[2])[:10],
        "missing": [(labels[key], n, points[key]) for key, n in missing.most_common(5)],
    }


def get_helpers() -> dict:
    return {"hautegaronne_quality": hautegaronne_quality,
            "hautegaronne_publisher_quality": hautegaronne_publisher_quality}
