"""Saving a dataset while Solr is unreachable.

CKAN 2.12 indexes a dataset *before* committing it (``package_create``, ``package_update``,
``package_delete``), so a failed indexing leaves the transaction uncommitted. These chained
actions make that explicit and user-facing: the session is rolled back (nothing the action
wrote can be committed later in the same request or process) and the failure becomes a
validation error carrying a French message, which the web forms show above the form with
the publisher's input kept, and the API returns as 503 (see ``views.search_unavailable``).
``package_patch``, ``package_revise`` and the resource actions go through ``package_update``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search import SearchIndexError, SolrConnectionError
from ..translation import N_
from ..operations.search_outage import SearchEngineUnavailable

__all__ = ["get_actions", "ERROR_KEY", "SearchUnavailable"]


# The key of the error in the validation error's dict: the API's field name; the dataset
# forms (ckanext-scheming) show a key that is no field under its translation.
ERROR_KEY = N_("search_index")


def unavailable_message() -> str:
    return tk._("The search engine is temporarily unavailable, so this change was not saved "
                "(nothing was modified). Please try again in a few minutes.")


class SearchUnavailable(tk.ValidationError):
    """A dataset change refused because Solr could not index it; nothing was saved."""

    def __init__(self) -> None:
        message = unavailable_message()
        # The forms list the summary above the fields, under this label.
        super().__init__({ERROR_KEY: [message]},
                         error_summary={tk._("Search engine"): message})


def _guarded(original_action, context: dict, data_dict: dict) -> Any:
    try:
        return original_action(context, data_dict)
    # indexing, or a search while validating (search_outage turns a failed one into its own)
    except (SearchIndexError, SolrConnectionError, SearchEngineUnavailable):
        model.Session.rollback()
        _flag_request()
        raise SearchUnavailable()


def _flag_request() -> None:
    """Lets the API answer 503 rather than 409 (``views.search_unavailable``)."""
    from flask import g, has_request_context

    if has_request_context():
        g.hautegaronne_search_unavailable = True


@tk.chained_action
def package_create(original_action, context: dict, data_dict: dict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
def package_update(original_action, context: dict, data_dict: dict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
def package_delete(original_action, context: dict, data_dict: dict) -> Any:
    return _guarded(original_action, context, data_dict)


def get_actions() -> dict:
    return {"package_create": package_create, "package_update": package_update,
            "package_delete": package_delete}
