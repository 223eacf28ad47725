"""Editorial pages of the portal: the approach, the publishing guide, the
accessibility statement, the legal notice and the personal-data notice."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

__all__ = ["pages", "PAGES", "get_blueprints"]

pages = Blueprint("hautegaronne_pages", __name__)

# URL path -> (endpoint, template)
PAGES = {
    "/la-demarche": ("approach", "hautegaronne/pages/approach.html"),
    "/publier-vos-donnees": ("publish", "hautegaronne/pages/publish.html"),
    "/accessibilite": ("accessibility", "hautegaronne/pages/accessibility.html"),
    "/mentions-legales": ("legal", "hautegaronne/pages/legal.html"),
    "/donnees-personnelles": ("privacy", "hautegaronne/pages/privacy.html"),
}


def _page_view(template: str):
    def view():
        return tk.render(template)
    return view


for _path, (_endpoint, _template) in PAGES.items():
    pages.add_url_rule(_path, endpoint=_endpoint, view_func=_page_view(_template))


def tracking():
    """CKAN's tracking plugin records page views posted to /_tracking in an after-request
    hook but registers no route for it, so every page logged a 405. The hook still records
    the view; the route only answers it."""
    return "", 204


pages.add_url_rule("/_tracking", endpoint="tracking", view_func=tracking, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [pages]
