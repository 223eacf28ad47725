"""Harvest sources belong to a publisher: only its organisation's admins manage them.

ckanext-harvest lets anyone who may edit the source's dataset (editors included) manage a
source. These chained auth functions (registered in plugin.py) add the portal's rule: creating,
editing, deleting, clearing a source and starting or stopping its jobs need the *admin* role in
the source's organisation; nobody acts on another organisation's sources. The same rule guards
the dataset actions on a source (``package_create``/``update``/``patch``/``delete`` of the type
``harvest``), which ckanext-harvest's web form calls directly.

Sysadmins follow the publishers' ownership rules (``publishers.auth``): bound by default
(admins of the organisation, like everybody), free when
``ckanext.hautegaronne.sysadmin_override`` is true, and the site user (harvest jobs, command
line) is never bound. Reading sources and their reports keeps ckanext-harvest's rules.

Source types: the stock harvesters stay installed (ckanext-dcat's ``dcat_rdf``), but they
bypass the portal's size limits and ownership rules (not its address guard: ``guard``).
Creating or editing a source of any other type than the portal's own (``hautegaronne_dcat``)
is for sysadmins free of the ownership rules (override, site user) only;
``allowed_source_types`` also narrows the choices of ckanext-harvest's source form
(``helpers.harvesters_info``).
"""
from __future__ import annotations

from typing import Callable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..publishers.auth import _bound_sysadmin

_ = tk._
SOURCE_TYPE = "harvest"
# The portal's harvester (``harvester.HARVESTER_NAME``, not imported: it loads ckanext-dcat)
PORTAL_HARVESTER = "hautegaronne_dcat"


def _source_org(data_dict: dict) -> Optional[str]:
    ref = data_dict.get("source_id") or data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(ref) if isinstance(ref, str) and ref else None
    job_ref = data_dict.get("job_id") or (ref if package is None else None)
    if package is None and isinstance(job_ref, str) and job_ref:
        # harvest_job_abort's "id" may be a job's id
        from ckanext.harvest.model import HarvestJob
        job = HarvestJob.get(job_ref)
        package = model.Package.get(job.source_id) if job else None
    return package.owner_org if package is not None else None


def _target_org(data_dict: dict) -> Optional[str]:
    group = model.Group.get(data_dict.get("owner_org")) if data_dict.get("owner_org") else None
    return group.id if group is not None else None


def _is_admin(user: Optional[str], org_id: Optional[str]) -> bool:
    return bool(user and org_id and authz.users_role_for_group_or_org(org_id, user) == "admin")


def _free(context: dict) -> bool:
    """A sysadmin to whom the ownership rules do not apply (override, site user)."""
    return authz.is_sysadmin(context.get("user")) and not _bound_sysadmin(context)


def source_org_ids(user_name: Optional[str]) -> Optional[set[str]]:
    """Ids of the organisations where ``user_name`` may create and manage harvest sources;
    None when every organisation (a sysadmin free of the ownership rules)."""
    if not user_name:
        return set()
    if _free({"user": user_name}):
        return None
    user_id = authz.get_user_id_for_username(user_name, allow_none=True)
    if not user_id:
        return set()
    rows = (model.Session.query(model.Member.group_id)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.state == "active",
                    model.Member.capacity == "admin", model.Member.table_id == user_id,
                    model.Group.is_organization == True,  # noqa: E712
                    model.Group.state == "active"))
    return {row[0] for row in rows}


def allowed_source_types(user_name: Optional[str]) -> Optional[set[str]]:
    """The harvester types ``user_name`` may give a source; None when any."""
    return None if _free({"user": user_name}) else {PORTAL_HARVESTER}


def _source_type(data_dict: dict, creating: bool) -> Optional[str]:
    """The type the source will have: the requested one, else (update) its current one."""
    if data_dict.get("source_type"):
        return data_dict["source_type"]
    if creating:
        return None  # "may this user add a source?"; the type is then required by validation
    ref = data_dict.get("id") or data_dict.get("name") or data_dict.get("source_id")
    if not ref:
        return None
    from ckanext.harvest.model import HarvestSource
    package = model.Package.get(ref)
    source = HarvestSource.get(package.id) if package is not None else None
    return source.type if source is not None else None


def _type_refusal(context: dict, data_dict: dict, creating: bool) -> Optional[dict]:
    allowed = allowed_source_types(context.get("user"))
    source_type = _source_type(data_dict, creating)
    if allowed is None or source_type is None or source_type in allowed:
        return None
    return {"success": False, "msg": _(
        "Harvest sources use the portal's harvester (DCAT catalogue of a publisher); other "
        "harvester types are reserved to the platform's operators.")}


def _verdict(context: dict, required: list) -> Optional[dict]:
    """A refusal unless the user is admin of every required organisation; None if allowed."""
    if _free(context):
        return None
    user = context.get("user")
    if not required or not all(_is_admin(user, org) for org in required):
        return {"success": False, "msg": _(
            "Only the administrators of the organisation that owns a harvest source can "
            "manage it.")}
    return None


