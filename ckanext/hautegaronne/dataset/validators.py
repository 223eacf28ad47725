"""Validators of the dataset schema, registered through IValidators in plugin.py.

Every refusal carries a French message (English source strings, translated in the
extension's domain) attached to the field at fault; a refused dataset is not saved.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any
from urllib.parse import urlsplit

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckanext.scheming.validation import scheming_validator

from .. import validation
from ..harvest import fetch
from ..dcat import file_types, spatial
from ..dcat.licences import find_licence

_ = tk._
missing = tk.missing

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _empty(value: Any) -> bool:
    """Not given, or an empty list (the repeating fields' blank form)."""
    return validation.is_empty(value) or value == []


def _choice_values(field: dict) -> list[str]:
    return [c["value"] for c in tk.h.scheming_field_choices(field)]


def _match_choice(value: str, values: list[str]) -> str | None:
    """A choice by its IRI or by its code (last IRI segment, case-insensitive)."""
    text = str(value).strip()
    if text in values:
        return text
    for choice in values:
        if choice.rsplit("/", 1)[-1].upper() == text.upper():
            return choice
    return None


@scheming_validator
def hautegaronne_choice(field: dict, schema: dict):
    """One value of the field's choices, given as IRI or code."""
    def validator(value: Any) -> Any:
        if _empty(value):
            return value
        values = _choice_values(field)
        choice = _match_choice(value, values)
        if choice is None:
            raise tk.Invalid(_('Unknown code "{value}": choose one of the proposed values.')
                             .format(value=value))
        return choice
    return validator


@scheming_validator
def hautegaronne_choices(field: dict, schema: dict):
    """A list of the field's choices (IRIs or codes; list, JSON list or comma-separated)."""
    def validator(key, data, errors, context):
        value = data[key]
        if _empty(value):
            data[key] = missing
            return
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
                value = parsed if isinstance(parsed, list) else [value]
            except ValueError:
                value = [v for v in value.split(",")]
        elif not isinstance(value, list):
            value = [value]
        values = _choice_values(field)
        selected = []
        for item in value:
            if _empty(item):
                continue
            if not isinstance(item, str):
                errors[key].append(_("Choose among the proposed values."))
                continue
            choice = _match_choice(item, values)
            if choice is None:
                errors[key].append(
                    _('Unknown code "{value}": choose one of the proposed values.')
                    .format(value=item))
            elif choice not in selected:
                selected.append(choice)
        data[key] = json.dumps(selected) if selected else missing
    return validator


def hautegaronne_date(value: Any) -> Any:
    """A full date, YYYY-MM-DD."""
    if _empty(value):
        return missing
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        datetime.date.fromisoformat(text)
    except ValueError:
        raise tk.Invalid(_("Invalid date: use the form YYYY-MM-DD (e.g. 2025-12-31)."))
    return text


def hautegaronne_temporal_end(key, data, errors, context):
    """The end of a period is not before its start (on the ``end`` subfield)."""
    end = data.get(key)
    start = data.get(key[:-1] + ("start",))
    if errors.get(key) or errors.get(key[:-1] + ("start",)):
        return
    if _empty(end) or _empty(start):
        return
    if str(end) < str(start):
        errors[key].append(_("The end date is before the start date."))


def hautegaronne_licence(value: Any) -> Any:
    """A licence of the portal's list (id, URL, SPDX id or EU IRI); the default if empty."""
    from ..dcat.licences import DEFAULT_LICENCE_ID
    if _empty(value):
        return DEFAULT_LICENCE_ID
    licence = find_licence(str(value).strip())
    if licence is None:
        raise tk.Invalid(_('Unknown licence "{value}": use the Licence Ouverte 2.0 or the ODbL.')
                         .format(value=value))
    return licence["id"]


def hautegaronne_resource_licence(value: Any) -> Any:
    """Like the dataset licence, but empty means inherited."""
    if _empty(value):
        return value
    return hautegaronne_licence(value)


# ---------------------------------------------------------------------------------------
# Spatial coverage: stored as the entity's code, with its IRI, name and geometries
# ---------------------------------------------------------------------------------------

def _row_coverage(key, data) -> dict | None:
    row = key[:-1]
    for source in ("code", "uri"):
        value = data.get(row + (source,))
        if not _empty(value):
            return spatial.coverage(str(value).strip())
    return None


def hautegaronne_spatial_code(key, data, errors, context):
    """The ``code`` subfield: an entity of the territory (INSEE code, SIREN or INSEE IRI)."""
    row = key[:-1]
    value = data.get(key)
    if _empty(value):
        value = data.get(row + ("uri",))
    if _empty(value):
        data[key] = missing
        return
    found = spatial.coverage(str(value).strip())
    if found is None:
        errors[key].append(
            _('"{value}" is not an entity of the territory of the Haute-Garonne: give the INSEE '
              'code of a commune, the SIREN of an intercommunality, or 31 for the département.')
            .format(value=value))
        return
    data[key] = found["code"]


def hautegaronne_spatial_derived(key, data, errors, context):
    """``uri``, ``text``, ``bbox``, ``centroid``: computed from the entity."""
    found = _row_coverage(key, data)
    if found is None:
        # no entity, nothing to derive: whatever was sent is dropped, never stored
        data[key] = missing
        return
    value = found[key[-1]]
    data[key] = dict(value) if isinstance(value, dict) else value


def _publisher(owner_org: Any) -> dict | None:
    if _empty(owner_org):
        return None
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": owner_org, "include_datasets": False, "include_dataset_count": False,
             "include_users": False, "include_groups": False, "include_tags": False,
             "include_followers": False})
    except tk.ObjectNotFound:
        return None


