"""Background-task records (DataStore loads, conformity checks) belong to their dataset.

CKAN lets anyone read any task status (``task_status_show``), and ckanext-xloader keeps the
site user's API token in its task and job records, which ``xloader_status`` returns: an
outside attack read that token as a plain editor, then acted as the site user over every
publisher. Here a task is read only by who may edit its dataset (the platform's operators
aside), and no token ever leaves the two actions."""
from __future__ import annotations

import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..publishers.bound import _package_of_entity, _package_of_task

_ = tk._

# What xloader and its jobs call the token they act with.
SECRET_KEYS = frozenset({"api_key", "apikey", "api_token"})


def without_secrets(value: Any) -> Any:
    """``value`` with every secret key removed, in nested dicts and lists and in JSON text
    (a task's ``value`` and ``error`` are JSON strings)."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list):
        return [without_secrets(item) for item in value]
    if isinstance(value, str) and value.startswith("{") and any(k in value for k in SECRET_KEYS):
        try:
            return json.dumps(without_secrets(json.loads(value)))
        except ValueError:
            return value
    return value


def _package(data_dict: dict) -> Optional[model.Package]:
    if data_dict.get("entity_id"):
        return _package_of_entity(data_dict["entity_id"])
    return _package_of_task(data_dict.get("id"))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def task_status_show_auth(next_auth, context: dict, data_dict: dict) -> dict:
    # CKAN's own rule lets everyone in; sysadmins never reach this (check_access).
    package = _package(data_dict or {})
    if package is not None:
        try:
            tk.check_access("package_update", dict(context), {"id": package.id})
            return {"success": True}
        except tk.NotAuthorized:
            pass
    return {"success": False,
            "msg": _("Only the publisher's editors see the background tasks of its datasets.")}


@tk.chained_action
@tk.side_effect_free  # as CKAN's own (a GET action): the chained one's attributes count
def task_status_show(original_action, context: dict, data_dict: dict) -> dict:
    return without_secrets(original_action(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def xloader_status(original_action, context: dict, data_dict: dict) -> dict:
    status = without_secrets(original_action(context, data_dict))
    # the full-text stage that follows the portal's load (full_text), in French
    from . import full_text

    resource_id = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id")
    stage = full_text.state(resource_id) if isinstance(resource_id, str) else None
    if stage and isinstance(status, dict):
        status["full_text"] = {"state": stage["state"], "done": stage.get("done"),
                               "total": stage.get("total"),
                               "message": full_text.stage_message(stage)}
    return status


def get_actions() -> dict:
    return {"task_status_show": task_status_show, "xloader_status": xloader_status}


def get_auth_functions() -> dict:
    return {"task_status_show": task_status_show_auth}
