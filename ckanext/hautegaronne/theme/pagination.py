"""Pagination links that screen readers can name.

CKAN's pager draws "previous" and "next" as bare chevron icons: links without an
accessible name (axe-core ``link-name``). The portal passes symbols that keep the icon,
hidden from assistive technologies, beside a visually hidden French label.
"""
from __future__ import annotations

import dominate.tags as tags

import ckan.plugins.toolkit as tk

_ICONS = {"previous": "fa-solid fa-chevron-left", "next": "fa-solid fa-chevron-right"}


def _labels() -> dict[str, str]:
    return {"previous": tk._("Previous page"), "next": tk._("Next page")}


def hautegaronne_pager_symbols() -> dict:
    """``symbol_previous`` and ``symbol_next`` for ``page.pager()``: dominate elements,
    since the pager escapes plain strings and Markup alike."""
    labels = _labels()
    return {
        f"symbol_{direction}": tags.span(
            tags.i(cls=icon, aria_hidden="true"),
            tags.span(labels[direction], cls="visually-hidden"))
        for direction, icon in _ICONS.items()
    }


def get_helpers() -> dict:
    return {"hautegaronne_pager_symbols": hautegaronne_pager_symbols}