def hautegaronne_spatial_default(key, data, errors, context):
    """On ``owner_org``: without a spatial coverage, the publisher's own territory."""
    rows = sorted({k[1] for k in data if len(k) == 3 and k[0] == "spatial_coverage"})
    for index in rows:
        row = ("spatial_coverage", index)
        if any(not _empty(data.get(row + (name,))) for name in ("code", "uri")):
            return
    if errors.get(key):
        return
    found = spatial.coverage(spatial.publisher_code(_publisher(data.get(key))))
    if found is None:
        return
    index = rows[0] if rows else 0
    for name, value in found.items():
        data[("spatial_coverage", index, name)] = dict(value) if isinstance(value, dict) else value


def hautegaronne_dataset_identifier_unique(key, data, errors, context):
    """The identifier is unique on the portal: data.gouv.fr treats two datasets of one feed
    with the same ``dct:identifier`` as an error. It may not be another dataset's identifier,
    nor the permanent id of another dataset (the feed's identifier of a dataset without one).
    Deleted datasets do not count; drafts and private datasets do (they can be published).
    """
    value = data.get(key)
    if _empty(value) or errors.get(key):
        return
    value = str(value)
    package = context.get("package")
    own_id = getattr(package, "id", None) or data.get(("id",))
    query = model.Session.query(model.Package.id).filter(
        model.Package.state != "deleted",
        sa.or_(model.Package.extras["identifier"].astext == value,
               model.Package.id == value))
    if own_id and not _empty(own_id):
        query = query.filter(model.Package.id != own_id)
    if query.first() is not None:
        errors[key].append(_(
            "This identifier is already used by another dataset of the portal: each dataset "
            "needs its own (data.gouv.fr refuses duplicates)."))


_FETCHED_SCHEMES = ("http", "https", "ftp", "ftps")


def _own_dump_address(key, data, url: str) -> bool:
    """Whether ``url`` is the portal's own DataStore dump of this very resource: the address
    CKAN gives a DataStore-only resource (``datastore_create`` with a ``resource`` and no
    file, ``url_type`` "datastore"), which every later save of the dataset sends back. Only
    that resource's own dump, never another address of this host."""
    if data.get(key[:-1] + ("url_type",)) != "datastore":
        return False
    resource_id = data.get(key[:-1] + ("id",))
    if _empty(resource_id) or not isinstance(resource_id, str):
        return False
    try:
        own = tk.url_for("datastore.dump", resource_id=resource_id, qualified=True)
    except RuntimeError:  # no application context to build it: the guard decides
        return False
    return url == own


