"""Bound sysadmins, for every action that ``auth.py`` and ``harvest/auth.py`` do not cover.

A sysadmin without ``ckanext.hautegaronne.sysadmin_override`` keeps CKAN's sysadmin rights for
the platform's own business (themes, vocabularies, configuration, background jobs, creating
accounts) but, by any action, cannot:

* write a publisher's data unless it holds the matching role in that publisher (dataset
  relationships, resource views, resource order, task statuses, collaborators, files, group
  actions on an organisation, harvest objects and a source's history or index); site-wide
  writes over every publisher (clearing a view type, starting every source's job, clearing
  every source's history, importing every harvest object, forging or erasing activities)
  are refused outright;
* act as another user: API tokens for someone else or for the site user (nor list or revoke
  the site user's), another user's password, e-mail or name (password help is CKAN's reset
  e-mail), deleting an account that belongs to a publisher's team (the way to take a
  publisher over), obtaining the site user, creating an account with a password it chooses
  (it could then name that account first administrator of a publisher: accounts come from
  ``user_invite``, whose holder chooses the password);
* run SQL over the DataStore (functions, triggers: they reach every publisher's tables), or
  delete tags and vocabularies that datasets of a publisher where it holds no role use;
* appoint itself in a publisher (``auth._members``), nor keep the admin membership CKAN gives
  the creator of an organisation (``organization_create`` below).

Every registered action is classified in ``action_classes``; these rules cover the write
classes. Ordinary users keep CKAN's rules; the site user and sysadmins with the override are
not bound.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from .auth import (_bound_sysadmin, _org_id, _package, _role_allows, _user)

_ = tk._

# A rule answers a refusal message, or None when the bound sysadmin may go on.
Rule = Callable[[dict, dict], Optional[str]]


def _data_refusal() -> str:
    return _("Platform administrators do not edit a publisher's data: ask a member of the "
             "organisation, or become one.")


def _site_wide_refusal() -> str:
    return _("This action changes every publisher's data at once: it is reserved to the "
             "platform's operators (sysadmin override).")


def _datastore_sql_refusal() -> str:
    return _("DataStore functions and triggers run over every publisher's tables: they are "
             "reserved to the platform's operators (sysadmin override).")


def _tag_refusal() -> str:
    return _("Datasets of publishers where you hold no role use this tag: deleting it would "
             "change their data. Ask their members, or the platform's operators (sysadmin "
             "override).")


def _other_user_refusal() -> str:
    return _("Platform administrators do not act on another user's account (password, "
             "e-mail, name, API tokens): password help goes through the reset e-mail.")


# -- what an action touches ----------------------------------------------------------------

def _resource(ref) -> Optional[model.Resource]:
    return model.Resource.get(ref) if isinstance(ref, str) and ref else None


def _package_of_resource(ref) -> Optional[model.Package]:
    resource = _resource(ref)
    return model.Package.get(resource.package_id) if resource is not None else None


def _package_of_view(ref) -> Optional[model.Package]:
    view = model.ResourceView.get(ref) if isinstance(ref, str) and ref else None
    return _package_of_resource(view.resource_id) if view is not None else None


def _package_of_entity(ref) -> Optional[model.Package]:
    """A task status's entity: a dataset or a resource."""
    if not isinstance(ref, str) or not ref:
        return None
    return model.Package.get(ref) or _package_of_resource(ref)


def _package_of_task(ref) -> Optional[model.Package]:
    task = model.Session.query(model.TaskStatus).get(ref) if isinstance(ref, str) and ref \
        else None
    return _package_of_entity(task.entity_id) if task is not None else None


def _on_packages(packages: Callable[[dict], Iterable[Optional[model.Package]]],
                 permission: str = "update_dataset") -> Rule:
    """Every dataset the action touches must be found and the caller must hold
    ``permission`` in its publisher."""
    def rule(context: dict, data_dict: dict) -> Optional[str]:
        found = list(packages(data_dict))
        if not found or any(p is None or not _role_allows(context["user"], p.owner_org,
                                                          permission) for p in found):
            return _data_refusal()
        return None
    return rule


def _dict_field(data_dict: dict, key: str) -> dict:
    value = data_dict.get(key)
    return value if isinstance(value, dict) else {}


