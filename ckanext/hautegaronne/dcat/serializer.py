"""Catalog pages: ckanext-dcat's serializer with Hydra paging as the Hydra spec has it."""
from __future__ import annotations

import math
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import HYDRA, RDFSerializer
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

DATASETS_PER_PAGE = 100
PAGE_PARAMS = ("q", "fq", "modified_since")


class HydraRDFSerializer(RDFSerializer):
    """The catalog is a ``hydra:Collection`` whose ``hydra:view`` is the current page, a
    ``hydra:PartialCollectionView`` with IRIs for first, previous, next and last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._catalog_ref = None

    def graph_from_catalog(self, catalog_dict=None):
        self._catalog_ref = super().graph_from_catalog(catalog_dict)
        return self._catalog_ref

    def _add_pagination_triples(self, paging_info: dict) -> Any:
        g = self.g
        g.bind("hydra", HYDRA)
        view = URIRef(paging_info["current"])
        g.add((view, RDF.type, HYDRA.PartialCollectionView))
        for key, predicate in (("first", HYDRA.first), ("previous", HYDRA.previous),
                               ("next", HYDRA.next), ("last", HYDRA.last)):
            if paging_info.get(key):
                g.add((view, predicate, URIRef(paging_info[key])))
        if self._catalog_ref is not None:
            g.add((self._catalog_ref, RDF.type, HYDRA.Collection))
            g.add((self._catalog_ref, HYDRA.view, view))
            g.add((self._catalog_ref, HYDRA.totalItems,
                   Literal(paging_info["count"], datatype=XSD.nonNegativeInteger)))
        return view


def datasets_per_page() -> int:
    return int(tk.config.get("ckanext.dcat.datasets_per_page") or DATASETS_PER_PAGE)


def page_number(value: Any) -> int:
    try:
        page = int(value or 1)
    except (TypeError, ValueError):
        page = 0
    if page < 1:
        raise tk.ValidationError({"page": [tk._("The page must be a whole number from 1.")]})
    return page


def paging_info(count: int, page: int, page_url: str, params: dict[str, Any]) -> dict:
    """Paging of a catalog page; ``page_url`` is the page's absolute URL without query."""
    if count == 0:
        return {}
    per_page = datasets_per_page()
    kept = [(k, params[k]) for k in PAGE_PARAMS if params.get(k)]

    def url(number: int) -> str:
        return page_url + "?" + urlencode(kept + [("page", number)])

    last = max(1, math.ceil(count / per_page))
    info = {"count": count, "items_per_page": per_page, "current": url(page),
            "first": url(1), "last": url(last)}
    if page > 1:
        info["previous"] = url(min(page - 1, last))
    if page < last:
        info["next"] = url(page + 1)
    return info


def serialize_page(catalog_dict: Optional[dict], search: dict, page: int, fmt: str,
                   page_url: str, params: dict, profiles=None) -> str:
    serializer = HydraRDFSerializer(profiles=profiles)
    info = paging_info(search["count"], page, page_url, params)
    output = serializer.serialize_catalog(catalog_dict or {}, search["results"], _format=fmt,
                                          pagination_info=info)
    return output.decode("utf-8") if isinstance(output, bytes) else output
