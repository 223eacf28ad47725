"""Validators of the organisation schemas, registered through IValidators in plugin.py.

Messages are English source strings translated in the extension's French catalogue:
the agent filling in a commune's form reads one clear French sentence per field.
"""
from __future__ import annotations

import html
import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.scheming.validation import scheming_validator

from .. import territory as ref
from .. import validation
from ..territory import identifiers
from . import schema as publisher_schema
from . import types

_ = tk._
Invalid = tk.Invalid

_SPACES = re.compile(r"[\s.\u00a0\u202f-]")
# Markup and script vectors refused in free text (Markdown itself is fine). Ordinary French
# stays accepted: a space before a colon ("open data : les données") makes no URL scheme,
# "<" followed by a space or a digit ("< 3 500 habitants") is no tag, « », ’ are text.
# What an HTML parser reads as markup: "<" right before a letter, "/", "!" or "?".
_MARKUP = re.compile(r"<(?:[a-z]|/[a-z]|!|\?)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Script URLs as browsers read them (after entities are decoded and tabs and newlines removed,
# as the URL parser does): a scheme is a word glued to its colon.
_SCRIPT_URL = re.compile(
    r"(?<![a-z0-9+.\-])(?:javascript|vbscript|livescript):"
    r"|(?<![a-z0-9+.\-])data:(?:[a-z]+/[\w.+-]+)?[;,]",  # data:text/html,... data:;base64,...
    re.IGNORECASE)
# Markdown link and image destinations, inline or in reference definitions: http(s), mailto,
# tel or relative links only.
_LINK_TARGET = re.compile(r"\]\(\s*<?([^\s)>]*)|^[ ]{0,3}\[[^\]]+\]:[ ]*<?(\S*)", re.MULTILINE)
_SCHEME = re.compile(r"\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Inline event handlers (attribute context): on...= followed by a quoted value or a call.
_EVENT = re.compile(r"(?<![\w-])on[a-z]+\s*=\s*(?:[\"'`]|[a-z_$][\w$.]*\s*[(`=])",
                    re.IGNORECASE)


def _as_browser_reads(text: str) -> str:
    return re.sub(r"[\t\n\r]", "", html.unescape(text))


def is_hostile(text: str) -> bool:
    """Whether free text carries markup, a script URL, an event handler or control
    characters."""
    if _MARKUP.search(text) or _CONTROL.search(text) or _EVENT.search(text):
        return True
    read = _as_browser_reads(text)
    if _SCRIPT_URL.search(read) or _EVENT.search(read):
        return True
    for match in _LINK_TARGET.finditer(text):
        target = _as_browser_reads(match.group(1) if match.group(1) is not None
                                   else match.group(2))
        scheme = _SCHEME.match(target)
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            return True
    return False


def _compact(value: Any) -> str:
    return _SPACES.sub("", str(value))


def hautegaronne_siren(value: Any) -> Any:
    """9 digits, Luhn-checked; spaces and dots are removed ("213 104 581")."""
    if validation.is_empty(value):
        return value
    siren = _compact(value)
    if not (siren.isascii() and siren.isdigit() and len(siren) == 9):
        raise Invalid(_("A SIREN number has exactly 9 digits, e.g. 213104581."))
    if not identifiers.is_valid_siren(siren):
        raise Invalid(_("This SIREN number is not valid: its check digit is wrong. "
                        "Please copy it again from the INSEE directory."))
    return siren


def hautegaronne_siret(key, data, errors, context) -> None:
    """14 digits, Luhn-checked, starting with the organisation's SIREN when one is given."""
    value = data.get(key)
    if validation.is_empty(value):
        return
    siret = _compact(value)
    if not (siret.isascii() and siret.isdigit() and len(siret) == 14):
        errors[key].append(_("A SIRET number has exactly 14 digits (the SIREN followed by 5 digits)."))
        return
    if not identifiers.is_valid_siret(siret):
        errors[key].append(_("This SIRET number is not valid: its check digit is wrong. "
                             "Please copy it again from the INSEE directory."))
        return
    siren = data.get(key[:-1] + ("siren",))
    if not validation.is_empty(siren) and _compact(siren) != siret[:9]:
        errors[key].append(_("The SIRET number must start with the SIREN of the organisation."))
        return
    data[key] = siret


def _stored_extra(context: dict, name: str) -> Any:
    """Value of an extra of the organisation being updated (None on creation)."""
    group = context.get("group")
    if group is None:
        return None
    return group.extras.get(name)


def hautegaronne_insee_commune(value: Any, context: dict) -> Any:
    """INSEE code of a current commune of the Haute-Garonne in the COG of the reference data.

    A commune merged into a commune nouvelle keeps its organisation (and its former code).
    """
    if validation.is_empty(value):
        return value
    code = _compact(value).upper()
    if not identifiers.is_valid_insee_code(code):
        raise Invalid(_("An INSEE code has 5 characters, e.g. 31458 for Roques."))
    data = ref.territory()
    if code in data.former_codes and _stored_extra(context, "insee_code") == code:
        return code
    if code in data.former_codes:
        new_code = data.former_codes[code]
        raise Invalid(_("{code} is a former commune, now part of {name} ({new_code}): "
                        "use the code of the current commune.").format(
            code=code, name=data.communes[new_code]["name"], new_code=new_code))
    if not code.startswith("31"):
        raise Invalid(_("This commune is not in the Haute-Garonne: its INSEE code must start with 31."))
    if code not in data.communes:
        raise Invalid(_("No commune of the Haute-Garonne has this INSEE code in the {vintage}.").format(
            vintage=data.meta.get("vintage", "COG")))
    return code


def hautegaronne_epci_nature(value: Any) -> Any:
    if validation.is_empty(value):
        return value
    nature = str(value).strip().upper()
    if nature not in types.EPCI_NATURES:
        raise Invalid(_("Unknown EPCI nature: choose CC (communauté de communes), CA (communauté "
                        "d'agglomération), CU (communauté urbaine) or METRO (métropole)."))
    return nature


def hautegaronne_publisher_type_choice(value: Any) -> Any:
    if validation.is_empty(value):
        return value
    if value not in types.PUBLISHER_TYPES:
        raise Invalid(_("Unknown publisher type: choose département, affiliated body, EPCI, "
                        "commune or syndicat."))
    return value


def hautegaronne_safe_text(value: Any) -> Any:
    """Refuses HTML, scripts and control characters in free text (Markdown is accepted)."""
    if validation.is_empty(value):
        return value
    if is_hostile(str(value)):
        raise Invalid(_("HTML code, scripts and control characters are not accepted here: "
                        "write plain text (Markdown formatting is allowed)."))
    return value


def _schema_publisher_type(schema: dict, data: dict, key: tuple, context: dict) -> str | None:
    return publisher_schema.publisher_type_in_form(data, key, context)


@scheming_validator
def hautegaronne_derived(field: dict, schema: dict):
    """Fills a field from the reference data (publisher type, ADMS type, population,
    EPCI membership...): whatever was typed is replaced, nothing is typed by hand."""
    field_name = field["field_name"]

    def validator(key, data, errors, context):
        publisher_type = _schema_publisher_type(schema, data, key, context)
        prefix = key[:-1]
        entity = types.reference_entity(publisher_type, data.get(prefix + ("insee_code",)),
                                        data.get(prefix + ("siren",)))
        if field_name == "merged_into":
            value = types.merged_into(data.get(prefix + ("insee_code",)))
        else:
            value = types.derived_value(field_name, publisher_type, entity)
        if value is None:
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = value

    return validator


@scheming_validator
def hautegaronne_reference_siren(field: dict, schema: dict):
    """SIREN of a commune or EPCI: filled from the reference data when left empty,
    and refused when it is not the one the reference data give."""
    def validator(key, data, errors, context):
        publisher_type = _schema_publisher_type(schema, data, key, context)
        prefix = key[:-1]
        insee = data.get(prefix + ("insee_code",))
        entity = None
        if publisher_type == "commune" and not validation.is_empty(insee):
            entity = types.reference_entity("commune", _compact(insee).upper())
        elif publisher_type == "departement":
            entity = types.reference_entity("departement")
        value = data.get(key)
        if validation.is_empty(value):
            if entity is not None:
                data[key] = entity["siren"]
            return
        try:
            siren = hautegaronne_siren(value)
        except Invalid as error:
            errors[key].append(error.error)
            raise tk.StopOnError
        if publisher_type == "epci" and types.reference_entity("epci", siren=siren) is None:
            known = ref.find_by_code(siren)
            if known is not None and known["kind"] != "epci":
                errors[key].append(_("This SIREN is the one of {name}, not of an EPCI.").format(name=known["name"]))
                raise tk.StopOnError
        if entity is not None and siren != entity["siren"] and publisher_type == "commune":
            errors[key].append(_("The SIREN of {name} is {siren} in the reference data.").format(
                name=entity["name"], siren=entity["siren"]))
            raise tk.StopOnError
        data[key] = siren

    return validator


@scheming_validator
def hautegaronne_reference_epci_nature(field: dict, schema: dict):
    """EPCI nature: filled from the reference data when left empty; must match them."""

    def validator(key, data, errors, context):
        value = data.get(key)
        try:
            nature = hautegaronne_epci_nature(value)
        except Invalid as error:
            errors[key].append(error.error)
            raise tk.StopOnError
        siren = data.get(key[:-1] + ("siren",))
        entity = types.reference_entity("epci", siren=_compact(siren)) if not validation.is_empty(siren) else None
        if entity is not None:
            if validation.is_empty(nature):
                nature = entity["nature"]
            elif nature != entity["nature"]:
                errors[key].append(_("The reference data give {nature} for {name}.").format(
                    nature=entity["nature"], name=entity["name"]))
                raise tk.StopOnError
        if validation.is_empty(nature):
            errors[key].append(_("Missing value"))
            raise tk.StopOnError
        data[key] = nature

    return validator


# Organisation types that may share a SIREN among themselves: the Conseil départemental, its
# services published apart and its affiliated bodies without legal personality of their own
# (régies, e.g. the Archives départementales) are all the département's legal entity.
SHARED_SIREN_TYPES = ("departement", "etablissement")


def _publisher_type_of_group(group_type: str, extras: dict) -> str | None:
    return types.publisher_type_of(group_type, extras) or types.DEFAULT_PUBLISHER_TYPE


def _conflicts_with(field_name: str, own_type: str | None, other_type: str | None) -> bool:
    """Whether an organisation of ``own_type`` may not carry the value of ``field_name`` that
    an organisation of ``other_type`` already carries.

    * ``siret``: identifies one establishment: unique among all organisations;
    * ``siren``: one legal entity: unique, except among the département's organisations
      (``SHARED_SIREN_TYPES``), which share the département's SIREN;
    * ``insee_code``: one commune: unique among communes (the département's organisations
      all carry "31").
    """
    if field_name == "siren":
        return not (own_type in SHARED_SIREN_TYPES and other_type in SHARED_SIREN_TYPES)
    if field_name == "insee_code":
        return own_type == "commune" and other_type == "commune"
    return True


@scheming_validator
def hautegaronne_unique_identifier(field: dict, schema: dict):
    """Refuses a SIREN, SIRET or INSEE code already used by another active organisation
    (rules in ``_conflicts_with``); run after the field's format validators."""
    field_name = field["field_name"]

    def validator(key, data, errors, context):
        value = data.get(key)
        if validation.is_empty(value) or errors.get(key):
            return
        own_type = _schema_publisher_type(schema, data, key, context)
        group = context.get("group")
        own_id = group.id if group is not None else data.get(key[:-1] + ("id",))
        query = (model.Session.query(model.Group.id, model.Group.title, model.Group.type,
                                     model.Group.extras)
                 .filter(model.Group.is_organization.is_(True))
                 .filter(model.Group.state == "active")
                 .filter(model.Group.extras[field_name].astext == str(value)))
        if not validation.is_empty(own_id):
            query = query.filter(model.Group.id != own_id)
        # the message names the first organisation that carried the value (stable)
        query = query.order_by(model.Group.created, model.Group.id)
        for _id, title, group_type, extras in query:
            other_type = _publisher_type_of_group(group_type, dict(extras or {}))
            if not _conflicts_with(field_name, own_type, other_type):
                continue
            message = {
                "siren": _("This SIREN number is already the one of {title}: each legal entity "
                           "publishes under one organisation (only the Département and its "
                           "affiliated bodies share the Département's SIREN)."),
                "siret": _("This SIRET number is already the one of {title}: each "
                           "establishment publishes under one organisation."),
                "insee_code": _("The commune with this INSEE code already publishes on the "
                                "portal: {title}."),
            }[field_name]
            errors[key].append(message.format(title=title))
            raise tk.StopOnError

    return validator


def get_validators() -> dict:
    return {
        "hautegaronne_siren": hautegaronne_siren,
        "hautegaronne_siret": hautegaronne_siret,
        "hautegaronne_insee_commune": hautegaronne_insee_commune,
        "hautegaronne_epci_nature": hautegaronne_epci_nature,
        "hautegaronne_publisher_type_choice": hautegaronne_publisher_type_choice,
        "hautegaronne_publisher_email": validation.email,
        "hautegaronne_publisher_url": validation.web_address,
        "hautegaronne_safe_text": hautegaronne_safe_text,
        "hautegaronne_derived": hautegaronne_derived,
        "hautegaronne_reference_siren": hautegaronne_reference_siren,
        "hautegaronne_reference_epci_nature": hautegaronne_reference_epci_nature,
        "hautegaronne_unique_identifier": hautegaronne_unique_identifier,
    }
