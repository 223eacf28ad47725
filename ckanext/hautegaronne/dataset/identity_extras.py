"""The extras that say who a dataset is in the DCAT feeds (its URI, its publisher's and
contact's URIs, its DCAT type...) belong to the portal: its harvester writes them from the
source catalogue, nobody else. An outside attack gave one publisher's dataset the URI of
another's (the feed then merged the two) and the URI of a third publisher (whose
description the feed then lost), through CKAN's free ``extras``.

A publisher's write may carry these extras only as they are stored (package_show's output
given back to package_update stays accepted); a new or changed value is refused, in French.
The same holds for a distribution's DCAT fields that the portal's schema does not offer
(its URI, access and download URLs, dates, conformity...): ckanext-dcat publishes any such
key of a resource, and an outside attack gave its resource the URI of another publisher's
distribution (the feed then merged them, with ``javascript:`` URLs and bad dates). Only the
harvester writes them; a publisher's write may give them back as stored, or leave them out.

``guard`` wraps the portal's ``package_create`` and ``package_update`` (package_patch and
the resource actions go through ``package_update``)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..logic import chaining

__all__ = ["RESERVED_EXTRAS", "RESERVED_RESOURCE_FIELDS", "guard"]

# The extras ckanext-dcat's profiles read as the dataset's identity and agents.
RESERVED_EXTRAS = frozenset({
    "uri", "guid", "dcat_type", "alternate_identifier",
    "publisher_uri", "publisher_name", "publisher_email", "publisher_url", "publisher_type",
    "contact_uri",
})


# A distribution's keys ckanext-dcat's profiles publish that the portal's schema does not
# offer (the portal derives the distribution's URLs, dates and conformity itself).
RESERVED_RESOURCE_FIELDS = frozenset({
    "uri", "access_url", "download_url", "issued", "modified", "status", "rights",
    "conforms_to", "language", "documentation", "access_services", "availability",
    "compress_format", "package_format", "spatial_resolution_in_meters",
    "temporal_resolution", "applicable_legislation", "distribution_ref",
})


def _by_the_portal(context: dict) -> bool:
    """The portal's own writes: its harvester and jobs (the site user, or internal calls)."""
    return bool(context.get("ignore_auth")) or context.get("user") == tk.config.get("ckan.site_id")


def _stored(data_dict: dict) -> dict[str, str]:
    reference = data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(reference) if isinstance(reference, str) and reference else None
    return dict(package.extras) if package is not None else {}


def _refused(extras: Any, stored: dict[str, str]) -> list[str]:
    if not isinstance(extras, list):
        return []
    return sorted({str(extra.get("key")) for extra in extras
                   if isinstance(extra, dict) and extra.get("key") in RESERVED_EXTRAS
                   and stored.get(extra["key"]) != extra.get("value")})


def _refused_resource_fields(resources: Any) -> list[str]:
    if not isinstance(resources, list):
        return []
    refused = set()
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        stored_resource = (model.Resource.get(resource["id"])
                           if isinstance(resource.get("id"), str) and resource["id"] else None)
        stored = dict(stored_resource.extras or {}) if stored_resource is not None else {}
        refused.update(key for key in RESERVED_RESOURCE_FIELDS
                       if resource.get(key) not in (None, "", [])
                       and resource.get(key) != stored.get(key))
    return sorted(refused)


def _step(call_next: Callable, context: dict, data_dict: dict) -> Any:
    if not _by_the_portal(context):
        refused = _refused(data_dict.get("extras"), _stored(data_dict))
        if refused:
            raise tk.ValidationError({"extras": [tk._(
                "These extras are the portal's (the dataset's identity in the DCAT feeds, "
                "written by its harvester): {keys}. Remove them.").format(
                    keys=", ".join(refused))]})
        refused = _refused_resource_fields(data_dict.get("resources"))
        if refused:
            raise tk.ValidationError({"resources": [tk._(
                "These fields of a resource are the portal's (its description in the DCAT "
                "feeds, derived by the portal or written by its harvester): {keys}. Remove "
                "them.").format(keys=", ".join(refused))]})
    return call_next(context, data_dict)


def guard(actions: dict[str, Callable]) -> dict[str, Callable]:
    return {**actions, **{name: chaining.around(actions.get(name), _step)
                          for name in ("package_create", "package_update")}}
