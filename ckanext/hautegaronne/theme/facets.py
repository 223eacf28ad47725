"""The search page's facets: what the public narrows the catalogue by.

The portal's own facets are indexed as multi-valued Solr fields when a dataset is
indexed (``index_fields``, from ``before_dataset_index``): CKAN's schema has one
multi-valued string field pattern, ``vocab_*``, whose values are also copied into the
full-text field. Scheming stores a list (the themes) as one JSON string, which Solr can
neither facet on value by value nor search in words.

- themes: their French names ("Transports"), so that the search box finds a theme by its
  name ("transport" finds the Transports theme) and a theme's address reads as words;
- publisher types, territories (INSEE code, EPCI's SIREN; a commune's datasets also
  count for its EPCI), update frequencies, schemas: their codes, named on display
  (``label_facets``, from ``after_dataset_search``).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Iterable

import flask

import ckan.plugins.toolkit as tk
from ckan import model

from .. import territory as ref
from .. import vocabularies
from ..conformity import catalogue as schema_catalogue
from ..translation import N_
from ..publishers.types import publisher_type_of

__all__ = ["THEME", "PUBLISHER_TYPE", "TERRITORY", "FREQUENCY", "SCHEMA",
           "index_fields", "dataset_facets", "label_facets", "theme_search_url",
           "hautegaronne_dataset_themes", "get_helpers"]

THEME = "vocab_theme"
PUBLISHER_TYPE = "vocab_publisher_type"
TERRITORY = "vocab_territory"
FREQUENCY = "vocab_frequency"
SCHEMA = "vocab_schema"

_SCHEMA_SITE = "https://schema.data.gouv.fr/"


def _values(value: Any) -> list:
    """A field as a list: scheming's lists arrive as lists or as their JSON text."""
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, list):
        return value
    return [value] if value else []


def _theme_names(values: Iterable[Any]) -> list[str]:
    names = []
    for uri in values:
        name = vocabularies.theme_label(uri, "fr") if isinstance(uri, str) else None
        if name and name not in names:
            names.append(name)
    return names


def _territory_codes(entries: Iterable[Any]) -> list[str]:
    codes: list[str] = []
    for entry in entries:
        code = entry.get("code") if isinstance(entry, dict) else None
        entity = ref.find_by_code(code) if code else None
        if not entity:
            continue
        own = entity["siren"] if entity["kind"] == "epci" else entity["code"]
        wider = ref.epci_of(entity["code"]) if entity["kind"] == "commune" else None
        for value in (own, wider["siren"] if wider else None):
            if value and value not in codes:
                codes.append(value)
    return codes


def _schema_names(pkg_dict: dict) -> list[str]:
    names: list[str] = []
    for entry in _values(pkg_dict.get("conforms_to_schema")):
        if isinstance(entry, dict):
            url = entry.get("url") or ""
            name = entry.get("name") or (url[len(_SCHEMA_SITE):].strip("/")
                                         if url.startswith(_SCHEMA_SITE) else url)
            if name and name not in names:
                names.append(name)
    return names


def _publisher_type(owner_org: str | None) -> str | None:
    org = model.Group.get(owner_org) if owner_org else None
    return publisher_type_of(org.type, org.extras) if org else None


def index_fields(pkg_dict: dict) -> dict:
    """Adds the facet fields to the document Solr indexes for a dataset."""
    fields = {
        THEME: _theme_names(_values(pkg_dict.get("theme"))),
        PUBLISHER_TYPE: [t for t in [_publisher_type(pkg_dict.get("owner_org"))] if t],
        TERRITORY: _territory_codes(_values(pkg_dict.get("spatial_coverage"))),
        FREQUENCY: [f for f in [pkg_dict.get("frequency")] if isinstance(f, str) and f],
        SCHEMA: _schema_names(pkg_dict),
    }
    pkg_dict.update({name: values for name, values in fields.items() if values})
    return pkg_dict


