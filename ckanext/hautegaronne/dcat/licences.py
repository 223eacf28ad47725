"""The portal's licence list (décret 2017-638: Licence Ouverte 2.0 and ODbL for data).

``licences.json`` is CKAN's licence register (``licenses_group_url``); each entry also carries
its SPDX id, its EU licence-list IRI and its ADMS licence type for the DCAT profile, and the
other names and addresses it goes by (``aliases``: what harvested catalogues write, the ids
of older CKAN licence lists). It is the only list of them: the harvester's mapping and the
dataset page read them through ``licence_for``.
Its ids are data.gouv.fr's (``lov2``, ``odc-odbl``) and its URLs the ones data.gouv.fr
recognises.
"""
from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Optional

from ..text import fold

LICENCE_FILE = "licences.json"
DEFAULT_LICENCE_ID = "lov2"


def licence_file_path() -> Path:
    return Path(str(resources.files(__package__).joinpath(LICENCE_FILE)))


def licence_file_url() -> str:
    """A file:// URL of the packaged licence list (CKAN's ``licenses_group_url``)."""
    return licence_file_path().as_uri()


@functools.cache
def _licences() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(licence_file_path().read_text(encoding="utf-8")))


def licences() -> list[dict[str, Any]]:
    return [dict(licence) for licence in _licences()]


@functools.cache
def _index() -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for licence in _licences():
        for key in ("id", "url", "spdx_id", "eu_uri"):
            index[licence[key]] = licence
            index[licence[key].rstrip("/")] = licence
    return index


def find_licence(value: Optional[str]) -> Optional[dict[str, Any]]:
    """The licence for an id, URL, SPDX id or EU IRI, or None."""
    if not value:
        return None
    return _index().get(value) or _index().get(value.rstrip("/"))


def _alias_key(value: str) -> str:
    """An address without its scheme and ``www.``, or a name, folded: "https://www.
    etalab.gouv.fr/licence-ouverte-open-licence/" and "etalab.gouv.fr/licence-ouverte-open-
    licence" give one key, as do "ODbL-1.0" and "odbl 1.0"."""
    return fold(re.sub(r"^(?:https?://)?(?:www\.)?", "", value.strip(), flags=re.IGNORECASE))


@functools.cache
def _alias_index() -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for licence in _licences():
        for name in (licence["id"], licence["url"], licence["spdx_id"], licence["eu_uri"],
                     licence["title"], *licence.get("aliases", ())):
            index[_alias_key(name)] = licence
    return index


def licence_for(value: Optional[str]) -> Optional[dict[str, Any]]:
    """The licence for any of its names: id, URL, SPDX id, EU IRI, title or alias (scheme,
    ``www.``, case, accents and punctuation aside), or None."""
    if not value or not str(value).strip():
        return None
    return find_licence(str(value)) or _alias_index().get(_alias_key(str(value)))
