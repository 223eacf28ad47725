"""The address guard on every harvest source, whatever its harvester type and whoever acts.

* When a source is created or edited (``harvest_source_create``/``update``/``patch``, the
  source form, ``package_create``/``package_update`` of the type ``harvest``), by anyone
  (publishers' admins, sysadmins, the site user's token): an address that is not http(s),
  or whose host is this machine, a private, link-local or reserved network (cloud metadata
  included) is refused with a message on the URL field, unless the host is in
  ``ckanext.hautegaronne.harvest.allowed_private_hosts``. A name that does not resolve yet
  is accepted: it is checked again at each fetch. A harvester type whose fetches do not go
  through the guard is refused.
* When ckanext-dcat's own harvesters (``dcat_rdf``, ``dcat_json``) fetch, through their
  public extension point ``IDCATRDFHarvester``: ``before_download`` refuses an address the
  guard refuses (and the local files the stock harvester would otherwise read), and
  ``update_session`` gives their requests the guarded session of ``fetch``, whose
  connections only reach vetted addresses (every redirect hop, DNS rebinding) and which
  sets a timeout when they set none. The portal's harvester fetches through ``fetch``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk
import requests
from ckan import model

from ..logic import chaining
from . import fetch

SOURCE_TYPE = "harvest"
# Harvester types whose every request goes through ``fetch``'s guarded session: the
# portal's own, and ckanext-dcat's (``DCATHarvester._get_content_and_type`` takes its
# session from ``IDCATRDFHarvester.update_session``).
GUARDED_TYPES = frozenset({"hautegaronne_dcat", "dcat_rdf", "dcat_json"})


def url_refusal(url: str) -> Optional[str]:
    """Why ``url`` may not be harvested, or None. A host that does not resolve is no
    refusal here: the connection checks again."""
    try:
        fetch.check_url(url)
    except fetch.UnknownHost:
        return None
    except fetch.FetchError as error:
        return str(error)
    return None


def _is_source(data_dict: dict, creating: bool) -> bool:
    if data_dict.get("type"):
        return data_dict["type"] == SOURCE_TYPE
    if creating:
        return False
    ref = data_dict.get("id") or data_dict.get("name")
    package = model.Package.get(ref) if ref else None
    return package is not None and package.type == SOURCE_TYPE


def check_source(data_dict: dict, creating: bool) -> None:
    """Raise a ValidationError (on ``url``, ``source_type``) for a source the guard refuses."""
    if not _is_source(data_dict, creating):
        return
    errors: dict[str, list[str]] = {}
    url = data_dict.get("url")
    if url:
        refusal = url_refusal(str(url).strip())
        if refusal:
            errors["url"] = [refusal]
    source_type = data_dict.get("source_type")
    if source_type and source_type not in GUARDED_TYPES:
        errors["source_type"] = [tk._(
            "This harvester type does not go through the portal's address guard: choose the "
            "portal's harvester.")]
    if errors:
        raise tk.ValidationError(errors)


def _checked(inner: Optional[Callable], creating: bool) -> Callable:
    def step(call_next, context: dict, data_dict: dict) -> Any:
        check_source(data_dict or {}, creating)
        return call_next(context, data_dict)
    return chaining.around(inner, step)


def guard(actions: dict[str, Callable]) -> dict[str, Callable]:
    """The plugin's actions, with ``package_create`` and ``package_update`` (chained already
    or not) checking harvest sources first. ckanext-harvest's source actions and form go
    through them; ``package_patch`` goes through ``package_update``."""
    return {**actions, "package_create": _checked(actions.get("package_create"), True),
            "package_update": _checked(actions.get("package_update"), False)}


# IDCATRDFHarvester (ckanext-dcat's harvesters)

def before_download(url: str, harvest_job) -> tuple[Optional[str], list[str]]:
    refusal = url_refusal(url or "")
    if refusal:
        return None, [refusal]
    return url, []


class StockHarvesterAdapter(fetch.GuardedAdapter):
    """ckanext-dcat's harvesters report the errors of ``requests`` only (anything else ends
    the gather without a report): a refused address becomes a connection error whose
    message is the refusal."""

    def send(self, request, *args, **kwargs):
        try:
            return super().send(request, *args, **kwargs)
        except fetch.FetchError as error:
            raise requests.ConnectionError(str(error), request=request)


def update_session(session):
    return fetch.guarded_session(session, StockHarvesterAdapter)
