"""Template helpers of the département's theme (home page, publishers, footer, error
pages; the dataset page's are in dataset/helpers.py).

"Most viewed datasets" on the home page: CKAN 2.12 counts page views with
its ``tracking`` plugin (enabled in the portal's configuration), and a periodic
``ckan tracking update`` (scripts/harvest-workers.sh) turns them into the
``views_recent`` figure indexed in Solr. The home page lists the datasets
viewed recently, most viewed first; while none has been viewed (or without
the plugin) the block honestly becomes "recently updated datasets" (sorted by
``metadata_modified``) instead of pretending to know the audience.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import flask

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from .. import vocabularies
from . import facets
from ..operations.search_outage import SearchEngineUnavailable
from ..publishers.types import (GENERIC_TYPE, ORGANIZATION_TYPE, PUBLISHER_TYPES,
                                publisher_type_of)

__all__ = [
    "hautegaronne_site_stats",
    "hautegaronne_home_themes",
    "hautegaronne_latest_datasets",
    "hautegaronne_popular_datasets",
    "hautegaronne_most_viewed_datasets",
    "hautegaronne_views_tracked",
    "hautegaronne_publishers_by_type",
    "hautegaronne_publisher_type_label",
    "hautegaronne_contact_email",
    "hautegaronne_accessibility_status",
    "hautegaronne_departement_url",
    "hautegaronne_error_page",
    "humanize_entity_type",
    "hautegaronne_facet_gettext",
]

def _search(**data_dict: Any) -> dict:
    """package_search as the current user (public datasets for visitors). Nothing found
    while search is down: the page shows a notice instead (search_outage)."""
    try:
        return tk.get_action("package_search")({}, data_dict)
    except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized, SearchEngineUnavailable):
        return {"count": 0, "results": [], "facets": {}}


def _per_request(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per request: several helpers of one page share its result
    (the home page's counts and themes come from one search, its publisher count and
    list from one query). Outside a request (CLI), computed each time."""
    if not flask.has_request_context():
        return compute()
    memo = flask.g.setdefault("_hautegaronne_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# What the home page's dataset lists show (snippets/dataset_list.html), read from the
# search index: the full dataset dicts cost a JSON parse and three tracking queries each.
_LIST_FIELDS = ["name", "title", "dataset_type", "organization", "metadata_created",
                "metadata_modified"]
_HOME_LIST_SIZE = 4


def home_search_params() -> dict:
    """One search for the home page: the number of datasets, every format and theme
    with its count, and the latest datasets. CKAN's home view runs it (see
    theme/search.py), else the helpers do."""
    return {"rows": _HOME_LIST_SIZE, "sort": "metadata_created desc", "fl": list(_LIST_FIELDS),
            "facet.field": ["res_format", "theme"], "facet.limit": -1}


def remember_home_search(results: dict) -> None:
    """The results of the home search that CKAN's home view ran for this request."""
    if flask.has_request_context():
        flask.g.setdefault("_hautegaronne_memo", {})["home_search"] = results


def _home_search() -> dict:
    return _per_request("home_search", lambda: _search(**home_search_params()))


def _home_facets() -> dict:
    return _home_search()


def _listed(results: list[dict]) -> list[dict]:
    """Search results (``fl`` fields) as the dataset lists read them: ``type``, and the
    publisher's name and title under ``organization``."""
    titles = {org["name"]: org["display_name"] for org in _all_publishers()}
    datasets = []
    for result in results:
        org_name = result.get("organization")
        organization = {"name": org_name, "title": titles.get(org_name, org_name)} \
            if org_name else None
        datasets.append(dict(result, type=result.get("dataset_type") or "dataset",
                             organization=organization))
    return datasets


def hautegaronne_site_stats() -> dict:
    """Counts shown on the home page."""
    datasets = _home_facets()
    return {
        "datasets": datasets["count"],
        "publishers": len(_all_publishers()),
        "formats": len(datasets.get("facets", {}).get("res_format", {})),
    }


def _theme_counts(facet: dict) -> dict[str, int]:
    """Theme counts from the Solr facet. Themes may be indexed one value per
    theme, or as the JSON list that scheming stores: both are read."""
    counts: dict[str, int] = {}
    for key, count in facet.items():
        values = [key]
        if key.startswith("["):
            try:
                values = json.loads(key)
            except ValueError:
                pass
        for value in values:
            counts[value] = counts.get(value, 0) + count
    return counts


def hautegaronne_home_themes() -> list[dict]:
    """The EU data themes that have datasets, most populated first."""
    counts = _theme_counts(_home_facets().get("facets", {}).get("theme", {}))
    lang = "en" if tk.h.lang() == "en" else "fr"
    themes = []
    for code, _fr, _en in vocabularies.DATA_THEMES:
        uri = vocabularies.THEME_BASE + code
        if counts.get(uri):
            themes.append({
                "code": code.lower(),
                "uri": uri,
                "label": vocabularies.theme_label(uri, lang),
                "count": counts[uri],
                "url": facets.theme_search_url(uri),
            })
    themes.sort(key=lambda t: (-t["count"], t["label"]))
    return themes


def hautegaronne_latest_datasets(limit: int = _HOME_LIST_SIZE) -> list[dict]:
    if limit == _HOME_LIST_SIZE:
        results = _home_search()["results"]
    else:
        results = _search(rows=limit, sort="metadata_created desc", fl=_LIST_FIELDS)["results"]
    return _listed(results)


def hautegaronne_views_tracked() -> bool:
    return p.plugin_loaded("tracking")


def _viewed_or_updated(limit: int) -> list[dict]:
    """The most viewed datasets then, after them, the most recently updated: one search
    serves both home page lists (most viewed, and its fallback), each dataset with its
    ``tracking_summary`` (what the tracking plugin adds to full search results)."""
    if not hautegaronne_views_tracked():
        return _search(rows=limit, sort="metadata_modified desc",
                       fl=_LIST_FIELDS)["results"]
    results = _search(rows=limit, sort="views_recent desc, metadata_modified desc",
                      fl=_LIST_FIELDS)["results"]
    summaries = _tracking_summaries([result["name"] for result in results])
    return [dict(result, tracking_summary=summaries.get(result["name"],
                                                        {"total": 0, "recent": 0}))
            for result in results]


def _tracking_summaries(names: list[str]) -> dict[str, dict]:
    """The latest tracking summary of each dataset, by name, in one query (the tracking
    plugin runs one per dataset and per resource)."""
    if not names:
        return {}
    from ckanext.tracking.model import TrackingSummary

    rows = (model.Session.query(model.Package.name, TrackingSummary.running_total,
                                TrackingSummary.recent_views)
            .join(TrackingSummary, TrackingSummary.package_id == model.Package.id)
            .filter(model.Package.name.in_(names))
            .distinct(model.Package.name)
            .order_by(model.Package.name, TrackingSummary.tracking_date.desc()))
    return {name: {"total": total, "recent": recent} for name, total, recent in rows}


def _home_viewed_or_updated(limit: int) -> list[dict]:
    return _per_request(f"viewed_or_updated_{limit}", lambda: _viewed_or_updated(limit))


def _recent_views(dataset: dict) -> int:
    return (dataset.get("tracking_summary") or {}).get("recent") or 0


def hautegaronne_most_viewed_datasets(limit: int = _HOME_LIST_SIZE) -> list[dict]:
    """The datasets viewed recently (tracking's 14-day window), most viewed
    first; empty while no view is counted or without the tracking plugin."""
    if not hautegaronne_views_tracked():
        return []
    return _listed([d for d in _home_viewed_or_updated(limit) if _recent_views(d)])


def hautegaronne_popular_datasets(limit: int = _HOME_LIST_SIZE) -> list[dict]:
    """The most recently updated datasets (the home page's fallback when no
    view has been counted yet; see the module docstring)."""
    if not hautegaronne_views_tracked():
        return _listed(_home_viewed_or_updated(limit))
    results = _home_viewed_or_updated(limit)
    if any(_recent_views(d) for d in results):  # not the fallback: its own search
        results = _search(rows=limit, sort="metadata_modified desc",
                          fl=_LIST_FIELDS)["results"]
    return _listed(results)


def _publisher_type_choice(value: str) -> dict | None:
    """The publisher type's choice in the organisation schema, where its names (label,
    plural) are declared, or None."""
    schema = tk.h.scheming_get_organization_schema(ORGANIZATION_TYPE) or {}
    field = tk.h.scheming_field_by_name(schema.get("fields") or [], "publisher_type") or {}
    return next((c for c in field.get("choices") or [] if c.get("value") == value), None)


def hautegaronne_publisher_type_label(value: str | None) -> str:
    """A publisher type's name (unknown values are shown as stored)."""
    if not value or value == GENERIC_TYPE:
        return tk._("Other publishers")
    choice = _publisher_type_choice(value)
    return tk.h.scheming_language_text(choice["label"]) if choice else value


def publisher_type_plural(value: str) -> str:
    """A publisher type's plural name, as the organisation schema declares it."""
    if value == GENERIC_TYPE:  # every publisher's CKAN type
        return tk._("Publishers")
    choice = _publisher_type_choice(value)
    return tk.h.scheming_language_text(choice.get("plural") or choice["label"])


def _all_publishers() -> list[dict]:
    """Every active publisher, whatever its organisation type: ``id``, ``name``,
    ``title``, ``display_name``, ``type`` and ``publisher_type`` (the type itself, or
    for a generic organisation the publisher type chosen in its form, else None).

    What ``organization_list`` (public, as its auth function says) lists for each type,
    read in one query per request: with ``all_fields`` it would run ``organization_show``
    and a Solr count for every publisher, six times (once per type), for a name and a
    title."""
    return _per_request("all_publishers", _query_publishers)


def _query_publishers() -> list[dict]:
    try:
        tk.check_access("organization_list", {}, {})
    except tk.NotAuthorized:
        return []
    group = model.Group
    rows = (model.Session.query(group.id, group.name, group.title, group.type, group.extras)
            .filter(group.is_organization.is_(True), group.state == "active",
                    group.type.in_((*PUBLISHER_TYPES, GENERIC_TYPE)))
            .order_by(group.name))
    publishers = []
    for id_, name, title, org_type, extras in rows:
        publishers.append({"id": id_, "name": name, "title": title,
                           "display_name": title or name, "type": org_type,
                           "publisher_type": publisher_type_of(org_type, extras)})
    return publishers


def hautegaronne_publishers_by_type() -> list[dict]:
    """Publishers grouped by type (département first), each sorted by name."""
    order = list(PUBLISHER_TYPES)
    groups: dict[str | None, list[dict]] = {}
    for org in _all_publishers():
        groups.setdefault(org["publisher_type"], []).append(org)
    result = []
    for key in sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k or "~")):
        members = sorted(groups[key], key=lambda o: (o.get("title") or o["name"]).lower())
        result.append({"type": key, "label": hautegaronne_publisher_type_label(key),
                       "publishers": members})
    return result