def _on_group(admin_rule: Rule) -> Rule:
    """Group actions: themes are the platform's; on an organisation (core's group_update
    and group_delete accept one) the organisation's rule applies."""
    def rule(context: dict, data_dict: dict) -> Optional[str]:
        org_id = _org_id(data_dict.get("id")) if isinstance(data_dict.get("id"), str) else None
        group = model.Group.get(org_id) if org_id else None
        if group is None or not group.is_organization:
            return None
        return admin_rule(context, data_dict)
    return rule


def _admin_of_org(context: dict, data_dict: dict) -> Optional[str]:
    org_id = _org_id(data_dict.get("id")) if isinstance(data_dict.get("id"), str) else None
    return None if _role_allows(context["user"], org_id, "admin") else _data_refusal()


def _refused(message: Callable[[], str]) -> Rule:
    return lambda context, data_dict: message()


# -- files (CKAN 2.12's file API) ---------------------------------------------------------

def _owner_allows(context: dict, owner_type, owner_id) -> bool:
    """Whether a bound sysadmin may act on what a file's owner holds."""
    if owner_type == "user":
        return _is_caller(context, owner_id)
    if owner_type == "package":
        package = _package({"id": owner_id})
        return package is not None and _role_allows(context["user"], package.owner_org,
                                                    "update_dataset")
    if owner_type == "resource":
        package = _package_of_resource(owner_id)
        return package is not None and _role_allows(context["user"], package.owner_org,
                                                    "update_dataset")
    if owner_type in ("organization", "group"):
        group = model.Group.get(owner_id) if isinstance(owner_id, str) and owner_id else None
        if group is not None and not group.is_organization:
            return True  # themes are the platform's
        return group is not None and _role_allows(context["user"], group.id, "admin")
    return False


def _on_file(context: dict, data_dict: dict) -> Optional[str]:
    ref = data_dict.get("id")
    file = model.Session.get(model.File, ref) if isinstance(ref, str) and ref else None
    if file is None:
        return None  # CKAN answers "not found"
    owner = file.owner
    if owner is not None and not _owner_allows(context, owner.owner_type, owner.owner_id):
        return _data_refusal()
    return None


def _file_transfer(context: dict, data_dict: dict) -> Optional[str]:
    if not _owner_allows(context, data_dict.get("owner_type"), data_dict.get("owner_id")):
        return _data_refusal()
    return _on_file(context, data_dict)


# -- users and tokens ----------------------------------------------------------------------

def _is_caller(context: dict, ref) -> bool:
    user = _user(context)
    target = model.User.get(ref) if isinstance(ref, str) and ref else None
    return user is not None and target is not None and target.id == user.id


def _own_account(field: str) -> Rule:
    def rule(context: dict, data_dict: dict) -> Optional[str]:
        return None if _is_caller(context, data_dict.get(field)) else _other_user_refusal()
    return rule


def _user_delete(context: dict, data_dict: dict) -> Optional[str]:
    target = data_dict.get("id")
    user = model.User.get(target) if isinstance(target, str) and target else None
    if user is None:
        return None  # CKAN answers "not found"
    if user.name == tk.config.get("ckan.site_id"):
        return _other_user_refusal()
    in_a_team = (model.Session.query(model.Member.id)
                 .join(model.Group, model.Group.id == model.Member.group_id)
                 .filter(model.Member.table_name == "user", model.Member.table_id == user.id,
                         model.Member.state == "active", model.Group.state == "active",
                         model.Group.is_organization.is_(True)).first())
    if in_a_team:
        return _("This account belongs to a publisher's team: the organisation's "
                 "administrators remove it from the team first.")
    return None


def _site_user_refusal() -> str:
    return _("The site user works for the platform's own tasks: nobody obtains it or acts "
             "as it.")


def _is_site_user(user: Optional[model.User]) -> bool:
    return user is not None and user.name == tk.config.get("ckan.site_id")


def _user_create(context: dict, data_dict: dict) -> Optional[str]:
    """An account whose password the platform administrator chose is the administrator
    itself: named first admin of a publisher, it would take the publisher by proxy."""
    if data_dict.get("password") or data_dict.get("password_hash"):
        return _("Platform administrators do not choose other people's passwords: invite the "
                 "person (user_invite), who then chooses a password through the e-mail "
                 "received.")
    return None


