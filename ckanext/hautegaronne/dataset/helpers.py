"""Template helpers of the dataset page: its licence in plain words, its frequency and
themes in the user's language, its map, its publisher's key facts, its schemas and DCAT
links."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from .. import vocabularies
from ..dcat import licences
from ..publishers.types import publisher_type_of

__all__ = [
    "hautegaronne_license_plain",
    "hautegaronne_frequency_label",
    "hautegaronne_theme_label",
    "hautegaronne_dataset_publisher",
    "hautegaronne_dataset_extent",
    "hautegaronne_map_config",
    "hautegaronne_schema_conformity",
    "hautegaronne_dcat_links",
]

_SCHEMA_SITE = "https://schema.data.gouv.fr/"


def hautegaronne_license_plain(pkg: dict) -> dict | None:
    """The dataset's licence explained in one plain sentence."""
    title = pkg.get("license_title") or pkg.get("license_id")
    if not pkg.get("license_id"):
        return None
    portal_licence = licences.licence_for(pkg["license_id"])
    license_id = portal_licence["id"] if portal_licence else pkg["license_id"].lower()
    if license_id == "lov2":
        summary = tk._("You may reuse these data freely, including for commercial purposes, "
                       "provided you credit the source and the date of the last update.")
    elif license_id == "odc-odbl":
        summary = tk._("You may reuse these data freely, provided you credit the source and "
                       "share any database derived from them under the same licence.")
    elif license_id in {"cc-by", "cc-by-4.0"}:
        summary = tk._("You may reuse these data freely, provided you credit the author.")
    elif license_id in {"cc-zero", "cc0-1.0", "odc-pddl"}:
        summary = tk._("These data are in the public domain: you may reuse them without conditions.")
    elif license_id == "notspecified":
        summary = tk._("No licence has been specified: ask the publisher before reusing these data.")
    else:
        summary = tk._("Read the licence to know the conditions of reuse.")
    return {"title": title, "summary": summary, "url": pkg.get("license_url")}


def hautegaronne_frequency_label(uri: str | None) -> str | None:
    if not uri:
        return None
    lang = "en" if tk.h.lang() == "en" else "fr"
    for code, fr, en in vocabularies.FREQUENCIES:
        if vocabularies.FREQUENCY_BASE + code == uri:
            return en if lang == "en" else fr
    return uri


def hautegaronne_theme_label(uri: str) -> str:
    lang = "en" if tk.h.lang() == "en" else "fr"
    return vocabularies.theme_label(uri, lang) or uri


def _geojson(value: Any) -> str | None:
    if not value:
        return None
    if isinstance(value, dict):
        return json.dumps(value)
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return None
    return json.dumps(parsed) if isinstance(parsed, dict) and parsed.get("type") else None


def hautegaronne_dataset_publisher(pkg: dict) -> dict | None:
    """The dataset's publisher as its key facts show it: ``name``, ``display_name``,
    ``type``, ``publisher_type`` and ``siren``, or None (no publisher, or one the
    visitor may not see). Read from the publisher's row, which package_show has
    usually loaded already: ``h.get_organization`` would run organization_show, with a
    Solr count of its datasets, for a name and a code (the page calls it twice already)."""
    org = pkg.get("organization")
    if not org or not org.get("id"):
        return None
    group = model.Group.get(org["id"])
    if group is None or not group.is_organization:
        return None
    if group.state != "active":
        try:
            tk.check_access("organization_show", {}, {"id": group.id})
        except tk.NotAuthorized:
            return None
    extras = group.extras or {}
    return {"id": group.id, "name": group.name, "title": group.title,
            "display_name": group.display_name, "type": group.type,
            "publisher_type": publisher_type_of(group.type, extras), "siren": extras.get("siren")}


def hautegaronne_dataset_extent(pkg: dict) -> dict | None:
    """The geometry to draw on the dataset map, with the area's name:
    the ``spatial`` field if any, else the first spatial coverage entry."""
    extent = _geojson(pkg.get("spatial"))
    if extent is None:
        extent = _geojson(tk.h.get_pkg_dict_extra(pkg, "spatial", ""))
    name = None
    for area in pkg.get("spatial_coverage") or []:
        name = name or area.get("text")
        extent = extent or _geojson(area.get("geom")) or _geojson(area.get("bbox")) \
            or _geojson(area.get("centroid"))
    if extent is None:
        return None
    return {"geojson": extent, "name": name}


def hautegaronne_map_config() -> dict:
    """Base map of ckanext-spatial's widgets, from the portal's own options.
    Without a tile URL the map still draws the extent on a plain background."""
    return {
        "type": "custom",
        "custom_url": tk.config.get("ckanext.hautegaronne.map_tile_url") or "",
        "attribution": tk.config.get("ckanext.hautegaronne.map_attribution") or "",
    }


def hautegaronne_schema_conformity(pkg: dict) -> list[dict]:
    """The data schemas the dataset declares conformity to, with readable
    names: ``conforms_to_schema`` entries ({name, version, url}) or plain
    ``conforms_to`` URLs."""
    result = []
    for entry in pkg.get("conforms_to_schema") or []:
        if not isinstance(entry, dict) or not (entry.get("name") or entry.get("url")):
            continue
        url = entry.get("url") or ""
        label = entry.get("name") or _schema_label(url)
        if entry.get("version"):
            label = f"{label} ({entry['version']})"
        result.append({"url": url, "label": label})
    values = pkg.get("conforms_to") or []
    if isinstance(values, str):
        try:
            values = json.loads(values)
        except ValueError:
            values = [values]
    for url in values:
        if url:
            result.append({"url": url, "label": _schema_label(url)})
    return result


def _schema_label(url: str) -> str:
    return url[len(_SCHEMA_SITE):].strip("/") if url.startswith(_SCHEMA_SITE) else url


def hautegaronne_dcat_links(pkg: dict) -> list[dict]:
    """Links to the dataset's DCAT metadata (ckanext-dcat endpoints)."""
    formats = (("rdf", "RDF/XML"), ("ttl", "Turtle"), ("jsonld", "JSON-LD"))
    links = []
    for fmt, label in formats:
        try:
            url = tk.h.url_for("dcat.read_dataset", _id=pkg["name"], _format=fmt)
        except Exception:  # ckanext-dcat not loaded
            return []
        links.append({"format": fmt, "label": label, "url": url})
    return links


def get_helpers() -> dict:
    """The dataset page's template helpers (registered by the plugin, see ``registration``)."""
    return {
        "hautegaronne_license_plain": hautegaronne_license_plain,
        "hautegaronne_frequency_label": hautegaronne_frequency_label,
        "hautegaronne_theme_label": hautegaronne_theme_label,
        "hautegaronne_dataset_publisher": hautegaronne_dataset_publisher,
        "hautegaronne_dataset_extent": hautegaronne_dataset_extent,
        "hautegaronne_map_config": hautegaronne_map_config,
        "hautegaronne_schema_conformity": hautegaronne_schema_conformity,
        "hautegaronne_dcat_links": hautegaronne_dcat_links,
    }
