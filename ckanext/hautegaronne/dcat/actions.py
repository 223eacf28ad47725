"""Catalog actions: ckanext-dcat's ``dcat_catalog_show`` with Hydra paging built from the
site URL, its ``dcat_dataset_show`` with the same serializer, and the catalog of one
publisher."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import serializer

EXCLUDED_TYPES = ("-dataset_type:harvest", "-dataset_type:showcase")


def _search(context: dict, data_dict: dict, fq_list: list[str]) -> dict:
    per_page = serializer.datasets_per_page()
    page = serializer.page_number(data_dict.get("page"))
    fq_list = list(EXCLUDED_TYPES) + fq_list
    if data_dict.get("modified_since"):
        from dateutil.parser import parse as parse_date
        try:
            since = parse_date(data_dict["modified_since"]).isoformat() + "Z"
        except (ValueError, OverflowError):
            raise tk.ValidationError({"modified_since": [tk._("Use an ISO 8601 date.")]})
        fq_list.append(f"metadata_modified:[{since} TO NOW]")
    search = tk.get_action("package_search")(context.copy(), {
        "q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq") or "",
        "fq_list": fq_list, "rows": per_page, "start": per_page * (page - 1),
        # A stable order: pages of a harvest do not shift while it runs.
        "sort": "metadata_created asc, id asc",
    })
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
    tk.check_access("dcat_dataset_show", context, data_dict)
    dataset_dict = tk.get_action("package_show")(context, data_dict)
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
