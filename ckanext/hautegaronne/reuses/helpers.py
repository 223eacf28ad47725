"""Template helpers of reuses (exported by the package helpers.py)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckan import model

from . import logic, mail, search

__all__ = ["hautegaronne_dataset_reuses", "hautegaronne_reuse_types",
           "hautegaronne_publisher_reachable",
           "hautegaronne_dashboard_reuses",
           "hautegaronne_can_moderate_reuses"]


def hautegaronne_dataset_reuses(package_id: str) -> list[dict]:
    return search.for_datasets([package_id])


def hautegaronne_publisher_reachable(owner_org: str | None) -> bool:
    """Whether the dataset's publisher can be written to through the portal (a contact
    e-mail, or an admin with an address): else its contact page is a 404."""
    org = model.Group.get(owner_org) if owner_org else None
    return org is not None and bool(mail.publisher_addresses(org))


def hautegaronne_reuse_types() -> dict:
    return logic.REUSE_TYPES


def hautegaronne_can_moderate_reuses() -> bool:
    return current_user.is_authenticated and logic.can_moderate(current_user.name)


def hautegaronne_dashboard_reuses() -> dict:
    """For the signed-in user's dashboard: the reuses of their publishers' datasets,
    and (département's editors) the number of proposals waiting."""
    if not current_user.is_authenticated:
        return {"reuses": [], "pending": None}
    orgs = tk.get_action("organization_list_for_user")(
        {"user": current_user.name}, {"id": current_user.id, "permission": "read"})
    pending = None
    if logic.can_moderate(current_user.name):
        pending = len(tk.get_action("hautegaronne_reuse_proposal_list")(
            {"user": current_user.name}, {}))
    return {"reuses": search.for_publishers([o["id"] for o in orgs]), "pending": pending}


def get_helpers() -> dict:
    return {name: globals()[name] for name in __all__}
