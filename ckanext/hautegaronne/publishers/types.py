"""Publisher types, their ADMS types, and the official data each one reads from the territory.

Pure functions over the reference data (``ckanext.hautegaronne.territory``): no CKAN calls.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from .. import territory as ref
from ..text import slug

__all__ = [
    "PUBLISHER_TYPES",
    "GENERIC_TYPE",
    "ORGANIZATION_TYPE",
    "publisher_type_of",
    "publisher_type_alias",
    "ADMS_BASE",
    "EPCI_NATURES",
    "DEPARTEMENT_ORG_NAME",
    "adms_type",
    "org_name_for",
    "publisher_type_of_entity",
    "official_fields",
    "reference_entity",
]

# The kinds of publisher. Each has its own form, rules and reference data, declared in the
# one organisation schema (schemas/organization/organization.yaml) by its field
# ``publisher_type``: to CKAN and its clients every publisher is an ``organization``, as CKAN
# documents it (organization_list without a type lists them all).
PUBLISHER_TYPES = ("departement", "etablissement", "epci", "commune", "syndicat")
# CKAN's organisation type: the only one the portal's publishers have.
ORGANIZATION_TYPE = "organization"
GENERIC_TYPE = ORGANIZATION_TYPE
# The publisher type of an organisation created without one (the schema's default).
DEFAULT_PUBLISHER_TYPE = "etablissement"

ADMS_BASE = "http://purl.org/adms/publishertype/"
_ADMS = {
    "departement": "RegionalAuthority",
    "etablissement": "LocalAuthority",
    "epci": "LocalAuthority",
    "commune": "LocalAuthority",
    "syndicat": "LocalAuthority",
}

EPCI_NATURES = ("CC", "CA", "CU", "METRO")

DEPARTEMENT_ORG_NAME = "departement-haute-garonne"

# "CA du Sicoval" -> "Sicoval", "CC des Coteaux du Savès" -> "Coteaux du Savès"
_EPCI_PREFIX = re.compile(
    r"^(?:CC|CA|CU|Communauté (?:de communes|d'agglomération|urbaine))\s+"
    r"(?:de la |de l'|des |du |de |d')?",
    re.IGNORECASE,
)


def publisher_type_of(org_type: Optional[str], extras: Optional[dict] = None) -> Optional[str]:
    """The publisher type of an organisation, from its CKAN type and its stored fields
    (``publisher_type``, an extra or a scheming field of an organisation dict).

    Organisations created before the publisher types became a field had their publisher type
    as their CKAN type: that is read too, until ``ckan hautegaronne publishers migrate``
    has run.
    """
    if org_type in PUBLISHER_TYPES:
        return org_type
    value = (extras or {}).get("publisher_type")
    return value if value in PUBLISHER_TYPES else None


def publisher_type_alias(org_type: Any) -> Optional[str]:
    """The publisher type a client meant when it sent one as an organisation's CKAN type
    (``type: commune``, as the portal's organisations were typed before), else None."""
    return org_type if isinstance(org_type, str) and org_type in PUBLISHER_TYPES else None


def adms_type(publisher_type: Optional[str]) -> Optional[str]:
    """Full ADMS publisher-type IRI of a publisher type, or None."""
    local = _ADMS.get(publisher_type or "")
    return ADMS_BASE + local if local else None


def publisher_type_of_entity(entity: dict) -> str:
    return {"departement": "departement", "commune": "commune", "epci": "epci"}[entity["kind"]]


def org_name_for(entity: dict) -> str:
    """Stable, readable organisation name (URL slug) of a territory entity.

    Communes: ``roques-31458``; EPCI: ``sicoval-243100633``; the département:
    ``departement-haute-garonne``. The code keeps the slug unique and stable if a
    commune is renamed.
    """
    kind = entity["kind"]
    if kind == "departement":
        return DEPARTEMENT_ORG_NAME
    if kind == "commune":
        return f"{slug(entity['name'])}-{entity['code']}"
    short = _EPCI_PREFIX.sub("", entity["name"]).strip() or entity["name"]
    return f"{slug(short)}-{entity['siren']}"


def _title_for(entity: dict) -> str:
    if entity["kind"] == "departement":
        return f"Conseil départemental de la {entity['name']}"
    return entity["name"]


def reference_entity(publisher_type: Optional[str], insee_code: Any = None,
                     siren: Any = None) -> Optional[dict]:
    """The territory entity an organisation of this type stands for, or None.

    Communes are found by INSEE code (current code only), EPCI by SIREN, and every
    ``departement`` organisation stands for the département.
    """
    if publisher_type == "departement":
        return dict(ref.territory().departement)
    if publisher_type == "commune" and insee_code:
        entity = ref.find_by_code(insee_code)
        return entity if entity and entity["kind"] == "commune" else None
    if publisher_type == "epci" and siren:
        entity = ref.find_by_code(siren)
        return entity if entity and entity["kind"] == "epci" else None
    return None


def derived_value(field_name: str, publisher_type: Optional[str], entity: Optional[dict]) -> Any:
    """Value of a field read from the reference data (None when it does not apply)."""
    if field_name == "publisher_type":
        return publisher_type
    if field_name == "adms_type":
        return adms_type(publisher_type)
    if entity is None:
        return None
    if field_name == "population":
        return str(entity["population"]) if entity.get("population") is not None else None
    if field_name == "epci_siren":
        return entity.get("epci") if entity["kind"] == "commune" else None
    if field_name == "insee_code" and entity["kind"] == "departement":
        return entity["code"]
    if field_name == "official_name":
        return entity["name"]
    return None


def merged_into(insee_code: Any) -> Optional[str]:
    """Organisation name of the commune nouvelle a former commune was merged into, or None."""
    if not insee_code:
        return None
    code = str(insee_code).strip().upper()
    current = ref.current_code(code)
    if current is None or current == code:
        return None
    return org_name_for(dict(ref.territory().communes[current]))


def official_fields(entity: dict) -> dict:
    """The organisation dict (without derived fields) for a territory entity."""
    data = {
        "name": org_name_for(entity),
        "title": _title_for(entity),
        "type": ORGANIZATION_TYPE,
        "publisher_type": publisher_type_of_entity(entity),
        "siren": entity["siren"],
    }
    if entity["kind"] == "commune":
        data["insee_code"] = entity["code"]
    if entity["kind"] == "epci":
        data["epci_nature"] = entity["nature"]
    return data
