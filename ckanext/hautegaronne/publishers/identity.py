"""A publisher's official identity: who the organisation stands for.

The publisher type, INSEE code, SIREN, EPCI nature and membership, official name, population,
ADMS type, merged-into link and the organisation's name (its address, by which onboarding
finds it) come from the COG: onboarding and ``ckan hautegaronne publishers sync``/``add`` set
them, as the site user. Anybody else editing an organisation (its admins through the form or
``organization_update``/``patch``, a bound sysadmin, ``group_update`` on an organisation) keeps
them: a different value is refused with a French message on the field, an omitted one is kept.
Description, logo, contact, website, SIRET and the displayed title stay editable.

A sysadmin with ``ckanext.hautegaronne.sysadmin_override`` may correct them (operations; it
shows in the activity stream).
"""
from __future__ import annotations

import re
from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .auth import _bound_sysadmin

__all__ = ["OFFICIAL_IDENTITY_FIELDS", "official_identity", "may_set_official_identity",
           "get_actions"]

# The fields onboarding and sync derive from the COG (``onboarding.expected_extras`` and
# ``types.official_fields``), plus the organisation's name and CKAN type.
OFFICIAL_IDENTITY_FIELDS = ("name", "type", "publisher_type", "insee_code", "siren",
                            "epci_nature", "epci_siren", "official_name", "population",
                            "adms_type", "merged_into")
# Codes typed with spaces or dots ("213 104 581") are the same code.
_CODE_FIELDS = ("insee_code", "siren", "epci_siren")
_CODE_NOISE = re.compile(r"[\s.\u00a0\u202f-]")


def official_identity(group: model.Group) -> dict[str, Optional[str]]:
    """The official identity an organisation carries now (values as stored)."""
    extras = dict(group.extras or {})
    identity = {field: extras.get(field) for field in OFFICIAL_IDENTITY_FIELDS}
    identity["name"], identity["type"] = group.name, group.type
    return identity


def may_set_official_identity(context: dict) -> bool:
    """The site user (onboarding, sync, command line) and a sysadmin free of the ownership
    rules (override)."""
    user = context.get("user")
    return bool(user) and authz.is_sysadmin(user) and not _bound_sysadmin(context)


def _normalised(field: str, value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return _CODE_NOISE.sub("", text).upper() if field in _CODE_FIELDS else text


def _sent(data_dict: dict) -> dict[str, Any]:
    """Identity values the client sent, top-level or as ``extras`` rows."""
    sent = {}
    for row in data_dict.get("extras") or []:
        if isinstance(row, dict) and row.get("key") in OFFICIAL_IDENTITY_FIELDS:
            sent[row["key"]] = row.get("value")
    for field in OFFICIAL_IDENTITY_FIELDS:
        if field in data_dict:
            sent[field] = data_dict[field]
    return sent


def _kept(context: dict, data_dict: dict) -> dict:
    """``data_dict`` with the organisation's official identity kept, or a ValidationError
    naming each field the client tried to change."""
    ref = data_dict.get("id")  # CKAN's update finds the organisation by its id only
    group = model.Group.get(ref) if isinstance(ref, str) and ref else None
    if group is None or not group.is_organization or may_set_official_identity(context):
        return data_dict
    stored = official_identity(group)
    changed = sorted(field for field, value in _sent(data_dict).items()
                     if _normalised(field, value) != _normalised(field, stored[field]))
    if changed:
        raise tk.ValidationError({field: [tk._(
            "This is part of the official identity of the publisher, set from the official "
            "geographic code (COG) when it was onboarded: it cannot be changed here. Write "
            "to the platform's team if it is wrong.")] for field in changed})
    kept = dict(data_dict)
    kept["id"] = group.id
    for field, value in stored.items():
        if field not in kept and value is not None:
            kept[field] = value
    return kept


def _guarded(action_name: str):
    @tk.chained_action
    def action(original_action, context: dict, data_dict: dict):
        # the caller's right to edit the organisation is checked before anything is said
        # about its content
        ref = (data_dict or {}).get("id")
        group = model.Group.get(ref) if isinstance(ref, str) and ref else None
        if group is not None and group.is_organization:
            tk.check_access("organization_update", dict(context), data_dict)
        return original_action(context, _kept(context, data_dict or {}))
    action.__name__ = action_name
    action.__doc__ = f"CKAN's {action_name}, keeping a publisher's official identity."
    return action


def get_actions() -> dict:
    # organization_patch and group_patch call these; group_update edits organisations too
    return {"organization_update": _guarded("organization_update"),
            "group_update": _guarded("group_update")}