def _admins_only(orgs: Callable[[dict, Optional[str]], list],
                 source_type: Optional[bool] = None, final: bool = False):
    """``source_type``: also check the source's harvester type (True when creating, False
    when updating); None for actions that do not set it. ``final``: the portal's rule is
    the whole rule (ckanext-harvest's own keeps the action to sysadmins)."""
    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        refusal = _verdict(context, orgs(data_dict, context.get("user")))
        if refusal is None and source_type is not None:
            refusal = _type_refusal(context, data_dict, source_type)
        if refusal is None and final:
            return {"success": True}
        return refusal or next_auth(context, data_dict)
    return auth


def _create_orgs(data_dict: dict, user: Optional[str]) -> list:
    target = _target_org(data_dict)
    if target:
        return [target]
    if data_dict.get("owner_org"):
        return []
    # "may this user add a source somewhere?": admin of at least one organisation.
    managed = source_org_ids(user)
    return sorted(managed)[:1] if managed else []


def _source_orgs(data_dict: dict, user: Optional[str]) -> list:
    current = _source_org(data_dict)
    target = _target_org(data_dict)
    return [current] + ([target] if target and target != current else [])


def _is_source(data_dict: dict, creating: bool) -> bool:
    if creating:
        return data_dict.get("type") == SOURCE_TYPE
    ref = data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(ref) if ref else None
    return package is not None and package.type == SOURCE_TYPE


def _on_sources(orgs: Callable[[dict, Optional[str]], list], creating: bool,
                inner: Optional[Callable] = None, check_type: bool = True):
    """A dataset action's chained auth: the source rule first when the dataset is a harvest
    source (and its type rule unless ``check_type`` is false: deleting), then ``inner`` (the
    publishers' chained rule for that action), if any."""

    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        if _is_source(data_dict, creating):
            refusal = (_verdict(context, orgs(data_dict, context.get("user")))
                       or (_type_refusal(context, data_dict, creating) if check_type
                           else None))
            if refusal:
                return refusal
        if inner is not None:
            return inner(next_auth, context, data_dict)
        if authz.is_sysadmin(context.get("user")):
            return {"success": True}
        return next_auth(context, data_dict)
    return auth


SOURCE_GUARDED = (("package_create", True), ("package_update", False),
                  ("package_patch", False), ("package_delete", False))


@tk.chained_auth_function
@tk.auth_sysadmins_check
def abort_failed_jobs(next_auth, context: dict, data_dict: dict) -> dict:
    """Aborting the running jobs of every source (``harvest_abort_failed_jobs``, which
    ckanext-harvest leaves unchecked) is the platform's operators' (override, site user).

    ``next_auth`` is never called: ckanext-harvest registers no rule for this action, but
    its plugin collects its auth functions into the dict that already holds its actions,
    so the "rule" it registers under this name is the action itself."""
    if _free(context):
        return {"success": True}
    return {"success": False, "msg": _(
        "Only the platform's operators can abort the harvest jobs of all sources.")}


@tk.chained_auth_function
def sources_reindex(next_auth, context: dict, data_dict: dict) -> dict:
    """Reindexing every source (``harvest_sources_reindex``): ckanext-harvest's rule
    (sysadmins) fails with a 500 on an anonymous caller; refused here first."""
    if not context.get("user"):
        return {"success": False, "msg": _("Only sysadmins can reindex all harvest sources.")}
    return next_auth(context, data_dict)


def get_auth_functions() -> dict:
    """The harvest actions' rules."""
    return {
        "harvest_sources_reindex": sources_reindex,
        "harvest_source_create": _admins_only(_create_orgs, source_type=True),
        "harvest_source_update": _admins_only(_source_orgs, source_type=False),
        "harvest_source_delete": _admins_only(_source_orgs),
        "harvest_source_clear": _admins_only(_source_orgs),
        "harvest_job_create": _admins_only(_source_orgs),
        # ckanext-harvest keeps aborting to sysadmins: a source's admins abort its jobs
        "harvest_job_abort": _admins_only(_source_orgs, final=True),
        "harvest_send_job_to_gather_queue": _admins_only(_source_orgs),
        # checked by the chained actions of ``actions`` (ckanext-harvest checks nothing)
        "harvest_source_reindex": _admins_only(_source_orgs),
        "harvest_abort_failed_jobs": abort_failed_jobs,
    }


def with_source_rules(package_rules: dict) -> dict:
    """``package_rules`` (the publishers' dataset rules) with the dataset actions that
    also act on harvest sources extended by the source rule: the same names, replaced."""
    extended = dict(package_rules)
    for name, creating in SOURCE_GUARDED:
        orgs = _create_orgs if creating else _source_orgs
        extended[name] = _on_sources(orgs, creating, package_rules.get(name),
                                     check_type=name != "package_delete")
    return extended
