"""Harvest sources belong to a publisher: only its organisation's admins manage them.

ckanext-harvest lets anyone who may edit the source's dataset (editors included) manage a
source. These chained auth functions (registered in plugin.py) add the portal's rule: creating,
editing, deleting, clearing a source and starting or stopping its jobs need the *admin* role in
the source's organisation; nobody acts on another organisation's sources. Sysadmins keep
ckanext-harvest's rules (and the publishers' ownership rules that it calls through
``package_update``). Reading sources and their reports keeps ckanext-harvest's rules.
"""
from __future__ import annotations

from typing import Callable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

_ = tk._


def _source_org(data_dict: dict) -> Optional[str]:
    ref = data_dict.get("source_id") or data_dict.get("id") or data_dict.get("name")
    if not ref and data_dict.get("job_id"):
        from ckanext.harvest.model import HarvestJob
        job = HarvestJob.get(data_dict["job_id"])
        ref = job.source_id if job else None
    package = model.Package.get(ref) if ref else None
    return package.owner_org if package is not None else None


def _target_org(data_dict: dict) -> Optional[str]:
    group = model.Group.get(data_dict.get("owner_org")) if data_dict.get("owner_org") else None
    return group.id if group is not None else None


def _is_admin(user: Optional[str], org_id: Optional[str]) -> bool:
    return bool(user and org_id and authz.users_role_for_group_or_org(org_id, user) == "admin")


def _admins_only(orgs: Callable[[dict, Optional[str]], list]):
    @tk.chained_auth_function
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        user = context.get("user")
        if authz.is_sysadmin(user):
            return next_auth(context, data_dict)
        required = orgs(data_dict, user)
        if not required or not all(_is_admin(user, org) for org in required):
            return {"success": False, "msg": _(
                "Only the administrators of the organisation that owns a harvest source can "
                "manage it.")}
        return next_auth(context, data_dict)
    return auth


def _create_orgs(data_dict: dict, user: Optional[str]) -> list:
    target = _target_org(data_dict)
    if target:
        return [target]
    if data_dict.get("owner_org"):
        return []
    # "may this user add a source somewhere?": admin of at least one organisation.
    user_id = authz.get_user_id_for_username(user, allow_none=True) if user else None
    if not user_id:
        return []
    row = (model.Session.query(model.Member.group_id)
           .filter(model.Member.table_name == "user", model.Member.state == "active",
                   model.Member.capacity == "admin", model.Member.table_id == user_id)
           .first())
    return [row[0]] if row else []


def _source_orgs(data_dict: dict, user: Optional[str]) -> list:
    current = _source_org(data_dict)
    target = _target_org(data_dict)
    return [current] + ([target] if target and target != current else [])


def get_auth_functions() -> dict:
    source = _admins_only(_source_orgs)
    return {
        "harvest_source_create": _admins_only(_create_orgs),
        "harvest_source_update": source,
        "harvest_source_delete": _admins_only(_source_orgs),
        "harvest_source_clear": _admins_only(_source_orgs),
        "harvest_job_create": _admins_only(_source_orgs),
        "harvest_job_abort": _admins_only(_source_orgs),
        "harvest_send_job_to_gather_queue": _admins_only(_source_orgs),
    }
