"""Reading the portal while search (Solr) is down.

CKAN 2.12 reports an unreachable Solr as ``SolrConnectionError``, which is not a
``SearchError``: the views that cope with a failed search (the home page, a publisher's page)
do not catch it, and every page that counts a publisher's datasets (``organization_show``,
shown on the dataset page too) fails with it. Hence:

- ``package_search`` (chained): an outage (Solr unreachable, or answering 404/5xx: a core not
  loaded, a node starting) becomes ``SearchEngineUnavailable``, a ``SearchError``, so those
  views render without search results. The request is flagged: its later searches fail at
  once instead of waiting for Solr again, and its answer is never cached.
- ``organization_show`` (chained): the dataset count comes from the database.
- Answers (``answer``, ``unavailable_page``, installed by ``middleware.install``): the search
  page answers 503 with ``Retry-After`` (its template shows the notice), the API a French 503,
  a page or feed whose view let the outage through a 503 page (plain text for a feed); the
  home page and a publisher's page stay 200 with the notice.
"""
from __future__ import annotations

import json
import logging
import re

import flask
from flask import Response, request
from sqlalchemy import func

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.lib.search import SearchError, SolrConnectionError

from ..dcat.actions import EXCLUDED_TYPES

__all__ = ["SearchEngineUnavailable", "get_actions", "answer", "unavailable_page",
           "outage_noted", "unavailable_message", "publisher_datasets", "is_feed_request",
           "FEED_ENDPOINTS", "NOT_DATASETS", "RETRY_AFTER_SECONDS"]

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"
_FLAG = "hautegaronne_search_outage"
# CKAN wraps pysolr's error in a SearchError; these statuses mean Solr cannot search now
# (404: the core is not loaded; 5xx: a node starting, overloaded or failing), whatever the query.
_OUTAGE_STATUS = re.compile(r"Solr responded with an error \(HTTP (404|5\d\d)\)")
# Dataset types that are no datasets (ckanext-harvest's sources), as the feeds exclude them.
NOT_DATASETS = tuple(fq.partition(":")[2] for fq in EXCLUDED_TYPES)
# Endpoints whose page is a search: without Solr they have nothing to show.
_SEARCH_VIEW = "search"
# The DCAT feeds' endpoints, with the view argument naming the publisher (None: all of them).
FEED_ENDPOINTS = {
    "dcat.read_catalog": None,
    "hautegaronne_dcat.publisher_catalog": "org_name",
    "hautegaronne_dcat.publisher_catalog_iri": "org_name",
}


class SearchEngineUnavailable(SearchError):
    """Solr cannot answer; raised by ``package_search`` instead of CKAN's own errors."""


def unavailable_message() -> str:
    return tk._("Search is temporarily unavailable. Please try again in a few minutes.")


def feed_outage_message() -> str:
    return tk._("The catalogue cannot be served while search is temporarily unavailable; it "
                "is not empty. Please try again later.")


def outage_noted() -> bool:
    return flask.has_request_context() and bool(flask.g.get(_FLAG))


def _note_outage(error: Exception) -> None:
    if flask.has_request_context():
        if not flask.g.get(_FLAG):
            log.error("search unavailable (%s %s): %s", request.method, request.path, error)
        setattr(flask.g, _FLAG, True)
    else:
        log.error("search unavailable: %s", error)


def is_outage(error: Exception) -> bool:
    return isinstance(error, (SolrConnectionError, SearchEngineUnavailable)) or (
        isinstance(error, SearchError) and bool(_OUTAGE_STATUS.search(str(error))))


@tk.chained_action
@tk.side_effect_free
def package_search(original_action, context: dict, data_dict: dict) -> dict:
    if outage_noted():  # this request met the outage already: do not wait for Solr again
        raise SearchEngineUnavailable(unavailable_message())
    try:
        return original_action(context, data_dict)
    except (SearchError, SolrConnectionError) as error:
        if not is_outage(error):
            raise
        _note_outage(error)
        raise SearchEngineUnavailable(unavailable_message()) from error


# ---------------------------------------------------------------- reading from the database

def _may_see_private(org_id: str) -> bool:
    """What ``organization_show`` counts for the current user: the private datasets too
    for the publisher's members (and sysadmins)."""
    user = tk.current_user.name if flask.has_request_context() and tk.current_user else None
    return bool(user) and authz.has_user_permission_for_group_or_org(org_id, user, "read")


