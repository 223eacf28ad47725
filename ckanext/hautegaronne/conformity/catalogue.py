"""The schema.data.gouv.fr catalogue: fetched by ``ckan hautegaronne schemas refresh``,
cached on disk, read by the forms and the validation jobs.

The catalogue is the published JSON document (``{"schemas": [{"name", "title",
"schema_type", "schema_url", "versions": [{"version_name", "schema_url"}]}]}``). Only Table
Schemas (``schema_type: tableschema``) validate CSV, TSV, XLS and XLSX files, so only they
are offered. Every download goes through the harvester's guarded fetch (public addresses
only, bounded in time and size): the catalogue's address and the schema addresses it lists,
or that a publisher types, are remote input.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import NamedTuple, Optional

import ckan.plugins.toolkit as tk

from ..harvest import fetch

from ..harvest.messages import _  # stored and CLI texts: French whatever the process

DEFAULT_URL = "https://schema.data.gouv.fr/schemas/schemas.json"
# The offline copy shipped with the extension (see its README: provenance and licence).
PACKAGED = Path(__file__).parent / "packaged"
# A Table Schema is a list of fields; more than this is not a schema a file can follow.
MAX_FIELDS = 1000


class CatalogueError(Exception):
    """The catalogue or a schema could not be used (the message is French, for people)."""


class SchemaVersion(NamedTuple):
    name: str
    title: str
    version: str
    url: str


def catalogue_url() -> str:
    return tk.config.get("ckanext.hautegaronne.conformity.catalogue_url") or DEFAULT_URL


def cache_dir() -> Path:
    root = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    return Path(root) / "hautegaronne" / "schemas"


def _cache_file() -> Path:
    return cache_dir() / "catalogue.json"


def _json(body: bytes, url: str) -> object:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        head = body[:200].lstrip().lower()
        if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
            raise CatalogueError(_(
                "The address {url} answers a web page (HTML), not a JSON document: give "
                "the address of the file itself.").format(url=url))
        raise CatalogueError(_(
            "The document at {url} is not valid JSON.").format(url=url))


def _download(url: str) -> bytes:
    try:
        return fetch.fetch(url).body
    except fetch.FetchError as error:
        raise CatalogueError(str(error)) from error


def parse(document: object) -> list[dict]:
    """The Table Schemas of a catalogue document, each with its versions (newest first as
    published), or CatalogueError when the document is not a catalogue."""
    if not isinstance(document, dict) or not isinstance(document.get("schemas"), list):
        raise CatalogueError(_(
            "The document is not a schema catalogue (no list \"schemas\")."))
    schemas = []
    for entry in document["schemas"]:
        if not isinstance(entry, dict) or entry.get("schema_type") != "tableschema":
            continue
        name, url = entry.get("name"), entry.get("schema_url")
        if not isinstance(name, str) or not isinstance(url, str):
            continue
        versions = [{"version_name": str(v["version_name"]), "schema_url": v["schema_url"]}
                    for v in entry.get("versions") or []
                    if isinstance(v, dict) and v.get("version_name")
                    and isinstance(v.get("schema_url"), str)]
        schemas.append({"name": name, "title": str(entry.get("title") or name),
                        "schema_url": url, "versions": versions})
    if not schemas:
        raise CatalogueError(_("The catalogue lists no Table Schema."))
    return schemas


def refresh(url: Optional[str] = None) -> list[dict]:
    """Fetch the catalogue at ``url`` (the configured one by default) and replace the cache
    with it; on any problem the cache is left as it was and CatalogueError says why."""
    url = url or catalogue_url()
    schemas = parse(_json(_download(url), url))
    _write_cache(url, schemas)
    return schemas


def _write_cache(source: str, schemas: list[dict]) -> None:
    target = _cache_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"source": source, "schemas": schemas}, out, ensure_ascii=False)
    os.replace(tmp, target)


def packaged_schemas() -> list[dict]:
    """The Table Schemas of the catalogue shipped with the extension."""
    return parse(json.loads((PACKAGED / "catalogue.json").read_text(encoding="utf-8")))


def seed_packaged() -> bool:
    """Cache the shipped catalogue when no catalogue is cached (True when it did): the
    forms and checks of an offline portal then offer the shipped schemas."""
    if schemas():
        return False
    _write_cache("packaged", packaged_schemas())
    return True


def packaged_copy(url: str) -> Optional[Path]:
    """The shipped Table Schema published at ``url``, or None."""
    for entry in packaged_schemas():
        for item in entry["versions"]:
            if item["schema_url"] == url:
                path = PACKAGED / "schemas" / entry["name"] / item["version_name"] / "schema.json"
                return path if path.is_file() else None
    return None


def schemas() -> list[dict]:
    """The cached catalogue's Table Schemas (empty before the first refresh)."""
    try:
        with open(_cache_file(), encoding="utf-8") as cached:
            return json.load(cached)["schemas"]
    except (OSError, ValueError, KeyError):
        return []


def find(name: str, version: Optional[str] = None) -> Optional[SchemaVersion]:
    """The catalogue's schema ``name`` at ``version`` (its latest when not given), or None."""
    for entry in schemas():
        if entry["name"] != name:
            continue
        if not version:
            latest = entry["versions"][0]["version_name"] if entry["versions"] else ""
            url = entry["versions"][0]["schema_url"] if entry["versions"] else entry["schema_url"]
            return SchemaVersion(name, entry["title"], latest, url)
        for item in entry["versions"]:
            if item["version_name"] == version:
                return SchemaVersion(name, entry["title"], version, item["schema_url"])
        return None
    return None


def choices() -> list[dict]:
    """The select's options: every schema, by French title."""
    return [{"value": entry["name"], "label": f"{entry['title']} ({entry['name']})"}
            for entry in sorted(schemas(), key=lambda e: e["title"].lower())]


def versions_of(name: str) -> list[str]:
    for entry in schemas():
        if entry["name"] == name:
            return [v["version_name"] for v in entry["versions"]]
    return []


def load_table_schema(url: str) -> dict:
    """The Table Schema descriptor at ``url`` (guarded fetch), or CatalogueError in French:
    unreachable, an error status, HTML, invalid JSON, not a Table Schema, too many fields.
    A schema the extension ships is read from its copy when its address cannot be fetched
    (a published version does not change)."""
    try:
        descriptor = _json(_download(url), url)
    except CatalogueError:
        copy = packaged_copy(url)
        if copy is None:
            raise
        descriptor = _json(copy.read_bytes(), url)
    fields = descriptor.get("fields") if isinstance(descriptor, dict) else None
    if not isinstance(fields, list) or not fields or \
            not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        raise CatalogueError(_(
            "The document at {url} is not a Table Schema (no list of named \"fields\").")
            .format(url=url))
    if len(fields) > MAX_FIELDS:
        raise CatalogueError(_(
            "The schema at {url} has {count} fields, more than the {limit} the portal "
            "validates.").format(url=url, count=len(fields), limit=MAX_FIELDS))
    return descriptor
