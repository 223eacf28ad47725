"""DCAT endpoints: a catalog per publisher, a charset on every RDF response, and a 400
for a malformed catalog query (ckanext-dcat's ``/catalog.<format>`` included)."""
from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from .actions import CatalogQueryError

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}

hautegaronne_dcat = Blueprint("hautegaronne_dcat", __name__)


def publisher_catalog(org_name: str, _format: str):
    """``/catalogue/<organisation>.<ttl|rdf|xml|jsonld>``: served directly, no redirect
    (a data.gouv.fr harvest source fails on any redirect)."""
    if _format not in MEDIA_TYPES:
        return tk.abort(404)
    args = tk.request.args
    data_dict = {"id": org_name, "format": _format, "page": args.get("page"),
                 "q": args.get("q"), "fq": args.get("fq"),
                 "modified_since": args.get("modified_since")}
    try:
        body = tk.get_action("hautegaronne_publisher_catalog_show")({}, data_dict)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))
    except tk.ValidationError as error:
        return tk.abort(409, str(error.error_dict))
    return Response(body, content_type=f"{MEDIA_TYPES[_format]}; charset=utf-8")


hautegaronne_dcat.add_url_rule("/catalogue/<org_name>.<_format>",
                               view_func=publisher_catalog, endpoint="publisher_catalog")
# The catalog's IRI: dereferenced, it answers in Turtle.
hautegaronne_dcat.add_url_rule("/catalogue/<org_name>", view_func=publisher_catalog,
                               endpoint="publisher_catalog_iri", defaults={"_format": "ttl"})

RDF_MEDIA_TYPES = frozenset(MEDIA_TYPES.values())


def malformed_catalog_query(error: CatalogQueryError) -> Response:
    """The catalogs (``/catalog.<format>``, ``/catalogue/<organisation>.<format>``): the
    client's query cannot be searched. ckanext-dcat's view lets the error through; the
    action API answers it itself (400)."""
    return Response(error.message + "\n", status=400, content_type="text/plain; charset=utf-8")


def declare_charset(response: Response) -> Response:
    """ckanext-dcat's endpoints (/catalog.ttl, /dataset/<id>.rdf...) answer without a charset:
    a consumer that decodes by the declared charset would then lose the accents."""
    if response.mimetype in RDF_MEDIA_TYPES and "charset" not in (
            response.headers.get("Content-Type") or ""):
        response.headers["Content-Type"] = f"{response.mimetype}; charset=utf-8"
    return response


def get_blueprints() -> list[Blueprint]:
    return [hautegaronne_dcat]