def _publisher_query(org_id: str):
    query = model.Session.query(model.Package).filter(
        model.Package.owner_org == org_id, model.Package.state == "active",
        model.Package.type.notin_(NOT_DATASETS))
    if not _may_see_private(org_id):
        query = query.filter(model.Package.private.is_(False))
    return query


def _has_parent_groups(group_id: str) -> bool:
    """What organization_show lists under ``groups`` (CKAN's group hierarchy)."""
    return model.Session.query(model.Member.id).filter(
        model.Member.table_name == "group", model.Member.table_id == group_id,
        model.Member.state == "active").first() is not None


def publisher_datasets(org_id: str, limit: int = 20) -> dict:
    """A publisher's datasets as the database lists them (most recently updated first,
    ``limit`` of them) and their number: what its page shows while search is down."""
    query = _publisher_query(org_id)
    count = query.with_entities(func.count(model.Package.id)).scalar()
    rows = query.order_by(model.Package.metadata_modified.desc()).limit(limit)
    datasets = [{"name": pkg.name, "title": pkg.title, "type": pkg.type,
                 "metadata_modified": pkg.metadata_modified.isoformat()} for pkg in rows]
    return {"count": count, "datasets": datasets}


@tk.chained_action
@tk.side_effect_free
def organization_show(original_action, context: dict, data_dict: dict) -> dict:
    """The publisher without search: its facts, its dataset count from the database. CKAN
    counts with Solr the publisher's datasets and, even when there are none, the datasets
    of its parent groups. A call that needs what only search knows (``include_datasets``,
    or parent groups, which the portal's publishers do not have) still fails: a partial
    answer would be a wrong one."""
    try:
        # the caller's own context: CKAN's views read what the action leaves there
        # (context["group"] on the organisation's delete page)
        return original_action(context, data_dict)
    except SearchEngineUnavailable as error:
        outage = error
    except SolrConnectionError as error:  # the parent groups' counts: not through package_search
        _note_outage(error)
        outage = SearchEngineUnavailable(unavailable_message())
    if tk.asbool(data_dict.get("include_datasets", False)):
        raise outage
    organization = original_action(context, dict(data_dict, include_dataset_count=False,
                                                  include_groups=False))
    if tk.asbool(data_dict.get("include_groups", True)):
        if _has_parent_groups(organization["id"]):
            raise outage
        organization["groups"] = []
    organization["package_count"] = _publisher_query(organization["id"]).count()
    return organization


def get_actions() -> dict:
    return {"package_search": package_search, "organization_show": organization_show}


# ---------------------------------------------------------------- answers

def _is_api() -> bool:
    return request.path.startswith("/api/")


def is_feed_request() -> bool:
    return request.endpoint in FEED_ENDPOINTS


def _is_search_page() -> bool:
    return (request.endpoint or "").rpartition(".")[2] == _SEARCH_VIEW and not _is_api()


def _api_answer(response: Response) -> Response:
    """The action API's 409 "Search Error" (from SearchEngineUnavailable) and 500 "Search
    Connection Error" (a Solr call outside package_search) become a French 503."""
    if response.status_code not in (409, 500) or not response.is_json:
        return response
    try:
        payload = json.loads(response.get_data(as_text=True))
        kind = payload["error"]["__type"]
    except (ValueError, KeyError, TypeError):
        return response
    if not ((kind == "Search Error" and outage_noted()) or kind == "Search Connection Error"):
        return response
    request.environ["__no_cache__"] = True
    payload["error"] = {"__type": "Service Unavailable", "message": unavailable_message()}
    response.set_data(json.dumps(payload, ensure_ascii=False))
    response.status_code = 503
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def answer(response: Response) -> Response:
    """After every request: what a request that met the outage answers."""
    if _is_api():
        return _api_answer(response)
    if not outage_noted():
        return response
    # Never cached (CKAN makes anonymous pages public): the page must come back with Solr.
    request.environ["__no_cache__"] = True
    if _is_search_page() and response.status_code == 200:
        response.status_code = 503
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def unavailable_page(error: Exception):
    """A page or feed whose view let the outage through (a DCAT catalog, CKAN's list of
    organisations...): 503, French, with ``Retry-After``."""
    _note_outage(error)
    request.environ["__no_cache__"] = True
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if is_feed_request():
        return Response(feed_outage_message() + "\n", status=503, headers=headers,
                        content_type="text/plain; charset=utf-8")
    return tk.render("hautegaronne/search_unavailable.html"), 503, headers