def _token_list(context: dict, data_dict: dict) -> Optional[str]:
    ref = data_dict.get("user_id", data_dict.get("user"))
    owner = model.User.get(ref) if isinstance(ref, str) and ref else None
    return _site_user_refusal() if _is_site_user(owner) else None


def _token_revoke(context: dict, data_dict: dict) -> Optional[str]:
    jti = data_dict.get("jti")
    token = model.ApiToken.get(jti) if isinstance(jti, str) and jti else None
    # revoking the site user's token (xloader's) would stop every publisher's loads
    return _site_user_refusal() if token is not None and _is_site_user(token.owner) else None


# -- tags and vocabularies ---------------------------------------------------------------

def _tags_used_elsewhere(context: dict, tag_ids: Iterable[str]) -> bool:
    """Whether a dataset of a publisher where the caller holds no editor/admin role carries
    one of these tags."""
    tag_ids = list(tag_ids)
    if not tag_ids:
        return False
    owners = {owner for (owner,) in model.Session.query(model.Package.owner_org)
              .join(model.PackageTag, model.PackageTag.package_id == model.Package.id)
              .filter(model.PackageTag.tag_id.in_(tag_ids), model.PackageTag.state == "active")
              .distinct()}
    return any(not _role_allows(context["user"], owner, "update_dataset") for owner in owners)


def _tag_delete(context: dict, data_dict: dict) -> Optional[str]:
    ref, vocabulary = data_dict.get("id"), data_dict.get("vocabulary_id")
    if not isinstance(ref, str) or not ref or not (vocabulary is None
                                                   or isinstance(vocabulary, str)):
        return None  # CKAN answers the validation error
    tag = model.Tag.get(ref, vocabulary)
    if tag is None:
        return None  # CKAN answers "not found"
    return _tag_refusal() if _tags_used_elsewhere(context, [tag.id]) else None


def _vocabulary(data_dict: dict) -> Optional[model.Vocabulary]:
    ref = data_dict.get("id")
    return model.Vocabulary.get(ref) if isinstance(ref, str) and ref else None


def _vocabulary_delete(context: dict, data_dict: dict) -> Optional[str]:
    vocabulary = _vocabulary(data_dict)
    if vocabulary is None:
        return None
    tag_ids = [tag.id for tag in vocabulary.tags]
    return _tag_refusal() if _tags_used_elsewhere(context, tag_ids) else None


def _vocabulary_update(context: dict, data_dict: dict) -> Optional[str]:
    """CKAN replaces the vocabulary's tags by the list given: the tags left out are deleted."""
    vocabulary = _vocabulary(data_dict)
    tags = data_dict.get("tags")
    if vocabulary is None or tags is None:
        return None
    kept = {tag.get("name") for tag in tags if isinstance(tag, dict)} \
        if isinstance(tags, list) else set()
    removed = [tag.id for tag in vocabulary.tags if tag.name not in kept]
    return _tag_refusal() if _tags_used_elsewhere(context, removed) else None


# -- organisations -------------------------------------------------------------------------

def _organization_create(context: dict, data_dict: dict) -> Optional[str]:
    # allowed: the identity validators read a commune's or EPCI's identity from the COG,
    # and the creator does not stay a member (``organization_create`` below)
    return None


def _invite(context: dict, data_dict: dict) -> Optional[str]:
    """user_invite adds the new account to a publisher without checking member_create:
    the first administrator of a publisher that has none, or its admin role."""
    org_id = _org_id(data_dict.get("group_id")) if isinstance(data_dict.get("group_id"), str) \
        else None
    group = model.Group.get(org_id) if org_id else None
    if group is not None and not group.is_organization:
        return None
    if org_id and not authz.get_group_or_org_admin_ids(org_id):
        return None
    return None if _role_allows(context["user"], org_id, "admin") else _data_refusal()


# -- harvest (the actions harvest/auth.py does not guard) ----------------------------------

def _source_package(ref) -> Optional[model.Package]:
    return model.Package.get(ref) if isinstance(ref, str) and ref else None


