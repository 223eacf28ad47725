"""Ownership rules: chained auth functions, registered in plugin.py.

* Only members of a publisher's organisation (editor, admin) create, edit and delete its
  datasets and resources; only its admins manage its members and edit it. That is CKAN's
  rule for ordinary users, and it holds across publishers because the portal uses no
  organisation hierarchy: an EPCI's members get no right over its communes, and the reverse.
* Moving a dataset to another organisation needs admin rights in both.
* Purging (datasets, organisations, also through ``group_purge``) stays CKAN's sysadmins-only
  action; a bound sysadmin must moreover be an admin of the publisher.
* Sysadmins obey the same rules (``auth_sysadmins_check``) unless
  ``ckanext.hautegaronne.sysadmin_override`` is true. Two exceptions keep the platform
  running: the site user (harvesting, command line, demo) and the appointment of the first
  administrator of an organisation that has none (onboarding a publisher).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import validation

_ = tk._

OVERRIDE_OPTION = "ckanext.hautegaronne.sysadmin_override"

# (organisation id, permission) pairs a sysadmin must hold as an ordinary member
Requirement = tuple[Optional[str], str]


def _user(context: dict) -> Optional[model.User]:
    name = context.get("user")
    return model.User.get(name) if name else None


def _bound_sysadmin(context: dict) -> bool:
    """A sysadmin to whom the ownership rules apply."""
    user = _user(context)
    if user is None or not user.sysadmin:
        return False
    if tk.asbool(tk.config.get(OVERRIDE_OPTION)):
        return False
    return user.name != tk.config.get("ckan.site_id")


def _role_allows(user_name: str, org_id: Optional[str], permission: str) -> bool:
    """Membership-based check that ignores sysadmin status and any hierarchy."""
    if not org_id:
        return False
    role = authz.users_role_for_group_or_org(org_id, user_name)
    return role is not None and role in authz.get_roles_with_permission(permission)


def _is_org_admin(user_name: Optional[str], org_id: Optional[str]) -> bool:
    if not org_id or not user_name:
        return False
    return authz.users_role_for_group_or_org(org_id, user_name) == "admin"


def _plain_reference(value: Any) -> bool:
    """Whether a name or id sent by a client can be looked up: text without control
    characters (PostgreSQL refuses NUL), or nothing."""
    if value is None or value == "":
        return True
    return isinstance(value, str) and validation.text_problem(value) is None


def _org_id(value: Any) -> Optional[str]:
    if not value:
        return None
    group = model.Group.get(value)
    return group.id if group is not None else None


def _package(data_dict: dict) -> Optional[model.Package]:
    match = data_dict.get("match")
    if isinstance(match, dict) and not data_dict.get("id"):
        data_dict = match  # package_revise names the dataset under "match"
    ref = data_dict.get("id") or data_dict.get("name") or data_dict.get("package_id")
    return model.Package.get(ref) if isinstance(ref, str) and ref else None


def _resource_package(data_dict: dict) -> Optional[model.Package]:
    resource = model.Resource.get(data_dict.get("id") or data_dict.get("resource_id") or "")
    if resource is None:
        return None
    return model.Package.get(resource.package_id)


def _denied(context: dict, why: str) -> dict:
    return {"success": False, "msg": why}


class Refusal(Exception):
    """Raised by a requirement function: the action is refused with this message."""


def _moves(data_dict: dict, package: Optional[model.Package]) -> Optional[tuple[Optional[str], str]]:
    """(current org id, target org id) when ``data_dict`` moves the dataset, else None."""
    if package is None or "owner_org" not in data_dict or not data_dict.get("owner_org"):
        return None
    target = _org_id(data_dict["owner_org"])
    if target is None or target == package.owner_org:
        return None
    return package.owner_org, target


def _sysadmin_guard(requirements: Callable[[dict, dict], Iterable[Requirement]]):
    """A chained auth function: ordinary users get CKAN's rule; bound sysadmins must hold
    every (organisation, permission) that ``requirements`` lists as real members."""

    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        if not _plain_reference(data_dict.get("owner_org")):
            # CKAN's rule would query the database with it and fail (a 500): refused here
            return _denied(context, _("Unknown publisher: give the name or the id of an "
                                      "organisation."))
        if _bound_sysadmin(context):
            user_name = context["user"]
            try:
                required = list(requirements(context, data_dict))
            except Refusal as refusal:
                return _denied(context, str(refusal))
            for org_id, permission in required:
                if not _role_allows(user_name, org_id, permission):
                    return _denied(context, _(
                        "Platform administrators do not edit a publisher's data: ask a member "
                        "of the organisation, or become one."))
            return {"success": True}
        if authz.is_sysadmin(context.get("user")):
            # free of the rules (override, site user): CKAN's sysadmin rights, including
            # the sysadmins-only actions (purges)
            return {"success": True}
        return next_auth(context, data_dict)

    return auth


# -- requirements per action (for bound sysadmins) ------------------------------------------

def _package_create(context, data_dict):
    org = _org_id(data_dict.get("owner_org"))
    if org is None and not data_dict.get("owner_org"):
        # "may this user add a dataset somewhere?" (e.g. the "Add dataset" button)
        user = _user(context)
        orgs = [m.group_id for m in model.Session.query(model.Member)
                .filter(model.Member.table_name == "user", model.Member.state == "active",
                        model.Member.table_id == user.id)] if user else []
        return [(next((o for o in orgs if _role_allows(user.name, o, "create_dataset")), None),
                 "create_dataset")]
    return [(org, "create_dataset")]


def _package_update(context, data_dict):
    update = data_dict.get("update")
    if isinstance(update, dict) and "id" not in data_dict:
        # package_revise checks {"update": the revised dataset}: its id and owner_org (a move)
        # are there; the dataset may also be named under "match"
        data_dict = {**update, "match": data_dict.get("match")} if update.get("id") else \
            {**data_dict, "owner_org": update.get("owner_org")}
    package = _package(data_dict)
    if package is None:
        return [(None, "update_dataset")]
    move = _moves(data_dict, package)
    if move:
        return [(move[0], "admin"), (move[1], "admin")]
    return [(package.owner_org, "update_dataset")]


def _package_delete(context, data_dict):
    package = _package(data_dict)
    return [(package.owner_org if package else None, "delete_dataset")]


def _resource_create(context, data_dict):
    package = _package({"id": data_dict.get("package_id")}) if data_dict.get("package_id") \
        else _resource_package(data_dict)
    return [(package.owner_org if package else None, "update_dataset")]


def _resource_update(context, data_dict):
    package = _resource_package(data_dict)
    return [(package.owner_org if package else None, "update_dataset")]


def _resource_delete(context, data_dict):
    package = _resource_package(data_dict)
    return [(package.owner_org if package else None, "delete_dataset")]


def _owner_org_update(context, data_dict):
    package = _package(data_dict)
    return [(package.owner_org if package else None, "admin"),
            (_org_id(data_dict.get("organization_id")), "admin")]


def _organization(context, data_dict):
    return [(_org_id(data_dict.get("id")), "admin")]


def _bulk(context, data_dict):
    return [(_org_id(data_dict.get("org_id")), "admin")]


def _package_purge(context, data_dict):
    package = _package(data_dict)
    return [(package.owner_org if package else None, "admin")]


def _group_purge(context, data_dict):
    org_id = _org_id(data_dict.get("id"))
    group = model.Group.get(org_id) if org_id else None
    if group is not None and not group.is_organization:
        return []  # groups (themes) are not publishers
    return [(org_id, "admin")]  # core's group_purge purges organisations too


def _has_no_admin(org_id: Optional[str]) -> bool:
    return bool(org_id) and not authz.get_group_or_org_admin_ids(org_id)


def _appoints_self(context: dict, data_dict: dict) -> bool:
    if data_dict.get("object_type", "user") != "user":
        return False
    target = data_dict.get("object") or data_dict.get("username") or data_dict.get("user_id")
    user = _user(context)
    found = model.User.get(target) if isinstance(target, str) and target else None
    return user is not None and found is not None and found.id == user.id


def _members(context, data_dict):
    org_id = _org_id(data_dict.get("id"))
    group = model.Group.get(org_id) if org_id else None
    if group is not None and not group.is_organization:
        return []  # groups (themes) are not publishers
    if _appoints_self(context, data_dict):
        raise Refusal(_("Platform administrators do not appoint themselves in a publisher: "
                        "its administrators do, and the first administrator the platform "
                        "names for it is someone else."))
    if _has_no_admin(org_id):
        return []  # appointing the first administrator of a new publisher
    return [(org_id, "admin")]


def _member_removal(context, data_dict):
    """Leaving a publisher is always possible; removing others needs its admin role."""
    org_id = _org_id(data_dict.get("id"))
    group = model.Group.get(org_id) if org_id else None
    if group is not None and not group.is_organization:
        return []
    if _appoints_self(context, data_dict):
        return []
    return [(org_id, "admin")]


# -- bulk actions, for everybody ------------------------------------------------------------

def _bulk_datasets(data_dict: dict) -> list:
    datasets = data_dict.get("datasets") or []
    return [datasets] if isinstance(datasets, str) else list(datasets)


def _bulk_guard(next_rule):
    """CKAN's bulk actions update only the organisation's datasets but record a "changed"
    activity on every id given: ids outside the organisation are refused, for everybody."""

    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        org_ref = data_dict.get("org_id")
        org_id = _org_id(org_ref) if _plain_reference(org_ref) else None
        ids = _bulk_datasets(data_dict)
        if not all(isinstance(ref, str) and _plain_reference(ref) for ref in ids):
            return _denied(context, _("Give the ids of the organisation's datasets."))
        owners = dict(model.Session.query(model.Package.id, model.Package.owner_org)
                      .filter(model.Package.id.in_(ids)).all()) if ids else {}
        if org_id is None or any(owners.get(ref) != org_id for ref in ids):
            return _denied(context, _("Bulk changes apply to the organisation's own datasets "
                                      "only: some of the datasets given belong to another "
                                      "organisation, or do not exist."))
        return next_rule(next_auth, context, data_dict)

    return auth


# -- datasets belong to their own organisation, for everybody -------------------------------

def _datasets_stay_with_their_owner(next_rule):
    """CKAN's member_create also attaches a dataset (object_type=package) to a group; on an
    organisation that would list another publisher's dataset as its own. A dataset belongs
    to its ``owner_org`` only (moves go through package_owner_org_update): refused for
    everybody but the sysadmins free of the rules. Themes and reuses (groups) keep CKAN's."""

    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        if data_dict.get("object_type") == "package":
            ref = data_dict.get("id")
            org_id = _org_id(ref) if _plain_reference(ref) else None
            group = model.Group.get(org_id) if org_id else None
            user = _user(context)
            free = user is not None and user.sysadmin and not _bound_sysadmin(context)
            if group is not None and group.is_organization and not free:
                return _denied(context, _("A dataset belongs to its own organisation only: "
                                          "it cannot be added to another one (moving it "
                                          "needs admin rights in both)."))
        return next_rule(next_auth, context, data_dict)

    return auth


