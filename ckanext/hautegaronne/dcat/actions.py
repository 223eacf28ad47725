"""Catalog actions: ckanext-dcat's ``dcat_catalog_show`` with Hydra paging built from the
site URL, its ``dcat_dataset_show`` with the same serializer, and the catalog of one
publisher.

A malformed query of a catalog (``q``, ``fq`` that Solr cannot parse or that carry local
parameters such as ``{!lucene}``, a ``page`` or ``modified_since`` that is no page or date)
raises ``CatalogQueryError``: the feeds answer 400 with a French message (``views``), the
action API its 400. A dataset that the caller may not read is not found, exactly as an
unknown name (no 403 revealing that a private dataset exists).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError, SearchQueryError, SolrConnectionError

from . import serializer

EXCLUDED_TYPES = ("-dataset_type:harvest", "-dataset_type:showcase")


class CatalogQueryError(SearchQueryError):
    """A catalog request whose parameters cannot be searched: the client's error (400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# What Solr answers to a query it cannot parse (pysolr's message for its HTTP 400)
_SOLR_BAD_REQUEST = re.compile(r"\(HTTP 400\)")


def _query_refusal() -> CatalogQueryError:
    return CatalogQueryError(tk._(
        "The search query (q, fq) of this catalogue is invalid: check its syntax; local "
        "parameters such as {!lucene} are not accepted."))


def _search(context: dict, data_dict: dict, fq_list: list[str]) -> dict:
    per_page = serializer.datasets_per_page()
    try:
        page = serializer.page_number(data_dict.get("page"))
    except tk.ValidationError as error:
        raise CatalogQueryError(error.error_dict["page"][0])
    fq_list = list(EXCLUDED_TYPES) + fq_list
    if data_dict.get("modified_since"):
        from dateutil.parser import parse as parse_date
        try:
            since = parse_date(data_dict["modified_since"]).isoformat() + "Z"
        except (ValueError, OverflowError, TypeError):
            raise CatalogQueryError(tk._("Use an ISO 8601 date."))
        fq_list.append(f"metadata_modified:[{since} TO NOW]")
    for param in ("q", "fq"):
        if data_dict.get(param) is not None and not isinstance(data_dict[param], str):
            raise _query_refusal()
    try:
        search = tk.get_action("package_search")(context.copy(), {
            "q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq") or "",
            "fq_list": fq_list, "rows": per_page, "start": per_page * (page - 1),
            # A stable order: pages of a harvest do not shift while it runs.
            "sort": "metadata_created asc, id asc",
        })
    except SolrConnectionError:
        raise
    except SearchQueryError:
        raise _query_refusal()
    except SearchError as error:
        # CKAN's refusal of local parameters and magic fields, or Solr's 400; any other
        # Solr failure stays a server error
        text = str(error)
        if _SOLR_BAD_REQUEST.search(text) or " param '" in text:
            raise _query_refusal()
        raise
    return search


def _page_url() -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + tk.request.path


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action, context: dict, data_dict: dict) -> str:
    tk.check_access("dcat_catalog_show", context, data_dict)
    search = _search(context, data_dict, [])
    return serializer.serialize_page(
        {}, search, serializer.page_number(data_dict.get("page")), data_dict.get("format"),
        _page_url(), data_dict, data_dict.get("profiles"))


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(original_action, context: dict, data_dict: dict) -> str:
    """One dataset's RDF with the portal's serializer (profile classes loaded once per
    process instead of scanning the installed packages' entry points on every request;
    the publisher read from its row): measured by bench/throughput.py."""
    try:
        tk.check_access("dcat_dataset_show", context, data_dict)
        dataset_dict = tk.get_action("package_show")(context, data_dict)
    except tk.NotAuthorized:
        # as an unknown name: a private dataset's existence is not revealed
        raise tk.ObjectNotFound()
    output = serializer.HydraRDFSerializer(profiles=data_dict.get("profiles")).serialize_dataset(
        dataset_dict, _format=data_dict.get("format"))
    return output


@tk.side_effect_free
def hautegaronne_publisher_catalog_show(context: dict, data_dict: dict) -> str:
    """The DCAT catalog of one organisation's datasets (``id``: its name or id)."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    org = tk.get_action("organization_show")(context.copy(), {
        "id": tk.get_or_bust(data_dict, "id"), "include_datasets": False,
        "include_users": False, "include_followers": False})
    from .profile import organization_fields
    fields = organization_fields(org)
    search = _search(context, data_dict, [f'owner_org:"{org["id"]}"'])
    from . import spatial
    catalog = {
        "title": tk._("Open data catalog of {name}").format(name=org["title"] or org["name"]),
        "description": org.get("description") or tk._(
            "The datasets that {name} publishes on the open data portal of the Haute-Garonne."
        ).format(name=org["title"] or org["name"]),
        "uri": tk.url_for("hautegaronne_dcat.publisher_catalog_iri", org_name=org["name"],
                          qualified=True),
        "homepage": tk.url_for(f"{org['type']}.read", id=org["name"], qualified=True),
        "publisher_org": fields,
        "spatial_code": spatial.publisher_code(fields),
    }
    return serializer.serialize_page(
        catalog, search, serializer.page_number(data_dict.get("page")), data_dict.get("format"),
        _page_url(), data_dict, data_dict.get("profiles"))


def get_actions() -> dict[str, Any]:
    return {
        "dcat_catalog_show": dcat_catalog_show,
        "dcat_dataset_show": dcat_dataset_show,
        "hautegaronne_publisher_catalog_show": hautegaronne_publisher_catalog_show,
    }
