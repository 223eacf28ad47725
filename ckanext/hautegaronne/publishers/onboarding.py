"""Onboarding the publishers of the territory: the logic behind `ckan hautegaronne publishers`
and the "Ajouter une collectivité" page.

Organisations are created and updated through the action API, as the site user (so the
activity stream records who did it); the site user's automatic admin membership is removed
right after creation, so that a new publisher has no member until its first administrator
is appointed. Idempotent: an organisation that already holds the official data is left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from sqlalchemy import func

from .. import territory as ref
from . import types

__all__ = [
    "UnknownCode",
    "Outcome",
    "resolve",
    "territory_entities",
    "add",
    "add_all",
    "sync",
    "publishers",
    "current_organisation",
]

# Fields compared to decide whether an onboarded organisation is up to date.
_COMPARED = ("siren", "insee_code", "epci_nature", "population", "epci_siren", "official_name",
             "publisher_type", "adms_type")


class UnknownCode(Exception):
    """The code names no publisher of the territory (message for the user)."""


@dataclass(frozen=True)
class Outcome:
    status: str  # created | updated | unchanged
    name: str
    title: str
    type: str  # the publisher type

    def __str__(self) -> str:
        return f"{self.status:9} {self.type:12} {self.name}  ({self.title})"


def resolve(code: Any) -> dict:
    """The territory entity for an INSEE code (commune, "31") or a SIREN (any publisher)."""
    text = "" if code is None else str(code).strip()
    entity = ref.find_by_code(text)
    if entity is not None:
        return entity
    current = ref.current_code(text)
    if current is not None:
        commune = ref.territory().communes[current]
        raise UnknownCode(tk._("{code} is a former commune, now part of {name} ({current}): "
                               "use the code of the current commune.").format(
            code=text, name=commune["name"], current=current))
    raise UnknownCode(tk._("Unknown code {code}: give the INSEE code of a commune of the "
                           "Haute-Garonne (e.g. 31458), \"31\" for the Département, or the SIREN "
                           "of one of them or of an EPCI of the territory.").format(code=text or '""'))


def territory_entities() -> list[dict]:
    """The territory's publishers: the département, its EPCI and its communes (605 in the
    COG 2026: 1 + 18 + 586)."""
    data = ref.territory()
    return ([dict(data.departement)] + [dict(e) for e in data.epcis.values()]
            + [dict(c) for c in data.communes.values()])


def expected_extras(entity: dict) -> dict:
    """The reference fields an organisation of this entity stores (as strings)."""
    publisher_type = types.publisher_type_of_entity(entity)
    out = {k: v for k, v in types.official_fields(entity).items()
           if k not in ("name", "title", "type", "publisher_type")}
    for field in ("population", "epci_siren", "official_name", "publisher_type", "adms_type", "insee_code"):
        value = types.derived_value(field, publisher_type, entity)
        if value is not None:
            out[field] = value
    return {k: str(v) for k, v in out.items()}


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _context(user: str) -> dict:
    return {"user": user}


def _existing() -> dict[str, dict]:
    """name -> {id, type, publisher_type, title, state, extras} for every organisation
    (one query)."""
    groups = model.Session.query(model.Group.id, model.Group.name, model.Group.type,
                                 model.Group.title, model.Group.state, model.Group.extras) \
        .filter(model.Group.is_organization.is_(True)).all()
    by_id = {g.id: {"id": g.id, "name": g.name, "type": g.type,
                    "publisher_type": types.publisher_type_of(g.type, g.extras),
                    "title": g.title, "state": g.state, "extras": dict(g.extras or {})}
             for g in groups}
    return {g["name"]: g for g in by_id.values()}


def _retype(org_id: str, new_type: str) -> None:
    """CKAN refuses to change an organisation's type through the API; an organisation
    still typed by its publisher type (before ``publishers migrate``) becomes a CKAN
    ``organization`` here."""
    group = model.Group.get(org_id)
    group.type = new_type
    model.repo.commit()


def current_organisation(entity: dict, existing: dict) -> Optional[dict]:
    """The organisation already standing for ``entity``: by name, else (a commune or EPCI
    renamed by a new COG vintage: its name was derived from the former name) by its INSEE
    code or SIREN. ``existing``: organisations by name (as ``_existing`` returns them)."""
    name = types.org_name_for(entity)
    if name in existing:
        return existing[name]
    kind = entity["kind"]
    for org in existing.values():
        extras = org["extras"]
        if (kind == "commune" and org["publisher_type"] == "commune"
                and extras.get("insee_code") == entity["code"]):
            return org
        if kind == "epci" and org["publisher_type"] == "epci" and extras.get("siren") == entity["siren"]:
            return org
    return None


def add(entity: dict, existing: Optional[dict] = None, user: Optional[str] = None) -> Outcome:
    """Create or bring up to date the organisation of a territory entity.

    An organisation keeps its name (its URL) once created, even when the commune or EPCI is
    renamed; its title follows the official name unless the publisher chose its own.
    """
    user = user or _site_user()
    wanted = types.official_fields(entity)
    name, org_type = wanted["name"], wanted["publisher_type"]
    if existing is None:
        existing = _existing()
    current = current_organisation(entity, existing)
    if current is None:
        org = tk.get_action("organization_create")(_context(user), dict(wanted))
        creator = model.User.get(user)
        tk.get_action("member_delete")(
            {"user": user, "ignore_auth": True},
            {"id": org["id"], "object": creator.id, "object_type": "user"})
        return Outcome("created", name, org["title"], org_type)
    expected = expected_extras(entity)
    stored = current["extras"]
    retyped = current["publisher_type"] != org_type
    up_to_date = (not retyped and current["type"] == types.ORGANIZATION_TYPE
                  and current["state"] == "active"
                  and all(stored.get(k) == expected[k] for k in expected)
                  and not any(k in stored and k not in expected for k in _COMPARED))
    if up_to_date:
        return Outcome("unchanged", current["name"], current["title"], org_type)
    if current["type"] != types.ORGANIZATION_TYPE:
        _retype(current["id"], types.ORGANIZATION_TYPE)
    patch = {k: v for k, v in wanted.items() if k not in ("name", "title", "type")}
    # a renamed commune: follow the official name unless the publisher chose its own title
    if current["title"] in (stored.get("official_name"), None, "") or retyped:
        patch["title"] = wanted["title"]
    if current["state"] != "active":
        patch["state"] = "active"
    org = tk.get_action("organization_patch")(_context(user), {"id": current["id"], **patch})
    return Outcome("updated", org["name"], org["title"], org_type)


def add_all(entities: Optional[Iterable[dict]] = None,
            progress: Optional[Callable[[Outcome], None]] = None) -> list[Outcome]:
    """Onboard every publisher of the territory (or the given entities)."""
    user = _site_user()
    existing = _existing()
    outcomes = []
    for entity in (territory_entities() if entities is None else entities):
        outcome = add(entity, existing=existing, user=user)
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return outcomes


def sync() -> Iterator[str]:
    """Apply the COG vintage of the reference data to the onboarded publishers.

    Current communes, EPCI and the département get their official data refreshed (a renamed
    commune gets its new name unless it chose its own title). A commune merged into a
    commune nouvelle keeps its organisation and its datasets: the commune nouvelle is
    onboarded and the former one links to it (``merged_into``). Nothing is deleted.
    """
    user = _site_user()
    data = ref.territory()
    existing = _existing()
    for org in sorted(existing.values(), key=lambda o: o["name"]):
        if org["state"] != "active":
            continue
        extras = org["extras"]
        entity = None
        if org["publisher_type"] == "commune":
            code = extras.get("insee_code")
            if code in data.communes:
                entity = dict(data.communes[code])
            elif code in data.former_codes:
                new = dict(data.communes[data.former_codes[code]])
                outcome = add(new, existing=existing, user=user)
                existing = _existing() if outcome.status == "created" else existing
                if extras.get("merged_into") != outcome.name:
                    tk.get_action("organization_patch")(_context(user), {"id": org["id"]})
                    yield (tk._("{name}: former commune {code}, kept and linked to {new}")
                           .format(name=org["name"], code=code, new=outcome.name))
                continue
            else:
                yield tk._("{name}: INSEE code {code} is not in the reference data").format(
                    name=org["name"], code=code)
                continue
        elif org["publisher_type"] == "epci":
            entity = types.reference_entity("epci", siren=extras.get("siren"))
            if entity is None:
                yield tk._("{name}: SIREN {siren} is no longer an EPCI of the territory").format(
                    name=org["name"], siren=extras.get("siren"))
                continue
        elif org["publisher_type"] == "departement" and org["name"] == types.DEPARTEMENT_ORG_NAME:
            entity = dict(data.departement)
        if entity is None:
            continue
        outcome = add(entity, existing=existing, user=user)
        if outcome.status != "unchanged":
            yield str(outcome)


def publishers(types_: Iterable[str] = types.PUBLISHER_TYPES) -> list[dict]:
    """Onboarded publishers (active organisations of the given publisher types) with dataset
    counts."""
    counts = dict(model.Session.query(model.Package.owner_org, func.count(model.Package.id))
                  .filter(model.Package.state == "active", model.Package.type == "dataset")
                  .group_by(model.Package.owner_org).all())
    rows = []
    for org in _existing().values():
        if org["state"] != "active" or org["publisher_type"] not in types_:
            continue
        rows.append({**org, "dataset_count": counts.get(org["id"], 0)})
    order = {t: i for i, t in enumerate(types.PUBLISHER_TYPES)}
    rows.sort(key=lambda o: (order.get(o["publisher_type"], 99), o["title"].casefold()))
    return rows