# -- the move rule, for everybody -----------------------------------------------------------

@tk.chained_auth_function
@tk.auth_sysadmins_check
def package_update(next_auth, context, data_dict):
    data_dict = data_dict or {}
    if _bound_sysadmin(context):
        return _sysadmin_guard(_package_update)(next_auth, context, data_dict)
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    user = _user(context)
    if user is not None and user.sysadmin:
        return result  # the override is on, or the site user
    move = _moves(data_dict, _package(data_dict))
    if move and not (_is_org_admin(context.get("user"), move[0])
                     and _is_org_admin(context.get("user"), move[1])):
        return _denied(context, _("Moving a dataset to another organisation requires "
                                  "admin rights in both organisations."))
    return result


def get_auth_functions() -> dict:
    return {
        "package_create": _sysadmin_guard(_package_create),
        "package_update": package_update,
        # core package_patch defers to package_update, so ordinary users meet the move rule
        "package_patch": _sysadmin_guard(_package_update),
        "package_revise": _sysadmin_guard(_package_update),
        "package_delete": _sysadmin_guard(_package_delete),
        "package_owner_org_update": _sysadmin_guard(_owner_org_update),
        "resource_create": _sysadmin_guard(_resource_create),
        "resource_update": _sysadmin_guard(_resource_update),
        "resource_patch": _sysadmin_guard(_resource_update),
        "resource_delete": _sysadmin_guard(_resource_delete),
        "organization_update": _sysadmin_guard(_organization),
        "organization_patch": _sysadmin_guard(_organization),
        "organization_delete": _sysadmin_guard(_organization),
        # purging cannot be undone and erases the activity stream: CKAN keeps it to
        # sysadmins; a bound sysadmin must also be an admin of the publisher
        "dataset_purge": _sysadmin_guard(_package_purge),
        "organization_purge": _sysadmin_guard(_organization),
        "group_purge": _sysadmin_guard(_group_purge),
        "bulk_update_private": _bulk_guard(_sysadmin_guard(_bulk)),
        "bulk_update_public": _bulk_guard(_sysadmin_guard(_bulk)),
        "bulk_update_delete": _bulk_guard(_sysadmin_guard(_bulk)),
        "organization_member_create": _sysadmin_guard(_members),
        "member_create": _datasets_stay_with_their_owner(_sysadmin_guard(_members)),
        "member_delete": _sysadmin_guard(_member_removal),
    }


# For other concerns whose actions follow the same rule (tabular.auth).
sysadmin_guard = _sysadmin_guard