def hautegaronne_contact_email() -> str:
    return tk.config.get("ckanext.hautegaronne.contact_email")


def hautegaronne_accessibility_status() -> dict:
    """The RGAA compliance status the accessibility statement declares."""
    code = tk.config.get("ckanext.hautegaronne.accessibility_status")
    labels = {
        "full": tk._("fully compliant"),
        "partial": tk._("partially compliant"),
        "none": tk._("not compliant"),
    }
    return {"code": code, "label": labels.get(code, labels["none"])}


def hautegaronne_departement_url() -> str:
    return tk.config.get("ckanext.hautegaronne.departement_url")


# What CKAN's humanize_entity_type says of an organisation type, per purpose,
# for the publisher types: CKAN would capitalise the type's code ("Epcis",
# "Search Etablissements...", "There is no description for this Commune.").
_PLURAL_PURPOSES = {"breadcrumb", "content tab", "facet label", "main nav", "page title"}


def _publisher_type_texts() -> dict[str, str]:
    return {
        "search placeholder": tk._("Search publishers..."),
        "no description": tk._("No description yet."),
        "no any objects": tk._("There are no publishers of this type yet."),
        "add link": tk._("Add a publisher"),
        "create label": tk._("Create a publisher"),
        "create title": tk._("Create a publisher"),
        "edit label": tk._("Edit the publisher"),
        "update label": tk._("Update the publisher"),
        "save label": tk._("Save the publisher"),
        "view label": tk._("View the publisher"),
        "delete confirmation": tk._("Are you sure you want to delete this publisher?"),
        "form label": tk._("Publisher form"),
        "description placeholder": tk._("A few words about this publisher..."),
        "my label": tk._("My publishers"),
        "you not member": tk._("You are not a member of any publisher."),
        "user not member": tk._("This user is not a member of any publisher."),
        "no label": tk._("No publisher"),
        "add association link": tk._("Add to a publisher"),
        "no associated label": tk._("There are no publishers associated with this dataset."),
    }


