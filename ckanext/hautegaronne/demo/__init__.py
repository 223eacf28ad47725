"""Demo content of the portal: publishers and datasets loaded by `make up`.

Idempotent: existing organisations and datasets are updated, never duplicated.
The figures are generated (seeded, so stable between runs) and labelled as such.
"""
from __future__ import annotations

import io
from typing import Iterator

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from . import datasets, publishers

DEPARTEMENT_ORG_NAME = "departement-haute-garonne"


def _site_context() -> dict:
    """A fresh context for the site user (a sysadmin): CKAN mutates contexts."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def ensure_dataset(data: dict, resources: list[dict]) -> dict:
    """Create or update a dataset; resources are matched by name."""
    try:
        existing = tk.get_action("package_show")(_site_context(), {"id": data["name"]})
    except tk.ObjectNotFound:
        existing = None
    if existing is None:
        dataset = tk.get_action("package_create")(_site_context(), dict(data))
    else:
        dataset = tk.get_action("package_patch")(_site_context(), {"id": existing["id"], **data})
    by_name = {r["name"]: r for r in dataset.get("resources", [])}
    for resource in resources:
        resource = dict(resource)
        content = resource.pop("content", None)
        if content is not None:
            resource["upload"] = FileStorage(io.BytesIO(content), filename=resource["filename"],
                                             content_type=resource.get("mimetype"))
            resource["url"] = resource.pop("filename")
        if resource["name"] in by_name:
            tk.get_action("resource_patch")(_site_context(), {"id": by_name[resource["name"]]["id"], **resource})
        else:
            tk.get_action("resource_create")(_site_context(), {"package_id": dataset["id"], **resource})
    return tk.get_action("package_show")(_site_context(), {"id": dataset["id"]})


def load(portal_admin: str | None = None) -> Iterator[str]:
    yield from publishers.load()
    if portal_admin:
        # The platform administrator works for the département: an admin of its
        # organisation, and bound by the ownership rules everywhere else.
        tk.get_action("organization_member_create")(
            _site_context(), {"id": DEPARTEMENT_ORG_NAME, "username": portal_admin, "role": "admin"})
        yield f"{portal_admin} is an admin of {DEPARTEMENT_ORG_NAME}"
    yield from datasets.load(ensure_dataset)
