"""A dataset whose structure is not the schema's (a text where a list of rows is expected:
``temporal_coverage``, ``resources``...) makes CKAN's validation raise ``DataError`` before
any validator runs. The API answers it with a 400, but the web forms let it through as a
server error (a client can post ``temporal_coverage=...`` to the dataset form). Here it
becomes a validation error naming the field, in French, which the forms show like any other.

``guard`` wraps the portal's chained ``package_create`` and ``package_update`` (the resource
actions go through ``package_update``).
"""
from __future__ import annotations

import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import DataError
from ..translation import N_
from ..logic import chaining

__all__ = ["guard"]

GUARDED = ("package_create", "package_update")


ERROR_KEY = N_("Structure of the data")
_SUBSCHEMA = re.compile(r"subschema \('([^']+)'")


def _refusal(error: DataError, data_dict: dict) -> tk.ValidationError:
    found = _SUBSCHEMA.search(str(error))
    field = found.group(1) if found else "__structure"
    rows = data_dict.get(field)
    if not (isinstance(rows, list) and all(isinstance(row, dict) for row in rows)):
        # the form shown again renders the posted dict: its rows must be rows
        data_dict[field] = []
    # Not under the field's own key: scheming's forms expect a repeating field's errors per
    # row; under this key (translated when shown), the form lists the message at the top.
    return tk.ValidationError({ERROR_KEY: [tk._(
        '"{field}": a list of entries is expected, each with its own fields.').format(
            field=field)]})


def _guarded(inner: Callable | None) -> Callable:
    def step(call_next, context: dict, data_dict: dict) -> Any:
        try:
            return call_next(context, data_dict)
        except DataError as error:
            raise _refusal(error, data_dict)
    return chaining.around(inner, step)


def guard(actions: dict[str, Callable]) -> dict[str, Callable]:
    """The plugin's actions, with ``package_create`` and ``package_update`` (chained already
    or not) refusing a badly structured dataset as a validation error."""
    return {**actions, **{name: _guarded(actions.get(name)) for name in GUARDED}}
