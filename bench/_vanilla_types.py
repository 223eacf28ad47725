"""The only plugin the benchmarks add to vanilla CKAN: it declares the portal's publisher
types as organisation types (CKAN core builds a dataset's breadcrumb and a publisher's URL
from its organisation type, and fails on a type no plugin declares). No schema, template,
helper or action: CKAN's default organisation form and pages serve them.

Registered at run time under the entry point ``bench_publisher_types`` by
``page_cost.py`` (a ``.dist-info`` folder on the server's PYTHONPATH)."""
from __future__ import annotations

import ckan.plugins as p
from ckan.lib.plugins import DefaultOrganizationForm

from ckanext.hautegaronne.publishers.types import PUBLISHER_TYPES


class PublisherTypesPlugin(p.SingletonPlugin, DefaultOrganizationForm):
    p.implements(p.IGroupForm, inherit=True)
    is_organization = True  # IGroupForm's default is a group

    def group_types(self) -> tuple[str, ...]:
        return PUBLISHER_TYPES

    def is_fallback(self) -> bool:
        return False
