"""DataStore actions as the portal needs them.

``datastore_create`` accepts ``aliases``, other names of the table, and CKAN checks only
that no table has that name yet: an alias equal to another publisher's resource id (a
resource that has no table yet) made that resource answer the alias's data, and locked
its publisher out of it. An alias is never a resource id, nor shaped like one (resources
created later get such ids).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from .exports import FORMULA_START

_ = tk._

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _aliases(data_dict: dict) -> list[str]:
    aliases = data_dict.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.split(",")]
    return [a for a in aliases if isinstance(a, str)]


@tk.chained_action
def datastore_create(original_action, context: dict, data_dict: dict) -> Any:
    taken = [alias for alias in _aliases(data_dict)
             if _UUID.match(alias.strip()) or model.Resource.get(alias.strip()) is not None]
    if taken:
        raise tk.ValidationError({"aliases": [_(
            "An alias cannot be a resource identifier (nor look like one): {aliases}."
        ).format(aliases=", ".join(taken))]})
    formulas = [field.get("id") for field in data_dict.get("fields") or []
                if isinstance(field, dict) and isinstance(field.get("id"), str)
                and re.match(FORMULA_START, field["id"])]
    if formulas:
        # the column names are the first line of the CSV and TSV exports
        raise tk.ValidationError({"fields": [_(
            "A column name cannot start with =, +, -, @ or a tab: a spreadsheet opening the "
            "export would run it as a formula ({names})."
        ).format(names=", ".join(formulas))]})
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free  # as CKAN's own (a GET action)
def datastore_search_sql(original_action, context: dict, data_dict: dict) -> Any:
    # CKAN allows a query 60 s of the read-only role; a few costly ones at once held every
    # web worker (an outside attack slowed the portal to 55 s a page with six).
    if not context.get("query_timeout"):
        context["query_timeout"] = tk.config.get("ckanext.hautegaronne.datastore.sql_timeout_ms")
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free  # as CKAN's own (a GET action)
def datastore_search(original_action, context: dict, data_dict: dict) -> Any:
    # a table whose full text is still being filled (or failed) would silently miss rows
    from . import full_text

    full_text.check_search(data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def resource_view_update(original_action, context: dict, data_dict: dict) -> Any:
    # CKAN asks for the right to update the resource named in the call, not the one the
    # view is on: an outside attack moved another publisher's view onto its own resource,
    # then deleted it. A view stays on its resource (whose rights then apply).
    view_id = data_dict.get("id")
    view = model.ResourceView.get(view_id) if isinstance(view_id, str) and view_id else None
    if view is not None and data_dict.get("resource_id") not in (None, view.resource_id):
        raise tk.ValidationError({"resource_id": [_(
            "A view stays on its resource: create a view on the other resource instead.")]})
    return original_action(context, data_dict)


def get_actions() -> dict:
    from . import load_job

    from . import task_status

    actions = {"datastore_create": datastore_create, "datastore_search": datastore_search,
               "xloader_submit": load_job.xloader_submit,
               "resource_view_update": resource_view_update,
               **task_status.get_actions()}
    # CKAN registers datastore_search_sql only where SQL search is enabled: nothing to chain
    # otherwise (an installation may keep it off)
    if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        actions["datastore_search_sql"] = datastore_search_sql
    return actions
