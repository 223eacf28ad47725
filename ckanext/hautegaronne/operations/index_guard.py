"""The DCAT feeds never tell national catalogues that the portal is empty.

A feed is written from the search index. Served with 200 while Solr is down, or while its
index lacks datasets (an empty core after a crash, a rebuild on a new core, a restored old
copy), it would list fewer datasets than the portal publishes, and data.gouv.fr archives the
datasets missing from a harvest after its grace period. So before a feed (``/catalog.*``,
``/catalogue/<publisher>.*``) is written, ``guard_feed`` compares, per publisher, what the
feed would publish (one Solr facet query, through ``package_search`` as the feed searches)
with what the database says is public (one SQL count grouped by publisher). Beyond
``ckanext.hautegaronne.search_index.tolerance`` datasets of difference, or when a publisher's
datasets are all missing, the feed answers 503 with ``Retry-After`` and the difference is
logged; ``/sante`` reports it (``report``). Solr down: the comparison itself fails, and the
feed answers 503 (``search_outage``). Nothing is cached: the feeds come back as soon as the
index matches the database again (``ckan hautegaronne search-index repair``, a rebuild,
Solr restarted).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Response, request
from sqlalchemy import func

import ckan.plugins.toolkit as tk
from ckan import model

from ..dcat.actions import EXCLUDED_TYPES
from .search_outage import FEED_ENDPOINTS, NOT_DATASETS, is_feed_request

__all__ = ["Gap", "gaps", "diverges", "guard_feed", "report", "divergence_message"]

log = logging.getLogger(__name__)

# A rebuild takes minutes: harvesters need not come back at once.
DIVERGENCE_RETRY_AFTER_SECONDS = "300"
_REPORTED = 20


def divergence_message() -> str:
    return tk._("The catalogue is temporarily unavailable: the search index does not list all "
                "the published datasets yet (it is being rebuilt). Please try again later.")


@dataclass(frozen=True)
class Gap:
    """A publisher (``None``: datasets without one) whose public datasets the index and the
    database count differently."""
    publisher_id: str | None
    database: int
    index: int

    @property
    def difference(self) -> int:
        return abs(self.database - self.index)


def tolerance() -> int:
    return tk.config.get("ckanext.hautegaronne.search_index.tolerance")


def database_counts(publisher_id: str | None = None) -> dict[str | None, int]:
    """Public datasets per publisher, as the feeds would publish them."""
    query = (model.Session.query(model.Package.owner_org, func.count(model.Package.id))
             .filter(model.Package.state == "active", model.Package.private.is_(False),
                     model.Package.type.notin_(NOT_DATASETS)))
    if publisher_id:
        query = query.filter(model.Package.owner_org == publisher_id)
    return dict(query.group_by(model.Package.owner_org).all())


def index_counts(publisher_id: str | None = None) -> dict[str | None, int]:
    """Datasets per publisher that a feed's search finds (public, active, same exclusions)."""
    fq_list = list(EXCLUDED_TYPES)
    if publisher_id:
        fq_list.append(f'owner_org:"{publisher_id}"')
    result = tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "*:*", "fq_list": fq_list, "rows": 0, "include_private": False,
        "facet.field": ["owner_org"], "facet.limit": -1, "facet.mincount": 1})
    counts: dict[str | None, int] = dict(result["facets"].get("owner_org", {}))
    unowned = result["count"] - sum(counts.values())
    if unowned:
        counts[None] = unowned
    return counts


def gaps(publisher_id: str | None = None) -> list[Gap]:
    """The publishers (all, or one) whose counts differ. Raises ``SearchEngineUnavailable``
    when Solr cannot answer."""
    index = index_counts(publisher_id)
    database = database_counts(publisher_id)
    keys = set(database) | set(index)
    return [Gap(key, database.get(key, 0), index.get(key, 0))
            for key in sorted(keys, key=lambda k: k or "")
            if database.get(key, 0) != index.get(key, 0)]


def diverges(found: list[Gap]) -> bool:
    """Beyond the tolerance, or a publisher that the index shows without any dataset: that
    one's catalogue would come out empty, whatever the tolerance."""
    return (sum(gap.difference for gap in found) > tolerance()
            or any(gap.index == 0 for gap in found if gap.database))


def _names(found: list[Gap]) -> dict[str | None, str]:
    ids = [gap.publisher_id for gap in found if gap.publisher_id]
    names = dict(model.Session.query(model.Group.id, model.Group.name)
                 .filter(model.Group.id.in_(ids))) if ids else {}
    return {key: names.get(key, key or "(no publisher)") for key in
            [gap.publisher_id for gap in found]}


def _described(found: list[Gap]) -> list[dict]:
    names = _names(found[:_REPORTED])
    return [{"publisher": names[gap.publisher_id], "database": gap.database,
             "index": gap.index} for gap in found[:_REPORTED]]


def guard_feed() -> Response | None:
    """Before a feed's view: None (serve it), or its 503 answer."""
    if not is_feed_request():
        return None
    argument = FEED_ENDPOINTS[request.endpoint]
    publisher_id = None
    if argument:
        group = model.Group.get((request.view_args or {}).get(argument))
        if group is None or not group.is_organization:
            return None  # the view answers 404
        publisher_id = group.id
    found = gaps(publisher_id)
    if not diverges(found):
        return None
    log.error("DCAT feed %s answered 503: the search index differs from the database by "
              "more than %s dataset(s): %s. Run `ckan hautegaronne search-index check`, then "
              "`repair`.", request.full_path.rstrip("?"), tolerance(),
              "; ".join(f"{d['publisher']}: {d['database']} in the database, {d['index']} in "
                        f"the index" for d in _described(found)))
    request.environ["__no_cache__"] = True
    return Response(divergence_message() + "\n", status=503,
                    headers={"Retry-After": DIVERGENCE_RETRY_AFTER_SECONDS},
                    content_type="text/plain; charset=utf-8")


def report() -> dict:
    """For /sante: whether the feeds would be served, and the publishers whose counts differ
    (at most 20). Raises when Solr cannot answer."""
    found = gaps()
    return {"ok": not diverges(found), "tolerance": tolerance(),
            "missing": sum(max(gap.database - gap.index, 0) for gap in found),
            "extra": sum(max(gap.index - gap.database, 0) for gap in found),
            "publishers": _described(found)}
