"""A private dataset is not revealed to those who may not read it.

CKAN's dataset page already answers 404 "Dataset not found" to them (unless
``ckan.auth.reveal_private_datasets`` is set), but the API's ``package_show`` answers 403,
which tells anyone that a dataset of that name exists (and is private). The portal's
``package_show`` answers 404 "Jeu de données introuvable" to both, the same body for an
unknown name and a dataset the caller may not read. It follows the same core option: with
``ckan.auth.reveal_private_datasets = true`` the 403 stays. The auth function
(``check_access("package_show")``) is untouched: CKAN's contract for permission checks
holds, only the action's answer changes.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["package_show", "get_actions"]


@tk.chained_action
@tk.side_effect_free
def package_show(original_action, context: dict, data_dict: dict) -> Any:
    try:
        return original_action(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    except tk.NotAuthorized:
        if tk.asbool(tk.config.get("ckan.auth.reveal_private_datasets")):
            raise
        raise tk.ObjectNotFound(tk._("Dataset not found"))


def get_actions() -> dict[str, Any]:
    return {"package_show": package_show}