def _job_source(ref) -> Optional[model.Package]:
    if not isinstance(ref, str) or not ref:
        return None
    from ckanext.harvest.model import HarvestJob
    job = HarvestJob.get(ref)
    return _source_package(job.source_id) if job is not None else None


def _objects_import(context: dict, data_dict: dict) -> Optional[str]:
    if data_dict.get("source_id"):
        return _on_packages(lambda d: [_source_package(d.get("source_id"))], "admin")(
            context, data_dict)
    return _site_wide_refusal()


RULES: dict[str, Rule] = {
    # publisher writes
    "package_relationship_create": _on_packages(
        lambda d: [_package({"id": d.get("subject")}), _package({"id": d.get("object")})]),
    "package_relationship_update": _on_packages(
        lambda d: [_package({"id": d.get("subject")}), _package({"id": d.get("object")})]),
    "package_relationship_delete": _on_packages(
        lambda d: [_package({"id": d.get("subject")}), _package({"id": d.get("object")})]),
    "package_resource_reorder": _on_packages(lambda d: [_package({"id": d.get("id")})]),
    "package_create_default_resource_views": _on_packages(
        lambda d: [_package({"id": _dict_field(d, "package").get("id")})]),
    "resource_create_default_resource_views": _on_packages(
        lambda d: [_package_of_resource(_dict_field(d, "resource").get("id"))
                   or _package({"id": _dict_field(d, "resource").get("package_id")})]),
    "resource_view_create": _on_packages(lambda d: [_package_of_resource(d.get("resource_id"))]),
    "resource_view_update": _on_packages(lambda d: [_package_of_view(d.get("id"))]),
    "resource_view_delete": _on_packages(lambda d: [_package_of_view(d.get("id"))]),
    "resource_view_reorder": _on_packages(lambda d: [_package_of_resource(d.get("id"))]),
    "resource_view_clear": _refused(_site_wide_refusal),
    "task_status_update": _on_packages(lambda d: [_package_of_entity(d.get("entity_id"))]),
    "task_status_delete": _on_packages(lambda d: [_package_of_task(d.get("id"))]),
    "package_collaborator_create": _on_packages(lambda d: [_package({"id": d.get("id")})],
                                                "admin"),
    "package_collaborator_delete": _on_packages(lambda d: [_package({"id": d.get("id")})],
                                                "admin"),
    "group_update": _on_group(_admin_of_org),
    "group_patch": _on_group(_admin_of_org),
    "group_delete": _on_group(_admin_of_org),
    "organization_create": _organization_create,
    "file_delete": _on_file,
    "file_rename": _on_file,
    "file_pin": _on_file,
    "file_unpin": _on_file,
    "file_ownership_transfer": _file_transfer,
    # a publisher's activity stream is its record: nobody bound forges or erases it
    "user_invite": _invite,
    "activity_create": _refused(_site_wide_refusal),
    "activity_delete": _refused(_site_wide_refusal),
    "activity_delete_all": _refused(_site_wide_refusal),
    # SQL run as the DataStore's write role, which owns every publisher's tables
    "datastore_function_create": _refused(_datastore_sql_refusal),
    "datastore_function_delete": _refused(_datastore_sql_refusal),
    "datastore_run_triggers": _refused(_datastore_sql_refusal),
    # tags carried by datasets
    "tag_delete": _tag_delete,
    "vocabulary_delete": _vocabulary_delete,
    "vocabulary_update": _vocabulary_update,
    # users and tokens
    "api_token_create": _own_account("user"),
    "user_update": _own_account("id"),
    "user_patch": _own_account("id"),
    "user_delete": _user_delete,
    "get_site_user": _refused(_site_user_refusal),
    "user_create": _user_create,
    "api_token_list": _token_list,
    "api_token_revoke": _token_revoke,
    # harvest, beyond harvest/auth.py
    "harvest_job_create_all": _refused(_site_wide_refusal),
    "harvest_sources_job_history_clear": _refused(_site_wide_refusal),
    "harvest_source_job_history_clear": _on_packages(
        lambda d: [_source_package(d.get("id"))], "admin"),
    "harvest_objects_import": _objects_import,
    "harvest_object_create": _on_packages(lambda d: [_job_source(d.get("job_id"))], "admin"),
    "harvest_source_index_clear": _on_packages(lambda d: [_source_package(d.get("id"))],
                                               "admin"),
}


