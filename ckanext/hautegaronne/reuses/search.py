"""Reading published reuses: the public list with its filters, a dataset's reuses,
a publisher's. Reuses are few (tens to hundreds): they are read from the group
table; the filters on the datasets they use (theme, publisher) ask Solr."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from ckan import model

from ..text import fold
from . import REUSE_TYPE


def _as_dict(group: model.Group, dataset_count: int = 0) -> dict:
    extras = group.extras or {}
    return {"id": group.id, "name": group.name, "title": group.title,
            "description": group.description or "", "image_url": group.image_url or "",
            "url": extras.get("url", ""), "reuse_type": extras.get("reuse_type", ""),
            "author": extras.get("author", ""), "reuse_date": extras.get("reuse_date", ""),
            "dataset_count": dataset_count}


def _published_query():
    return (model.Session.query(model.Group)
            .filter(model.Group.type == REUSE_TYPE, model.Group.state == "active"))


def _dataset_counts(group_ids: list[str]) -> dict[str, int]:
    if not group_ids:
        return {}
    rows = (model.Session.query(model.Member.group_id, model.Package.id)
            .join(model.Package, model.Package.id == model.Member.table_id)
            .filter(model.Member.group_id.in_(group_ids), model.Member.table_name == "package",
                    model.Member.state == "active", model.Package.state == "active",
                    model.Package.private.is_(False)))
    counts: dict[str, int] = {}
    for group_id, _pkg in rows:
        counts[group_id] = counts.get(group_id, 0) + 1
    return counts


def _solr_names(names: list[str]) -> str:
    return "groups:(" + " OR ".join(f'"{n}"' for n in names) + ")"


def _facets(names: list[str], extra_fq: str = "", fields=("theme", "organization")) -> dict:
    result = tk.get_action("package_search")(
        {"ignore_auth": False}, {"q": "", "fq": f"+{_solr_names(names)} {extra_fq}".strip(),
                                 "rows": 0, "facet.field": list(fields), "facet.limit": -1})
    return result.get("facets", {})


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def published(q: str = "", reuse_type: str = "", theme: str = "", publisher: str = "") -> dict:
    """The published reuses matching the filters, newest first, with the filter options
    (themes and publishers of the datasets that reuses use)."""
    groups = _published_query().order_by(model.Group.created.desc()).all()
    names = [g.name for g in groups]
    options = _facets(names) if names else {}
    if names and (theme or publisher):
        # `theme` is indexed as one JSON string per dataset; extras_theme, its text, is
        # searched for the theme's IRI as a phrase
        fq = " ".join(f"+{field}:{_quoted(value)}" for field, value in
                      (("extras_theme", theme), ("organization", publisher)) if value)
        matching = set(_facets(names, fq, fields=("groups",)).get("groups", {}))
        groups = [g for g in groups if g.name in matching]
    if reuse_type:
        groups = [g for g in groups if (g.extras or {}).get("reuse_type") == reuse_type]
    if q:
        words = fold(q).split()
        groups = [g for g in groups if all(
            w in fold(" ".join([g.title or "", g.description or "",
                                 (g.extras or {}).get("author", "")])) for w in words)]
    counts = _dataset_counts([g.id for g in groups])
    return {"results": [_as_dict(g, counts.get(g.id, 0)) for g in groups],
            "themes": _theme_uris(options.get("theme", {})),
            "publishers": options.get("organization", {})}


def _theme_uris(facet: dict) -> list[str]:
    uris: set[str] = set()
    for value in facet:
        try:
            uris.update(json.loads(value))
        except (ValueError, TypeError):
            uris.add(value)
    return sorted(uris)


def get(name: str) -> dict | None:
    group = _published_query().filter(model.Group.name == name).first()
    if group is None:
        return None
    reuse = _as_dict(group, _dataset_counts([group.id]).get(group.id, 0))
    reuse["datasets"] = tk.get_action("package_search")(
        {}, {"fq": f"+{_solr_names([group.name])}", "rows": 100, "sort": "title_string asc"}
    )["results"]
    return reuse


def for_datasets(package_ids: list[str]) -> list[dict]:
    """Published reuses that use any of these datasets, newest first."""
    if not package_ids:
        return []
    groups = (_published_query().join(model.Member, model.Member.group_id == model.Group.id)
              .filter(model.Member.table_name == "package", model.Member.state == "active",
                      model.Member.table_id.in_(package_ids))
              .distinct().order_by(model.Group.created.desc()).all())
    counts = _dataset_counts([g.id for g in groups])
    return [_as_dict(g, counts.get(g.id, 0)) for g in groups]


def for_publishers(org_ids: list[str]) -> list[dict]:
    """Published reuses of the datasets of these publishers (a publisher's dashboard)."""
    if not org_ids:
        return []
    pkg_ids = [pid for (pid,) in model.Session.query(model.Package.id).filter(
        model.Package.owner_org.in_(org_ids), model.Package.state == "active")]
    return for_datasets(pkg_ids)
