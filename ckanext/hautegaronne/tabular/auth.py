"""Who writes to the DataStore: the publisher's editors and admins, as for its resources.

CKAN's DataStore, xloader and resource view actions defer to ``resource_update`` (or
``resource_create``) for ordinary users, so the ownership rules already apply to them; but
their own auth functions are not ``auth_sysadmins_check``, so CKAN lets any sysadmin through
before asking. These chained functions hold bound sysadmins to the publisher's membership
(publishers.auth). Reading (``datastore_search``, ``datastore_search_sql``) stays CKAN's
rule: ``resource_show``, so a private dataset's tables are readable by its members only.
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..publishers import auth as publisher_auth
from . import task_status

_ = tk._


def _owner_of_resource(resource_id: Optional[str]) -> Optional[str]:
    resource = model.Resource.get(resource_id or "")
    package = model.Package.get(resource.package_id) if resource is not None else None
    return package.owner_org if package is not None else None


def _datastore_write(context, data_dict):
    if data_dict.get("triggers"):
        # a trigger runs a DataStore function, SQL over every publisher's tables
        raise publisher_auth.Refusal(_(
            "DataStore functions and triggers run over every publisher's tables: they are "
            "reserved to the platform's operators (sysadmin override)."))
    resource = data_dict.get("resource")
    if isinstance(resource, dict) and resource.get("package_id") and not data_dict.get("resource_id"):
        # datastore_create with a new resource: adding a resource to the dataset
        package = model.Package.get(resource["package_id"])
        return [(package.owner_org if package is not None else None, "update_dataset")]
    return [(_owner_of_resource(data_dict.get("resource_id") or data_dict.get("id")),
             "update_dataset")]


def get_auth_functions() -> dict:
    guard = publisher_auth.sysadmin_guard
    return {
        "datastore_create": guard(_datastore_write),
        "datastore_upsert": guard(_datastore_write),
        "datastore_delete": guard(_datastore_write),
        "datastore_records_delete": guard(_datastore_write),
        "xloader_submit": guard(_datastore_write),
        # resource views: publishers.bound's rules (one rule per name, see registration)
        **task_status.get_auth_functions(),
    }
