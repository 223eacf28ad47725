"""Template helpers of the portal (registered by the blanket in plugin.py)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import vocabularies
from .theme import helpers as _theme_helpers
from .theme.helpers import *  # noqa: F401,F403 (the theme's helpers)
from .harvest.helpers import hautegaronne_harvest_missing  # noqa: F401 (harvesting)
from .harvest.helpers import organizations_available  # noqa: F401 (chained core helper)
from .harvest.helpers import harvesters_info  # noqa: F401 (chained ckanext-harvest helper)
from .dcat.helpers import structured_data  # noqa: F401 (chained ckanext-dcat helper)
from .tabular import helpers as _tabular_helpers
from .tabular.helpers import *  # noqa: F401,F403 (the data pages' helpers)

__all__ = [
    "hautegaronne_logo_url",
    "hautegaronne_departement_name",
    "hautegaronne_theme_choices",
    "hautegaronne_frequency_choices",
    "hautegaronne_spatial_choices",
    "hautegaronne_licence_choices",
    "hautegaronne_publisher_catalog_url",
]
__all__ += _theme_helpers.__all__
__all__ += ["hautegaronne_harvest_missing", "organizations_available", "harvesters_info",
            "structured_data"]
__all__ += _tabular_helpers.__all__


def hautegaronne_logo_url() -> str:
    """URL of the header logo, configurable by the administrator."""
    return tk.config.get("ckanext.hautegaronne.logo_url")


def hautegaronne_departement_name() -> str:
    return tk.config.get("ckanext.hautegaronne.departement_name")


def hautegaronne_theme_choices(field: dict | None = None) -> list[dict]:
    """The 13 EU data themes, for scheming's ``choices_helper``."""
    return vocabularies.theme_choices()


def hautegaronne_frequency_choices(field: dict | None = None) -> list[dict]:
    """The EU update frequencies, for scheming's ``choices_helper``."""
    return vocabularies.frequency_choices()


def hautegaronne_spatial_choices(field: dict | None = None) -> list[dict]:
    """The territory's entities (département, EPCI, communes), for ``choices_helper``."""
    from .dcat import helpers as dcat_helpers
    return dcat_helpers.spatial_choices()


def hautegaronne_licence_choices(field: dict | None = None) -> list[dict]:
    """The portal's licences, for ``choices_helper``."""
    from .dcat import helpers as dcat_helpers
    return dcat_helpers.licence_choices()


def hautegaronne_publisher_catalog_url(org_name: str, fmt: str = "ttl") -> str:
    """Absolute URL of a publisher's own DCAT catalog, served without redirect."""
    from .dcat import helpers as dcat_helpers
    return dcat_helpers.publisher_catalog_url(org_name, fmt)