def _bound(rule: Rule, others: Optional[Callable] = None):
    """``rule`` for bound sysadmins; other sysadmins pass; everyone else meets ``others``
    (CKAN's own rule when not given)."""
    @tk.chained_auth_function
    @tk.auth_sysadmins_check
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        if _bound_sysadmin(context):
            refusal = rule(context, data_dict)
            if refusal:
                return {"success": False, "msg": refusal}
            return {"success": True}
        if _user(context) is not None and _user(context).sysadmin:
            return {"success": True}  # the override, or the site user
        return (others or next_auth)(context, data_dict)
    return auth


def _platform_administrators_only(context: dict, data_dict: dict) -> dict:
    # Publishers are the territory's bodies, onboarded by the platform's administrators.
    # CKAN leaves this to ckan.auth.user_create_organizations; an installation that keeps
    # CKAN's default (true) would let any account found a "publisher" of its own.
    return {"success": False,
            "msg": tk._("Only the platform's administrators add publishers.")}


# Rules for accounts that are not sysadmins, whatever CKAN's configuration says.
OTHERS = {"organization_create": _platform_administrators_only}


# CKAN lets anonymous visitors reach these rules (registration): the chained rule keeps that
ANONYMOUS_ALLOWED = frozenset({"user_create"})


def get_auth_functions() -> dict:
    functions = {name: _bound(rule, OTHERS.get(name)) for name, rule in RULES.items()}
    for name in ANONYMOUS_ALLOWED:
        functions[name] = tk.auth_allow_anonymous_access(functions[name])
    return functions


# -- the creator of an organisation ---------------------------------------------------------

@tk.chained_action
def organization_create(original_action, context: dict, data_dict: dict):
    """CKAN makes the creator of an organisation its admin: a bound sysadmin creating one (an
    affiliated body, a syndicate) does not keep that membership; it names the first
    administrator, who is someone else (``auth._members``), as onboarding does."""
    bound = _bound_sysadmin(context)
    creator = _user(context)
    org = original_action(context, data_dict)
    if bound and creator is not None:
        tk.get_action("member_delete")(
            {"user": creator.name, "ignore_auth": True},
            {"id": org["id"], "object": creator.id, "object_type": "user"})
        org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org["id"]})
    return org


@tk.chained_action
def member_create(original_action, context: dict, data_dict: dict):
    """A sysadmin naming a member of a publisher (the first administrator, at onboarding)
    leaves a trace in the publisher's activity stream: CKAN records no activity for
    memberships."""
    result = original_action(context, data_dict)
    caller = _user(context)
    group = model.Group.get(result.get("group_id") or data_dict.get("id") or "")
    member = model.User.get(data_dict.get("object") or "")
    if (caller is not None and caller.sysadmin and group is not None and group.is_organization
            and data_dict.get("object_type") == "user" and member is not None):
        tk.get_action("activity_create")({"ignore_auth": True}, {
            "user_id": caller.id, "object_id": group.id,
            "activity_type": "changed organization",
            "data": {"group": {"id": group.id, "name": group.name, "title": group.title,
                               "type": group.type, "is_organization": True},
                     "member_appointed": {"user_id": member.id, "user_name": member.name,
                                          "capacity": result.get("capacity")}}})
    return result


def get_actions() -> dict:
    return {"organization_create": organization_create, "member_create": member_create}


# -- the site user's work shows ------------------------------------------------------------

# CKAN hides the site user's activities from every stream when ``ckan.hide_activity_from_users``
# is unset; the site user harvests, onboards and runs the command line on the publishers'
# behalf, so its work must show. This value names no account (user names are lower case,
# ids are UUIDs), so nobody's activity is hidden; a value set in the ini file wins.
HIDE_NOBODY = "NO-ACCOUNT-IS-HIDDEN"


def show_site_user_activity(config) -> None:
    if not config.get("ckan.hide_activity_from_users"):
        config["ckan.hide_activity_from_users"] = [HIDE_NOBODY]


__all__ = ["RULES", "HIDE_NOBODY", "get_auth_functions", "get_actions",
           "show_site_user_activity"]
