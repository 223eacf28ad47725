"""The public directory of publishers (/producteurs), usable with the whole territory
onboarded (some 600 publishers): a search by name or code, filters by publisher type and
by intercommunality (an EPCI and its member communes), dataset counts and logos."""
from __future__ import annotations

from typing import Any, Mapping

import ckan.plugins.toolkit as tk
from ckan import model

from .. import text
from .. import territory as ref
from . import onboarding, types

__all__ = ["Filters", "filters_from", "listing", "epci_choices", "type_choices",
           "hautegaronne_epci", "get_helpers"]


def _normalise(value: Any) -> str:
    """"Saint-Lys" and "saint lys" match (text.fold)."""
    return text.fold(value or "")


class Filters(dict):
    """The directory's filters from the query string: ``q``, ``type``, ``epci``, ``data``
    (only publishers with datasets). Unknown values are ignored, not errors."""

    @property
    def active(self) -> bool:
        return any(self.values())


def filters_from(args: Mapping[str, str]) -> Filters:
    kind = args.get("type", "")
    epci = args.get("epci", "")
    return Filters(q=(args.get("q") or "").strip()[:100],
                   type=kind if kind in types.PUBLISHER_TYPES else "",
                   epci=epci if epci in ref.territory().epcis else "",
                   data="1" if args.get("data") == "1" else "")


def _epci_of(row: dict) -> str | None:
    extras = row.get("extras") or {}
    if row["publisher_type"] == "epci":
        return extras.get("siren")
    if row["publisher_type"] == "commune":
        epci = ref.epci_of(extras.get("insee_code"))
        return epci["siren"] if epci else extras.get("epci_siren")
    return None


def _logos() -> dict[str, str]:
    """Organisation id -> address of its logo, for those that have one (one query)."""
    rows = (model.Session.query(model.Group.id, model.Group.image_url)
            .filter(model.Group.is_organization.is_(True), model.Group.state == "active",
                    model.Group.image_url.isnot(None), model.Group.image_url != ""))
    logos = {}
    for org_id, image_url in rows:
        logos[org_id] = image_url if "://" in image_url or image_url.startswith("/") \
            else tk.h.url_for_static(f"uploads/group/{image_url}")
    return logos


def listing(filters: Filters) -> list[dict]:
    """The onboarded publishers that pass the filters, with dataset counts, their EPCI's
    name and their logo, in the directory's order."""
    words = _normalise(filters["q"]).split()
    epcis = ref.territory().epcis
    logos = _logos()
    rows = []
    for row in onboarding.publishers():
        epci = _epci_of(row)
        if filters["type"] and row["publisher_type"] != filters["type"]:
            continue
        if filters["epci"] and epci != filters["epci"]:
            continue
        if filters["data"] and not row["dataset_count"]:
            continue
        if words:
            extras = row.get("extras") or {}
            haystack = _normalise(" ".join(str(v) for v in (
                row["title"], row["name"], extras.get("insee_code"), extras.get("siren")) if v))
            if not all(word in haystack for word in words):
                continue
        rows.append({**row, "logo": logos.get(row["id"]),
                     "epci_name": epcis[epci]["name"]
                     if epci in epcis and row["publisher_type"] == "commune" else None})
    return rows


def epci_choices() -> list[dict]:
    """The intercommunalities of the territory, by name."""
    return sorted(({"value": siren, "label": epci["name"]}
                   for siren, epci in ref.territory().epcis.items()),
                  key=lambda choice: _normalise(choice["label"]))


def type_choices() -> list[dict]:
    return [{"value": kind, "label": tk.h.hautegaronne_publisher_type_label(kind)}
            for kind in types.PUBLISHER_TYPES]


def hautegaronne_epci(siren: Any) -> dict | None:
    """An intercommunality of the territory by SIREN: ``name`` and ``url``, its page on the
    portal when it publishes here, else the directory filtered on its territory."""
    epci = ref.territory().epcis.get(str(siren or ""))
    if not epci:
        return None
    # The active organisations with this SIREN, the EPCI among them: one short query (every
    # commune's page shows its EPCI; reading all the publishers with their dataset counts,
    # as the directory does, was most of the publisher page's cost over vanilla CKAN at
    # the territory's size, bench/page_cost.py).
    rows = model.Session.query(model.Group.name, model.Group.title, model.Group.type,
                               model.Group.extras).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active",
        model.Group.extras["siren"].astext == epci["siren"]).all()
    found = sorted((row for row in rows if types.publisher_type_of(row.type, row.extras) == "epci"),
                   key=lambda row: (row.title or "").casefold())
    if found:
        return {"name": found[0].title or epci["name"],
                "url": tk.h.url_for("organization.read", id=found[0].name)}
    return {"name": epci["name"],
            "url": tk.h.url_for("hautegaronne_publishers.directory", epci=epci["siren"])}


def get_helpers() -> dict:
    return {"hautegaronne_epci": hautegaronne_epci}
