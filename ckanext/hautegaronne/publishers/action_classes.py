"""Every action CKAN 2.12 and the installed extensions register, classified for the
ownership rules (a test fails for an action that is missing here, so a new action is
classified before it ships).

* ``reads``: nothing written; CKAN's (or the extension's) read rules apply.
* ``publisher_writes``: write a publisher's datasets, resources, views, relationships,
  files, organisation or activity stream. A bound sysadmin needs the matching role in the publisher
  (``auth.py``, ``bound.RULES``); site-wide writes over every publisher are refused to it.
* ``membership``: who belongs to a publisher. A bound sysadmin never appoints itself, names
  only the first administrator of a publisher that has none (someone else), and otherwise
  needs the publisher's admin role (``auth._members``).
* ``users_and_tokens``: accounts and API tokens. A bound sysadmin acts on its own account
  only (tokens, password, e-mail, name), creates accounts without choosing their password
  (``user_invite``), never lists nor revokes the site user's tokens, deletes an account only when it
  belongs to no publisher's team, and never obtains the site user (``bound.RULES``).
  Following and the dashboard act on the caller's own account.
* ``harvest``: harvest sources, jobs and objects belong to the source's publisher
  (``harvest/auth.py``, ``bound.RULES``); the reads keep ckanext-harvest's rules.
* ``system``: the platform's own business, no publisher's data: themes (groups that are not
  organisations: ``bound`` applies the organisation's rule when a group action names an
  organisation), creating vocabularies and tags, term translations, runtime configuration,
  background jobs, notification e-mails, search index upkeep. CKAN's sysadmin rule applies.
"""
from __future__ import annotations

from typing import Optional

__all__ = ["ACTION_CLASSES", "WRITE_CLASSES", "classify"]

READS = frozenset({
    # CKAN core
    "am_following_dataset", "am_following_group", "am_following_user", "api_token_list",
    "config_option_list", "config_option_show", "current_package_list_with_resources",
    "dataset_followee_count", "dataset_followee_list", "dataset_follower_count",
    "dataset_follower_list", "followee_count", "followee_list", "format_autocomplete",
    "group_autocomplete", "group_followee_count", "group_followee_list",
    "group_follower_count", "group_follower_list", "group_list", "group_list_authz",
    "group_package_show", "group_show", "help_show", "job_list", "job_show", "license_list",
    "member_list", "member_roles_list", "organization_autocomplete",
    "organization_followee_count", "organization_followee_list",
    "organization_follower_count", "organization_follower_list", "organization_list",
    "organization_list_for_user", "organization_show", "package_autocomplete",
    "package_collaborator_list", "package_collaborator_list_for_user", "package_list",
    "package_relationships_list", "package_search", "package_show", "resource_search",
    "resource_show", "resource_view_list", "resource_view_show", "status_show",
    "tag_autocomplete", "tag_list", "tag_search", "tag_show", "task_status_show",
    "term_translation_show", "user_autocomplete", "user_followee_count",
    "user_followee_list", "user_follower_count", "user_follower_list", "user_list",
    "user_show", "vocabulary_list", "vocabulary_show",
    # activity
    "activity_data_show", "activity_delete_counts", "activity_diff", "activity_show",
    "dashboard_activity_list", "dashboard_new_activities_count", "group_activity_list",
    "organization_activity_list", "package_activity_list",
    "recently_changed_packages_activity_list", "user_activity_list",
    # scheming
    "scheming_dataset_schema_list", "scheming_dataset_schema_show",
    "scheming_organization_schema_list", "scheming_organization_schema_show",
    "scheming_group_schema_list", "scheming_group_schema_show",
    # dcat and the portal's catalogues
    "dcat_catalog_search", "dcat_catalog_show", "dcat_dataset_show",
    "hautegaronne_publisher_catalog_show",
    # harvest (ckanext-harvest's read rules)
    "harvest_source_show", "harvest_source_show_status", "harvest_source_list",
    "harvest_job_show", "harvest_job_report", "harvest_job_list", "harvest_object_show",
    "harvest_object_list", "harvest_log_list", "harvesters_info_show",
    # CKAN 2.12's file API: one file, the files of an owner
    "file_show", "file_owner_scan",
    # reuses: the proposals waiting for moderation (moderators only: they hold e-mails)
    "hautegaronne_reuse_proposal_list",
    # the DataStore and its loader (a private dataset's tables: resource_show's rule)
    "datastore_info", "datastore_search", "datastore_search_sql", "xloader_status",
    # a resource's conformity report (resource_show's rule: private datasets' stay private)
    "hautegaronne_conformity_show",
})

