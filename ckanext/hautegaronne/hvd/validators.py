"""Validators of the high-value dataset category (registered by registration.py)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import validation
from ..dcat.licences import DEFAULT_LICENCE_ID, find_licence
from . import vocabulary

_ = tk._


def _empty(value: Any) -> bool:
    return validation.is_empty(value) or value == []


def qualifying_licence(licence: dict) -> bool:
    """CC BY 4.0 or a licence at least as open (Article 4 of Regulation 2023/138): the
    portal's licence list says which of its licences are (``hvd_compatible``: the Licence
    Ouverte 2.0 asks only for attribution, like CC BY 4.0; the ODbL adds share-alike)."""
    return bool(licence.get("hvd_compatible"))


def hautegaronne_hvd_category(key, data, errors, context):
    """The HVD category: a most detailed concept of the EU vocabulary (IRI or code), stored
    as its IRI; a dataset that has one must be under a qualifying licence, and so must its
    resources that have a licence of their own."""
    value = data.get(key)
    if _empty(value):
        data[key] = ""
        return
    category = vocabulary.find(value if isinstance(value, str) else "")
    if category is None:
        errors[key].append(_('Unknown high-value dataset category "{value}": choose one of '
                             'the proposed categories.').format(value=str(value)[:80]))
        return
    if not vocabulary.is_most_detailed(category):
        errors[key].append(_('"{label}" is a whole category: choose the most detailed '
                             'subdivision that describes the data.').format(
                                 label=category.label(_language())))
        return
    data[key] = category.iri

    licence_key = ("license_id",)
    licence = find_licence(str(data.get(licence_key) or DEFAULT_LICENCE_ID).strip())
    if licence is not None and not qualifying_licence(licence):
        errors.setdefault(licence_key, []).append(_licence_refusal(licence))
    validated = set()
    for data_key, value in list(data.items()):
        if len(data_key) == 3 and data_key[0] == "resources" and data_key[2] == "id":
            validated.add(value)
        if len(data_key) == 3 and data_key[0] == "resources" and data_key[2] == "license":
            licence = find_licence(str(value).strip()) if not _empty(value) else None
            if licence is not None and not qualifying_licence(licence):
                errors.setdefault(data_key, []).append(_licence_refusal(licence))
    # CKAN's package_update validates only the resources that changed (a dataset form or a
    # package_patch of the category sends none): the stored ones count too (an outside
    # review declared a dataset high-value after giving a resource the ODbL)
    for resource_id, name, licence_id in _stored_resource_licences(data.get(("id",))):
        licence = find_licence(licence_id) if resource_id not in validated else None
        if licence is not None and not qualifying_licence(licence):
            errors[key].append(_('The resource "{name}" is under "{licence}", which a '
                                 'high-value dataset cannot have: give it the Licence Ouverte '
                                 '2.0 (or no licence of its own) first.').format(
                                     name=name, licence=licence["title"]))


def _stored_resource_licences(package_id: Any) -> list[tuple[str, str, str]]:
    from ckan import model

    package = model.Package.get(package_id) if isinstance(package_id, str) and package_id else None
    if package is None:
        return []
    return [(resource.id, resource.name or resource.id, str(resource.extras.get("license")))
            for resource in package.resources
            if (resource.extras or {}).get("license")]


def _language() -> str:
    try:
        return tk.h.lang() or "fr"
    except (RuntimeError, AttributeError, TypeError):  # outside a request
        return "fr"


def _licence_refusal(licence: dict) -> str:
    return _('A high-value dataset must be published under CC BY 4.0 or a licence at least '
             'as open: "{licence}" is not (it adds conditions to reuse). Choose the Licence '
             'Ouverte 2.0, or remove the high-value dataset category.').format(
                 licence=licence["title"])


def get_validators() -> dict:
    return {"hautegaronne_hvd_category": hautegaronne_hvd_category}
