"""Catalog pages: ckanext-dcat's serializer (through ``adapter``) with Hydra paging as the
Hydra spec has it."""
from __future__ import annotations

import contextlib
import gc
import math
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import HYDRA
from ckanext.dcat.utils import catalog_uri, url_to_rdflib_format
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, RDF, XSD

from .. import vocabularies
from .adapter import PortalSerializer

DATASETS_PER_PAGE = 100
PAGE_PARAMS = ("q", "fq", "modified_since")


# The namespaces of the IRIs a page repeats most, besides the vocabularies' own: rdflib's
# Turtle serializer looks every IRI up in its prefix table and only remembers the IRIs it
# can shorten; the others are split again on each occurrence. With these, a page
# serializes a third faster and is a tenth smaller (measured by bench/dcat_serialize.py).
PREFIXES = {
    "theme": vocabularies.THEME_BASE,
    "frequency": vocabularies.FREQUENCY_BASE,
    "filetype": vocabularies.FILE_TYPE_BASE,
    "language": vocabularies.LANGUAGE_BASE,
    "accessright": vocabularies.ACCESS_RIGHT_BASE,
    "commune": vocabularies.INSEE_GEO_BASE + "commune/",
    "epci": vocabularies.INSEE_GEO_BASE + "intercommunalite/",
    "departement": vocabularies.INSEE_GEO_BASE + "departement/",
    "mediatype": vocabularies.IANA_MEDIA_TYPES,
}


def bind_prefixes(graph) -> None:
    """The portal's prefixes: the ones above, and the portal's datasets and publishers."""
    base = catalog_uri().rstrip("/")
    for prefix, namespace in (*PREFIXES.items(), ("dataset", base + "/dataset/"),
                              ("publisher", base + "/organization/")):
        graph.bind(prefix, URIRef(namespace), override=False)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a page is built and serialized.

    Building a page allocates some 60,000 small objects (terms, triples, index entries):
    each few hundred allocations trigger a collection, and the older generations' ones walk
    the whole heap of the CKAN process; that took a fifth of the time of a page, and more
    of the portal's page than of the stock one (bench/dcat_serialize.py). A page holds no
    garbage cycle worth collecting early; the collector resumes (and catches up) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def add_hydra_view(graph, collection, paging_info: dict) -> URIRef:
    """The catalog as a ``hydra:Collection`` whose ``hydra:view`` is the current page, a
    ``hydra:PartialCollectionView`` with IRIs for first, previous, next and last (ckanext-
    dcat writes the deprecated ``hydra:PagedCollection`` with literals)."""
    graph.bind("hydra", HYDRA)
    view = URIRef(paging_info["current"])
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    for key, predicate in (("first", HYDRA.first), ("previous", HYDRA.previous),
                           ("next", HYDRA.next), ("last", HYDRA.last)):
        if paging_info.get(key):
            graph.add((view, predicate, URIRef(paging_info[key])))
    graph.add((collection, RDF.type, HYDRA.Collection))
    graph.add((collection, HYDRA.view, view))
    graph.add((collection, HYDRA.totalItems,
               Literal(paging_info["count"], datatype=XSD.nonNegativeInteger)))
    return view


class HydraRDFSerializer(PortalSerializer):
    """The portal's serializer: the portal's prefixes, Hydra paging as the Hydra spec has
    it, Python's collector paused while a page is built.

    It also serializes the dataset endpoint (``/dataset/<name>.rdf``...) with ckanext-dcat's
    own ``serialize_dataset``, so that a dataset is described alike there and in the
    catalog, at the same cost.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bind_prefixes(self.g)

    def serialize_catalog(self, catalog_dict=None, dataset_dicts=None, _format="xml",
                          pagination_info=None):
        """As ckanext-dcat's ``serialize_catalog``, from the same public graph methods,
        with ``add_hydra_view`` for the paging (the portal exposes no sub-catalogs)."""
        with _collector_paused():
            catalog_ref = self.graph_from_catalog(catalog_dict)
            for dataset_dict in dataset_dicts or []:
                self.g.add((catalog_ref, DCAT.dataset, self.graph_from_dataset(dataset_dict)))
            if pagination_info:
                add_hydra_view(self.g, catalog_ref, pagination_info)
            return self.g.serialize(format=url_to_rdflib_format(_format or "xml"))


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