PUBLISHER_WRITES = frozenset({
    "package_create", "package_update", "package_patch", "package_revise", "package_delete",
    "dataset_purge", "package_owner_org_update", "package_resource_reorder",
    "package_relationship_create", "package_relationship_update",
    "package_relationship_delete", "package_create_default_resource_views",
    "resource_create", "resource_update", "resource_patch", "resource_delete",
    "resource_create_default_resource_views", "resource_view_create", "resource_view_update",
    "resource_view_delete", "resource_view_reorder", "resource_view_clear",
    "task_status_update", "task_status_update_many", "task_status_delete",
    "organization_create", "organization_update", "organization_patch",
    "organization_delete", "organization_purge",
    "bulk_update_private", "bulk_update_public", "bulk_update_delete",
    "activity_create", "activity_delete", "activity_delete_all",
    # CKAN 2.12's file API: files owned by a dataset, a resource or an organisation
    "file_create", "file_register", "file_delete", "file_rename", "file_pin", "file_unpin",
    "file_ownership_transfer",
    # the DataStore tables of a publisher's resources (tabular/auth.py)
    "datastore_create", "datastore_upsert", "datastore_delete", "datastore_records_delete",
    "xloader_submit",
    # asking for a conformity check of a resource (conformity/logic.py: resource_update's rule)
    "hautegaronne_conformity_check",
    # SQL functions and triggers run as the DataStore's write role, which owns every
    # publisher's tables: writes over every publisher at once (bound.RULES refuses them)
    "datastore_function_create", "datastore_function_delete", "datastore_run_triggers",
    # deleting a tag (or the vocabulary's tags) removes it from every dataset carrying it
    "tag_delete", "vocabulary_update", "vocabulary_delete",
})

MEMBERSHIP = frozenset({
    "member_create", "member_delete", "organization_member_create",
    "organization_member_delete", "group_member_create", "group_member_delete",
    "package_collaborator_create", "package_collaborator_delete", "user_invite",
})

USERS_AND_TOKENS = frozenset({
    "api_token_create", "api_token_revoke", "user_create", "user_update", "user_patch",
    "user_delete", "get_site_user", "follow_dataset", "follow_group", "follow_user",
    "unfollow_dataset", "unfollow_group", "unfollow_user", "dashboard_mark_activities_old",
})

HARVEST = frozenset({
    "harvest_source_create", "harvest_source_update", "harvest_source_patch",
    "harvest_source_delete", "harvest_source_clear", "harvest_source_index_clear",
    "harvest_source_job_history_clear", "harvest_sources_job_history_clear",
    "harvest_source_reindex", "harvest_sources_reindex", "harvest_job_create",
    "harvest_job_create_all", "harvest_job_abort", "harvest_abort_failed_jobs",
    "harvest_jobs_run", "harvest_send_job_to_gather_queue", "harvest_object_create",
    "harvest_objects_import", "harvest_get_notifications_recipients",
})

SYSTEM = frozenset({
    "group_create", "group_update", "group_patch", "group_delete", "group_purge",
    "vocabulary_create", "tag_create", "term_translation_update", "term_translation_update_many",
    "config_option_update", "job_clear", "job_cancel", "send_email_notifications",
    # ckanext-harvest's module helpers land in the registry too; they take other arguments
    # than (context, data_dict) and cannot run as actions
    "InactiveSource", "get_mail_extra_vars", "prepare_error_mail", "prepare_summary_mail",
    "send_error_email", "send_mail", "send_summary_email",
    # reuses (groups of type reutilisation): the département's editors moderate proposals
    # (``reuses.logic``: ``hautegaronne_reuse_moderate``, bound sysadmins included)
    "hautegaronne_reuse_proposal_publish", "hautegaronne_reuse_proposal_decline",
    # xloader's job callback (the worker's, which checks xloader_submit's rule itself)
    "xloader_hook",
})

ACTION_CLASSES: dict[str, frozenset] = {
    "reads": READS,
    "publisher_writes": PUBLISHER_WRITES,
    "membership": MEMBERSHIP,
    "users_and_tokens": USERS_AND_TOKENS,
    "harvest": HARVEST,
    "system": SYSTEM,
}

WRITE_CLASSES = ("publisher_writes", "membership", "users_and_tokens", "harvest")


def harvest_auth_leaks() -> frozenset:
    """Names that are not actions but may sit in CKAN's action registry: ckanext-harvest
    gathers its actions and its auth functions into one shared dict (a mutable default
    argument), so the auth functions whose names no action has (``harvest_sources_clear``,
    the ``auth_allow_anonymous_access`` decorator...) land among the actions or not,
    depending on which of its plugin methods CKAN called first."""
    import importlib

    def names(root: str) -> set:
        found = set()
        for part in ("get", "create", "update", "patch", "delete"):
            module = importlib.import_module(f"{root}.{part}")
            found.update(key for key, value in vars(module).items()
                         if not key.startswith("_") and callable(value))
        return found
    return frozenset(names("ckanext.harvest.logic.auth") - names("ckanext.harvest.logic.action"))


def classify(action_name: str) -> Optional[str]:
    """The class of an action, or None when it is not classified."""
    return next((name for name, actions in ACTION_CLASSES.items() if action_name in actions),
                None)
