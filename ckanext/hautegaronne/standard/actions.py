"""Chained actions that keep the API standard.

* ``package_list`` lists datasets only, as CKAN's documentation says ("the site's
  datasets"): core lists every package, hence ckanext-harvest's sources too, which clients
  then fail to read as datasets. Sources stay listed by the harvest API
  (``harvest_source_list``) and ``package_search`` already leaves them out (ckanext-harvest).
* ``package_create`` and ``package_update`` take a ``package_show`` dict back
  (``accept_shown_datasets``).
* ``organization_list`` with ``all_fields`` gives each publisher's type, and its
  ``package_count`` counts datasets only: core counts every package the organisation owns
  (``entity_type:package``), its harvest sources too, where ``organization_show`` and
  ``/producteurs`` count datasets.
* ``organization_create`` and ``organization_update`` understand a publisher type sent as the
  organisation's CKAN type (``type: commune``, how the portal's publishers were typed
  before): it becomes the field ``publisher_type`` of an ``organization``.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic.schema import default_pagination_schema

from ..logic import chaining
from ..publishers import types
from . import dataset

__all__ = ["get_actions", "accept_shown_datasets", "DATASET_TYPE"]

DATASET_TYPE = "dataset"


@tk.chained_action
@tk.side_effect_free
def package_list(original_action, context: dict, data_dict: dict) -> list[str]:
    """Core's ``package_list`` (same parameters, auth and order), datasets only."""
    tk.check_access("package_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, default_pagination_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    package = model.Package
    column = package.id if context.get("api_version", 1) == 2 else package.name
    query = (model.Session.query(column)
             .filter(package.state == "active", package.private.is_(False),
                     package.type == DATASET_TYPE)
             .order_by(column))
    if data.get("limit"):
        query = query.limit(data["limit"])
    if data.get("offset"):
        query = query.offset(data["offset"])
    return [row[0] for row in query]


@tk.chained_action
@tk.side_effect_free
def organization_list(original_action, context: dict, data_dict: dict) -> list:
    """Core's ``organization_list``; with ``all_fields``, each organisation also carries its
    publisher type (one query), as ``organization_show`` does, and its datasets' count."""
    result = original_action(context, data_dict)
    if not result or not isinstance(result[0], dict):
        return result
    rows = model.Session.query(model.Group.id, model.Group.type, model.Group.extras).filter(
        model.Group.id.in_([org["id"] for org in result]))
    kinds = {id_: types.publisher_type_of(org_type, extras) for id_, org_type, extras in rows}
    counts = _dataset_counts(context) if "package_count" in result[0] else {}
    for org in result:
        org.setdefault("publisher_type", kinds.get(org["id"]))
        if "package_count" in org:
            org["package_count"] = counts.get(org["id"], 0)
    return result


def _dataset_counts(context: dict) -> dict[str, int]:
    """Datasets per owner organisation that the caller may see (private ones of its
    publishers included, as core counts them), from one search facet."""
    search_context = {key: context[key] for key in ("user", "auth_user_obj") if key in context}
    found = tk.get_action("package_search")(search_context, {
        "q": "", "fq": "+dataset_type:" + DATASET_TYPE, "rows": 0, "include_private": True,
        "facet": "true", "facet.field": ["owner_org"], "facet.limit": -1})
    return dict(found["facets"].get("owner_org", {}))


def _standard_organization(data_dict: dict) -> dict:
    alias = types.publisher_type_alias(data_dict.get("type"))
    if alias is None:
        return data_dict
    # the type decides, as it did: a publisher_type sent beside it is not the kind
    return {**data_dict, "type": types.ORGANIZATION_TYPE, "publisher_type": alias}


@tk.chained_action
def organization_create(original_action, context: dict, data_dict: dict) -> Any:
    return original_action(context, _standard_organization(data_dict))


@tk.chained_action
def organization_update(original_action, context: dict, data_dict: dict) -> Any:
    return original_action(context, _standard_organization(data_dict))


def _accepting_shown_datasets(inner: Callable | None) -> Callable:
    def step(call_next, context: dict, data_dict: dict) -> Any:
        return call_next(context, dataset.without_mirrored_extras(data_dict))
    return chaining.around(inner, step)


def accept_shown_datasets(actions: dict[str, Callable]) -> dict[str, Callable]:
    """The plugin's actions, with ``package_create`` and ``package_update`` (chained already
    or not) taking what ``package_show`` gives: the coverage extras it adds for CKAN clients
    are dropped before validation (standard/dataset.py)."""
    return {**actions, **{name: _accepting_shown_datasets(actions.get(name))
                          for name in ("package_create", "package_update")}}


def get_actions() -> dict[str, Any]:
    return {
        "package_list": package_list,
        "organization_list": organization_list,
        "organization_create": organization_create,
        "organization_update": organization_update,
    }
