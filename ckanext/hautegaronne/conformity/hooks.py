"""When a resource is created or updated, a check is queued if its file or its schema
changed since its last report (``reports.request_check``)."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

from . import reports

log = logging.getLogger(__name__)


def resource_saved(resource: dict) -> None:
    try:
        dataset = tk.get_action("package_show")({"ignore_auth": True},
                                                {"id": resource["package_id"]})
        reports.request_check(resource, dataset)
    except Exception:  # Redis down must not refuse the publisher's upload
        log.exception("could not queue the conformity check of %s", resource.get("id"))