# Core's accessible name of a facet link, which names the facet by its code ("res_format").
FACET_LINK_NAME = "Search datasets by {name}: {label}"


def hautegaronne_facet_gettext(message: str, **variables: Any) -> str:
    """``_`` for core's facet list (templates/snippets/facet_list.html): a facet link's
    accessible name is its visible label (WCAG 2.5.3) in every language, without a
    translation that drops an argument (GNU msgfmt -c refuses those); other strings are
    translated as usual."""
    if message == FACET_LINK_NAME:
        return "{label}"
    return tk._(message, **variables)


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str,
                         purpose: str) -> str | None:
    """CKAN's helper, with French labels for the publisher types (the
    organisation types of publishers/types.py) instead of their codes."""
    if (entity_type not in ("group", "organization")
            or object_type not in (*PUBLISHER_TYPES, GENERIC_TYPE)):
        return next_helper(entity_type, object_type, purpose)
    if purpose in _PLURAL_PURPOSES:
        return publisher_type_plural(object_type)
    if object_type == GENERIC_TYPE:
        return (_publisher_type_texts().get(purpose)
                or next_helper(entity_type, object_type, purpose))
    return _publisher_type_texts().get(purpose) or hautegaronne_publisher_type_label(object_type)


def _error_texts() -> dict[int, tuple[str, str]]:
    return {
        400: (tk._("Bad request"), tk._("The request could not be understood.")),
        401: (tk._("Authentication required"), tk._("You must log in to access this page.")),
        403: (tk._("Access denied"), tk._("You are not allowed to access this page.")),
        404: (tk._("Page not found"), tk._("The page you asked for does not exist or no longer "
                                           "exists. Check the address, or search the catalogue.")),
        405: (tk._("Method not allowed"), tk._("This page cannot be used this way.")),
        409: (tk._("Conflict"), tk._("The request conflicts with the current state of the data.")),
        500: (tk._("Server error"), tk._("An error occurred on the portal. Please try again later.")),
        503: (tk._("Service unavailable"), tk._("The portal is temporarily unavailable. "
                                                "Please try again later.")),
    }


