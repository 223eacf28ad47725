"""The one organisation schema of the publishers: the publisher type is a field, and the other
fields' rules depend on it (declared in schemas/organization/organization.yaml).

Every publisher is a CKAN ``organization``, as CKAN clients expect; the kind of publisher
(département, établissement, EPCI, commune, syndicat) is its field ``publisher_type``, like
opendata.swiss's political level or the Spanish profile's ADMS type.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import convert
from ckanext.scheming.validation import scheming_validator, validators_from_string

from .. import validation
from . import types

__all__ = ["publisher_type_in_form", "get_validators"]

_ = tk._


def _stored_publisher_type(context: dict) -> Optional[str]:
    group = context.get("group")
    if group is None:
        return None
    return types.publisher_type_of(group.type, group.extras)


def publisher_type_in_form(data: dict, key: tuple, context: dict) -> Optional[str]:
    """The publisher type the organisation being validated will have: the one sent, else
    (an update that does not send it) the stored one, else the schema's default; None when
    what was sent is no publisher type."""
    chosen = data.get(key[:-1] + ("publisher_type",))
    if validation.is_empty(chosen):
        return _stored_publisher_type(context) or types.DEFAULT_PUBLISHER_TYPE
    return chosen if chosen in types.PUBLISHER_TYPES else None


def hautegaronne_publisher_type(key, data, errors, context) -> None:
    """The publisher type: one of the portal's; kept when an update does not send it."""
    value = data.get(key)
    if validation.is_empty(value):
        data[key] = _stored_publisher_type(context) or types.DEFAULT_PUBLISHER_TYPE
        return
    if value not in types.PUBLISHER_TYPES:
        errors[key].append(_("Unknown publisher type: choose département, affiliated body, "
                             "EPCI, commune or syndicat."))
        raise tk.StopOnError


@scheming_validator
def hautegaronne_publisher_field(field: dict, schema: dict):
    """Runs the validators the field declares for the organisation's publisher type
    (``validators_by_type``); for another type the field does not apply and whatever was
    sent is dropped, as the field of a type-specific form would have been."""
    chains = {publisher_type: validators_from_string(spec, field, schema)
              for publisher_type, spec in field["validators_by_type"].items()}

    def validator(key, data, errors, context):
        chain = chains.get(publisher_type_in_form(data, key, context))
        if chain is None:
            data.pop(key, None)
            raise tk.StopOnError
        for step in chain:
            try:
                convert(step, key, data, errors, context)
            except tk.StopOnError:
                raise
            if errors.get(key):
                raise tk.StopOnError
            if key not in data:  # a derived field with nothing to derive
                raise tk.StopOnError

    return validator


def get_validators() -> dict:
    return {
        "hautegaronne_publisher_type": hautegaronne_publisher_type,
        "hautegaronne_publisher_field": hautegaronne_publisher_field,
    }
