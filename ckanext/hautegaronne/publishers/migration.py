"""``ckan hautegaronne publishers migrate``: organisations created when each publisher type
was a CKAN organisation type of its own become CKAN ``organization``s, their publisher type
kept in their field ``publisher_type`` (run by ``make up``; idempotent).

The datasets (and harvest sources) of a migrated organisation are reindexed: the search
index keeps a copy of their organisation, type included, that clients read.
"""
from __future__ import annotations

import ckan.model as model
from ckan.lib import search

from . import types

__all__ = ["migrate"]


def migrate() -> list[str]:
    """Migrates every organisation still typed by its publisher type; returns their names."""
    legacy = (model.Session.query(model.Group)
              .filter(model.Group.is_organization.is_(True),
                      model.Group.type.in_(types.PUBLISHER_TYPES))
              .order_by(model.Group.name).all())
    if not legacy:
        return []
    for group in legacy:
        # a new dict: the extras column is JSON, changed in place it would not be saved
        group.extras = {**(group.extras or {}), "publisher_type": group.type}
        group.type = types.ORGANIZATION_TYPE
    ids = [group.id for group in legacy]
    names = [group.name for group in legacy]
    model.repo.commit()
    packages = [row[0] for row in model.Session.query(model.Package.id)
                .filter(model.Package.owner_org.in_(ids), model.Package.state != "deleted")]
    if packages:
        search.rebuild(package_ids=packages)
        search.commit()  # rebuild defers the commit of a list of datasets
    return names
