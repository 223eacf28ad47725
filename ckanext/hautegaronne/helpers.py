"""Template helpers of the portal as a whole (registered by the plugin, see
``registration``; each concern's own helpers are in its package)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import vocabularies


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


def hautegaronne_search_unavailable() -> bool:
    """Whether this request found search (Solr) down: pages show a notice in place of what
    search would have listed."""
    from .operations import search_outage
    return search_outage.outage_noted()


def hautegaronne_publisher_datasets_from_database(org_id: str, limit: int = 20) -> dict:
    """A publisher's datasets read from the database (``count``, the ``limit`` most recently
    updated): its page's list while search is down."""
    from .operations import search_outage
    return search_outage.publisher_datasets(org_id, limit)


def get_helpers() -> dict:
    return {
        "hautegaronne_logo_url": hautegaronne_logo_url,
        "hautegaronne_departement_name": hautegaronne_departement_name,
        "hautegaronne_theme_choices": hautegaronne_theme_choices,
        "hautegaronne_frequency_choices": hautegaronne_frequency_choices,
        "hautegaronne_search_unavailable": hautegaronne_search_unavailable,
        "hautegaronne_publisher_datasets_from_database":
            hautegaronne_publisher_datasets_from_database,
    }
