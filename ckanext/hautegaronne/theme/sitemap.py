"""``/sitemap.xml``: what the public can read, for search engines (sitemaps.org 0.9).

Read from the database, not the search index: a sitemap stays whole while Solr is down. It
lists the editorial pages, the publisher directory and each active publisher, every public
active dataset, and the reuses and their list page, each with its last change where CKAN
records one.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ..reuses import REUSE_TYPE
from .views import PAGES

__all__ = ["sitemap", "get_blueprints", "entries"]

sitemap = Blueprint("hautegaronne_sitemap", __name__)


def _url(endpoint: str, **values) -> str:
    return tk.url_for(endpoint, _external=True, **values)


def entries() -> list[tuple[str, str | None]]:
    """(absolute URL, last change as an ISO date or None), in a stable order."""
    found: list[tuple[str, str | None]] = [(_url("home.index"), None)]
    found += [(_url(f"hautegaronne_pages.{endpoint}"), None) for endpoint, _ in PAGES.values()]
    found.append((_url("hautegaronne_publishers.directory"), None))
    found.append((_url("hautegaronne_reuses.index"), None))
    groups = model.Session.query(model.Group.name, model.Group.is_organization,
                                 model.Group.type).filter(
        model.Group.state == "active").order_by(model.Group.name)
    for name, is_organization, group_type in groups:
        if is_organization:
            found.append((_url("organization.read", id=name), None))
        elif group_type == REUSE_TYPE:
            found.append((_url("hautegaronne_reuses.read", name=name), None))
    datasets = model.Session.query(model.Package.name, model.Package.metadata_modified).filter(
        model.Package.state == "active", model.Package.private.is_(False),
        model.Package.type == "dataset").order_by(model.Package.name)
    found += [(_url("dataset.read", id=name), modified.date().isoformat() if modified else None)
              for name, modified in datasets]
    return found


@sitemap.route("/sitemap.xml")
def index() -> Response:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for location, modified in entries():
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(location)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", mimetype="application/xml")


def get_blueprints() -> list[Blueprint]:
    return [sitemap]