def hautegaronne_error_page(code: Any, name: str | None, content: Any) -> dict:
    """Heading and text of an error page in the user's language. CKAN shows
    werkzeug's English name ("403 Forbidden") and, when the view gave no
    message of its own, werkzeug's English description: both are replaced."""
    from werkzeug.exceptions import default_exceptions

    status = code[0] if isinstance(code, (list, tuple)) and code else code
    try:
        status = int(status)
    except (TypeError, ValueError):
        return {"name": name, "content": content}
    title, text = _error_texts().get(status, (name, None))
    exception = default_exceptions.get(status)
    stock = {exception.description, "Internal server error"} if exception else set()
    if text and (not content or str(content) in stock):
        content = text
    return {"name": title, "content": content}


def get_helpers() -> dict:
    """The theme's template helpers (registered by the plugin, see ``registration``)."""
    return {
        "hautegaronne_site_stats": hautegaronne_site_stats,
        "hautegaronne_home_themes": hautegaronne_home_themes,
        "hautegaronne_latest_datasets": hautegaronne_latest_datasets,
        "hautegaronne_popular_datasets": hautegaronne_popular_datasets,
        "hautegaronne_most_viewed_datasets": hautegaronne_most_viewed_datasets,
        "hautegaronne_views_tracked": hautegaronne_views_tracked,
        "hautegaronne_publishers_by_type": hautegaronne_publishers_by_type,
        "hautegaronne_publisher_type_label": hautegaronne_publisher_type_label,
        "hautegaronne_contact_email": hautegaronne_contact_email,
        "hautegaronne_accessibility_status": hautegaronne_accessibility_status,
        "hautegaronne_departement_url": hautegaronne_departement_url,
        "hautegaronne_error_page": hautegaronne_error_page,
        "humanize_entity_type": humanize_entity_type,
        "hautegaronne_facet_gettext": hautegaronne_facet_gettext,
    }