def hautegaronne_resource_link_address(key, data, errors, context):
    """A linked resource's host must be public, by the harvester's address guard (same
    ``allowed_private_hosts``): ckanext-xloader's job downloads the URL the resource has
    when the job runs, so the address is vetted whenever it is saved, not only when a load
    is asked for. A name that does not resolve (yet) is accepted and checked again at each
    load (``tabular.status.guard_link``); uploaded files are not links."""
    url = data.get(key)
    if errors.get(key) or _empty(url) or data.get(key[:-1] + ("url_type",)) == "upload":
        return
    if _own_dump_address(key, data, str(url).strip()):
        return
    parts = urlsplit(str(url).strip())
    if parts.scheme.lower() not in _FETCHED_SCHEMES or not parts.hostname:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() in ("https", "ftps") else 80)
        fetch.vetted_addresses(parts.hostname, port)
    except fetch.UnknownHost:
        return
    except ValueError:
        errors[key].append(_("Invalid port in the address: {url}").format(url=url))
    except fetch.FetchError as refusal:
        errors[key].append(str(refusal))


def hautegaronne_file_format(key, data, errors, context):
    """A resource's format from the EU file-type vocabulary, stored as its label (``CSV``,
    ``GeoJSON``): typed as a code, label, extension, media type or usual name ("csv;",
    "Excel"), or detected from the file's or link's extension when left empty. A value that
    names no type is refused (the feed would carry it as a literal, which DCAT-AP refuses).
    An empty media type is derived from the format."""
    if errors.get(key):
        return
    value = data.get(key)
    url = data.get(key[:-1] + ("url",))
    url = url if isinstance(url, str) else None
    if _empty(value):
        mimetype = data.get(key[:-1] + ("mimetype",))
        found = file_types.from_address(url) or file_types.from_media_type(
            mimetype if isinstance(mimetype, str) else None)
        extension = file_types.extension(url)
        if found is None and extension and data.get(key[:-1] + ("url_type",)) == "upload":
            # An uploaded file of a type the list does not know: the publisher chooses
            # (left empty, the feed would describe a file of no format).
            errors[key].append(_('No format of the list is known for a ".{extension}" file: '
                                 'choose the format in the list ({examples}...).')
                               .format(extension=validation.shown(extension),
                                       examples=file_types.examples()))
            return
        data[key] = found.label if found else ""
    else:
        found = file_types.find(str(value))
        if found is None:
            errors[key].append(_('Unknown format "{value}": choose a format of the list ({examples}...).')
                               .format(value=validation.shown(value), examples=file_types.examples()))
            return
        data[key] = found.label
    mimetype_key = key[:-1] + ("mimetype",)
    if found is not None and _empty(data.get(mimetype_key)):
        data[mimetype_key] = found.media_type


def hautegaronne_blank_if_missing(key, data, errors, context) -> None:
    """A resource without address stores "" (CKAN's column is not nullable), and its dict
    says so: CKAN's default views read ``resource["url"]`` (geoview failed with a 500 on
    a resource created without one)."""
    if data.get(key) in (None, tk.missing):
        data[key] = ""


def get_validators() -> dict:
    return {
        "hautegaronne_blank_if_missing": hautegaronne_blank_if_missing,
        "hautegaronne_file_format": hautegaronne_file_format,
        "hautegaronne_choice": hautegaronne_choice,
        "hautegaronne_choices": hautegaronne_choices,
        "hautegaronne_date": hautegaronne_date,
        "hautegaronne_temporal_end": hautegaronne_temporal_end,
        # e-mail and web addresses: the portal's one rule each (``validation``)
        "hautegaronne_email": validation.email,
        "hautegaronne_url": validation.web_address,
        # (the guard every field starts with, ``hautegaronne_text``, is ``validation``'s)
        "hautegaronne_text_or_list": validation.text_or_list,
        "hautegaronne_resource_url": validation.resource_url,
        "hautegaronne_resource_link_address": hautegaronne_resource_link_address,
        "hautegaronne_media_type": validation.media_type,
        "hautegaronne_byte_size": validation.byte_size,
        "hautegaronne_licence": hautegaronne_licence,
        "hautegaronne_resource_licence": hautegaronne_resource_licence,
        "hautegaronne_spatial_code": hautegaronne_spatial_code,
        "hautegaronne_spatial_derived": hautegaronne_spatial_derived,
        "hautegaronne_spatial_default": hautegaronne_spatial_default,
        "hautegaronne_dataset_identifier_unique": hautegaronne_dataset_identifier_unique,
    }
