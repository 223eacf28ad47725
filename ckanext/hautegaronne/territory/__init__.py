"""Reference data of the territory of the Haute-Garonne (département 31).

Reads ``data/territory-31.json`` (built by ``scripts/build_territory.py``, see
``data/PROVENANCE.md``) once per process. Standard library only.

Entities are plain dicts with a ``kind`` in ``{"departement", "commune", "epci"}``:

* département: ``code``, ``name``, ``siren``, ``population``, ``arrondissements``, ``geometry``...
* commune: ``code`` (INSEE), ``name``, ``siren``, ``postcodes``, ``population``,
  ``arrondissement``, ``epci`` (SIREN), ``former_codes``, ``geometry``...
* EPCI: ``siren``, ``name``, ``nature`` (CC/CA/CU/METRO), ``population``, ``members``
  (all members, each with ``in_departement``), ``straddles_border``, ``geometry``...

``geometry`` holds ``geojson`` (MultiPolygon, WGS84), ``bbox`` [minx, miny, maxx, maxy] and
``centroid`` [x, y]. The functions below return shallow copies: nested values are shared with
the cache and must be treated as read-only.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping, Optional

from ..text import fold

__all__ = [
    "DATA_FILE",
    "Territory",
    "territory",
    "find_by_code",
    "search",
    "epci_of",
    "communes_of",
    "current_code",
    "load",
    "clear_caches",
]

DATA_FILE = "territory-31.json"

Entity = dict[str, Any]


@dataclass(frozen=True)
class Territory:
    """The loaded reference data (read-only mappings)."""

    meta: Mapping[str, Any]
    departement: Mapping[str, Any]
    communes: Mapping[str, Entity]  # by INSEE code
    epcis: Mapping[str, Entity]  # by SIREN
    former_codes: Mapping[str, str]  # former INSEE code -> current INSEE code


def load(path: Optional[Any] = None) -> Territory:
    """Read reference data: the packaged file, or the file at ``path`` (e.g. a new COG vintage
    being prepared). ``territory()`` is the cached packaged one."""
    if path is None:
        text = resources.files(__name__).joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    raw = json.loads(text)
    return Territory(
        meta=MappingProxyType(raw["meta"]),
        departement=MappingProxyType(raw["departement"]),
        communes=MappingProxyType(raw["communes"]),
        epcis=MappingProxyType(raw["epcis"]),
        former_codes=MappingProxyType(raw.get("former_codes", {})),
    )


@functools.cache
def territory() -> Territory:
    """The reference data (loaded once per process)."""
    return load()


def clear_caches() -> None:
    """Forget the loaded data and the indexes built on them (read again on next use)."""
    for cached in (territory, _by_identifier, _search_index):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def _clean_code(code: Any) -> str:
    text = str(code).strip().upper() if code is not None else ""
    compact = re.sub(r"[\s.]", "", text)
    return compact if compact.isalnum() else text


@functools.cache
def _by_identifier() -> Mapping[str, Entity]:
    data = territory()
    index: dict[str, Entity] = {}
    departement = dict(data.departement)
    index[departement["code"]] = departement
    index[departement["siren"]] = departement
    for commune in data.communes.values():
        index[commune["code"]] = commune
        index[commune["siren"]] = commune
    for epci in data.epcis.values():
        index[epci["siren"]] = epci
    return MappingProxyType(index)


def find_by_code(code: Any) -> Optional[Entity]:
    """The entity with this INSEE code (commune, département) or SIREN (any kind), or None."""
    entity = _by_identifier().get(_clean_code(code))
    return dict(entity) if entity is not None else None


def current_code(code: Any) -> Optional[str]:
    """The current INSEE code for a current or former commune code of the 31, or None."""
    cleaned = _clean_code(code)
    data = territory()
    if cleaned in data.communes:
        return cleaned
    return data.former_codes.get(cleaned)


def epci_of(insee: Any) -> Optional[Entity]:
    """The EPCI of a commune of the 31 (current or former INSEE code), or None."""
    code = current_code(insee)
    if code is None:
        return None
    epci = territory().epcis.get(territory().communes[code]["epci"])
    return dict(epci) if epci is not None else None


def communes_of(epci_siren: Any) -> list[Entity]:
    """The communes of the 31 that are members of an EPCI, by INSEE code; [] if unknown.

    Members outside the département are only listed in the EPCI's ``members``.
    """
    epci = territory().epcis.get(_clean_code(epci_siren))
    if epci is None:
        return []
    communes = territory().communes
    return [dict(communes[m["code"]]) for m in epci["members"] if m["code"] in communes]


# --------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------

_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}




@dataclass(frozen=True)
class _Entry:
    entity: Entity
    name: str
    squeezed: str
    words: tuple[str, ...]
    identifiers: tuple[str, ...]
    population: int
    key: str


@functools.cache
def _search_index() -> tuple[_Entry, ...]:
    data = territory()
    entities: list[Entity] = [dict(data.departement)]
    entities += list(data.epcis.values())
    entities += list(data.communes.values())
    entries = []
    for entity in entities:
        name = fold(entity["name"])
        identifiers = [entity["siren"]]
        if "code" in entity:
            identifiers.append(entity["code"])
        identifiers += entity.get("postcodes", [])
        entries.append(
            _Entry(
                entity=entity,
                name=name,
                squeezed=name.replace(" ", ""),
                words=tuple(name.split()),
                identifiers=tuple(identifiers),
                population=int(entity.get("population") or 0),
                key=entity.get("code", entity["siren"]),
            )
        )
    return tuple(entries)


def _rank_identifier(entry: _Entry, query: str) -> Optional[int]:
    if query in entry.identifiers:
        return 0
    if any(identifier.startswith(query) for identifier in entry.identifiers):
        return 1
    return None


def _rank_name(entry: _Entry, query: str, words: list[str]) -> Optional[int]:
    if entry.name == query:
        return 0
    if entry.name.startswith(query):
        return 1
    if all(any(w.startswith(q) for w in entry.words) for q in words):
        return 2
    if query in entry.name or query.replace(" ", "") in entry.squeezed:
        return 3
    return None


def search(query: Any, limit: Optional[int] = 20) -> list[Entity]:
    """Entities matching ``query`` on name (accent/case-insensitive), INSEE code, postcode or SIREN.

    Exact matches come first, then prefix matches, then word-prefix and substring matches of
    names; ties go to the larger population. ``limit=None`` returns every match.
    """
    if query is None:
        return []
    text = str(query).strip()
    compact = re.sub(r"[\s.]", "", text).upper()
    if compact and compact.isalnum() and any(c.isdigit() for c in compact):
        rank = functools.partial(_rank_identifier, query=compact)
    else:
        normalised = fold(text)
        if not normalised:
            return []
        words = [_ABBREVIATIONS.get(w, w) for w in normalised.split()]
        expanded = " ".join(words)
        rank = functools.partial(_rank_name, query=expanded, words=words)
    if limit is not None and limit <= 0:
        return []
    scored = []
    for entry in _search_index():
        score = rank(entry)
        if score is not None:
            scored.append((score, -entry.population, entry.name, entry.key, entry))
    scored.sort(key=lambda item: item[:4])
    if limit is not None:
        scored = scored[:limit]
    return [dict(item[4].entity) for item in scored]
