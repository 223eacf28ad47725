"""Naming a publisher's member from its members' form says what was done (CKAN redirects
to the list without a word)."""
from __future__ import annotations

from flask import has_request_context

import ckan.plugins.toolkit as tk

from ..translation import N_

_ROLES = {"admin": N_("administrator"), "editor": N_("editor"), "member": N_("member")}


def _from_member_form() -> bool:
    return (has_request_context() and tk.request.method == "POST"
            and (tk.request.endpoint or "").endswith(".member_new"))


@tk.chained_action
def organization_member_create(original_action, context: dict, data_dict: dict):
    result = original_action(context, data_dict)
    if _from_member_form():
        org = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": data_dict.get("id"), "include_datasets": False,
                                    "include_users": False})
        role = data_dict.get("role", "")
        tk.h.flash_success(tk._("{user} is now {role} of {publisher}.").format(
            user=data_dict.get("username", ""), role=tk._(_ROLES.get(role, role)),
            publisher=org.get("title") or org.get("name")))
    return result


def get_actions() -> dict:
    return {"organization_member_create": organization_member_create}
