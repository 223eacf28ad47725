"""Demo publishers: the département, its three affiliated bodies, three EPCI and two communes.

Territory publishers are onboarded from the reference data (official names, SIREN, INSEE
codes, populations, EPCI membership). The affiliated bodies are not in the COG: they publish
under the département's SIREN and have no SIRET of their own here.
"""
from __future__ import annotations

from typing import Iterator

import ckan.plugins.toolkit as tk

from ..publishers import onboarding

TERRITORY = [
    "31",         # Conseil départemental de la Haute-Garonne
    "243100633",  # CA du Sicoval
    "200068641",  # CA Le Muretain Agglo
    "243100518",  # Toulouse Métropole
    "31458",      # Roques
    "31555",      # Toulouse
]

DEPARTEMENT_SIREN = "223100017"

AFFILIATED_BODIES = [
    {
        "name": "archives-departementales-haute-garonne",
        "title": "Archives départementales de la Haute-Garonne",
        "description": "Les Archives départementales collectent, conservent et communiquent "
                       "les archives publiques du département.",
    },
    {
        "name": "musee-resistance-deportation-haute-garonne",
        "title": "Musée départemental de la Résistance et de la Déportation",
        "description": "Le musée départemental transmet l'histoire de la Résistance et de la "
                       "Déportation en Haute-Garonne.",
    },
    {
        "name": "laboratoire-departemental-31-eva",
        "title": "Laboratoire départemental 31 EVA",
        "description": "Le laboratoire départemental (eau, vétérinaire, air) réalise des "
                       "analyses pour les collectivités et les particuliers.",
    },
]


def _ensure_affiliated(data: dict, user: str) -> str:
    data = {"type": "organization", "publisher_type": "etablissement", "siren": DEPARTEMENT_SIREN,
            **data}
    try:
        existing = tk.get_action("organization_show")({"user": user}, {"id": data["name"]})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")({"user": user}, dict(data))
        return "created"
    tk.get_action("organization_patch")({"user": user}, {"id": existing["id"], **data})
    return "updated"


def load() -> Iterator[str]:
    for code in TERRITORY:
        outcome = onboarding.add(onboarding.resolve(code))
        yield f"organisation {outcome.name} ({outcome.status})"
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    for body in AFFILIATED_BODIES:
        yield f"organisation {body['name']} ({_ensure_affiliated(body, user)})"
