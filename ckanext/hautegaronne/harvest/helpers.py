"""Template helpers of the harvesting concern (registered by the plugin, see ``registration``)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from markupsafe import Markup, escape

from . import auth, missing

# The dataset blueprint's endpoints that render ckanext-harvest's source form.
SOURCE_FORM_ENDPOINTS = ("harvest.new", "harvest.edit")


def hautegaronne_harvest_missing(pkg: dict) -> Optional[dict]:
    """The missing/withdrawn state of a harvested dataset, for its page; None otherwise."""
    return missing.status(pkg or {})


def _on_source_form() -> bool:
    try:
        return tk.request.endpoint in SOURCE_FORM_ENDPOINTS
    except RuntimeError:  # outside a request
        return False


@tk.chained_helper
def organizations_available(next_helper, *args: Any, **kwargs: Any) -> list[dict]:
    """On ckanext-harvest's source form (whose template lists
    ``h.organizations_available('create_dataset')``), only the organisations where the
    user may manage harvest sources (``auth.source_org_ids``); elsewhere, CKAN's list."""
    organisations = next_helper(*args, **kwargs)
    if not _on_source_form():
        return organisations
    user = tk.current_user.name if tk.current_user.is_authenticated else None
    allowed = auth.source_org_ids(user)
    if allowed is None:
        return organisations
    return [org for org in organisations if org["id"] in allowed]


@tk.chained_helper
def harvesters_info(next_helper, *args: Any, **kwargs: Any) -> list[dict]:
    """The harvester types ckanext-harvest's source form offers (``h.harvesters_info()``):
    those the user may give a source (``auth.allowed_source_types``), so publishers see only
    the portal's harvester."""
    harvesters = next_helper(*args, **kwargs)
    user = tk.current_user.name if tk.current_user.is_authenticated else None
    allowed = auth.allowed_source_types(user)
    if allowed is None:
        return harvesters
    return [info for info in harvesters if info.get("name") in allowed]


# ckanext-harvest's source form writes these in English outside any template block (so no
# block of an extending template can replace them, and no catalogue translates them).
_SOURCE_FORM_ENGLISH = (
    ('<label class="control-label">Source type</label>', '<label class="control-label">{}</label>',
     "Source type"),
    ('name="save" value="Save"', 'name="save" value="{}"', "Save"),
)


def hautegaronne_harvest_source_form(html: str) -> Markup:
    """ckanext-harvest's rendered source form with its hard-coded English in the page's
    language."""
    html = Markup(html)
    for english, pattern, msgid in _SOURCE_FORM_ENGLISH:
        html = html.replace(Markup(english), Markup(pattern).format(escape(tk._(msgid))))
    return html


def get_helpers() -> dict:
    return {
        "hautegaronne_harvest_missing": hautegaronne_harvest_missing,
        "hautegaronne_harvest_source_form": hautegaronne_harvest_source_form,
        # chained over core's and ckanext-harvest's helpers of the same name
        "organizations_available": organizations_available,
        "harvesters_info": harvesters_info,
    }