def dataset_facets(facets_dict: dict, publisher_page: bool = False) -> OrderedDict:
    """The facets of the dataset search, in the order the public reads them (on a
    publisher's page, without the publisher and its type). CKAN's groups are the portal's
    reuses (their own page), not a way to narrow datasets."""
    facets = OrderedDict([
        (THEME, tk._("Themes")),
        (PUBLISHER_TYPE, tk._("Publisher type")),
        ("organization", tk._("Publishers")),
        (TERRITORY, tk._("Territory")),
        (FREQUENCY, tk._("Update frequency")),
        (SCHEMA, tk._("Data schema")),
        ("res_format", tk._("Formats")),
        ("license_id", tk._("Licences")),
    ])
    # Other plugins' facets follow; CKAN's keywords are not offered: the themes narrow
    # by subject, and each facet box costs the search page (bench/page_cost.py).
    for name, title in facets_dict.items():
        if name not in facets and name not in ("groups", "tags"):
            facets[name] = title
    if publisher_page:
        facets.pop("organization")
        facets.pop(PUBLISHER_TYPE)
    return facets


def _lang() -> str:
    """The page's language for the vocabularies (English or French), read once per request:
    the search page asks it for each of its 20 results."""
    if not flask.has_request_context():
        return "en" if tk.h.lang() == "en" else "fr"
    lang = flask.g.get("_hautegaronne_vocabulary_lang")
    if lang is None:
        lang = "en" if tk.h.lang() == "en" else "fr"
        flask.g._hautegaronne_vocabulary_lang = lang
    return lang


def _theme_display(name: str) -> str:
    if _lang() == "en":
        for _code, fr, en in vocabularies.DATA_THEMES:
            if fr == name:
                return en
    return name


def _territory_display(code: str) -> str:
    entity = ref.find_by_code(code)
    return entity["name"] if entity else code


def _frequency_display(uri: str) -> str:
    for code, fr, en in vocabularies.FREQUENCIES:
        if vocabularies.FREQUENCY_BASE + code == uri:
            return en if _lang() == "en" else fr
    return uri


def _publisher_type_display(value: str) -> str:
    return tk.h.hautegaronne_publisher_type_label(value)


_DISPLAY = {THEME: _theme_display, TERRITORY: _territory_display,
            FREQUENCY: _frequency_display, PUBLISHER_TYPE: _publisher_type_display}


def _schema_display_of_catalogue() -> Any:
    """A schema's id ("etalab/schema-irve-statique") named by its French title in the cached
    schema.data.gouv.fr catalogue (conformity/catalogue.py), its id when the catalogue does
    not list it (or was never fetched)."""
    titles = {entry["name"]: entry["title"] for entry in schema_catalogue.schemas()}
    return lambda name: titles.get(name) or name


def label_facets(search_results: dict) -> dict:
    """Names instead of codes in the facets (and the active filters) of a search."""
    search_facets = search_results.get("search_facets") or {}
    displays = dict(_DISPLAY)
    if (search_facets.get(SCHEMA) or {}).get("items"):
        displays[SCHEMA] = _schema_display_of_catalogue()
    for field, display in displays.items():
        facet = search_facets.get(field)
        for item in (facet or {}).get("items", []):
            item["display_name"] = display(item["name"])
    return search_results


def theme_search_url(theme_uri: str) -> str:
    """The search of a theme's datasets, addressed by the theme's French name."""
    return tk.h.url_for("dataset.search", **{THEME: vocabularies.theme_label(theme_uri, "fr")})


def hautegaronne_dataset_themes(pkg: dict) -> list[str]:
    """The names of a dataset's themes, in the page's language."""
    lang = _lang()
    names = []
    for uri in _values(pkg.get("theme")):
        name = vocabularies.theme_label(uri, lang) if isinstance(uri, str) else None
        if name:
            names.append(name)
    return names


# Core's facet strings that its French catalogue leaves broken ("Montrer plus de
# Organisations", "Filtrer les resultats"): kept in the extension's catalogue, which CKAN
# merges over its own (see ui_strings.py).
_CORE_FACET_STRINGS = (
    N_("Show More {facet_type}"), N_("Show Only Popular {facet_type}"),
    N_("There are no {facet_type} that match this search"), N_("Filter Results"),
)


def get_helpers() -> dict:
    return {"hautegaronne_dataset_themes": hautegaronne_dataset_themes}
