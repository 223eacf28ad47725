"""Catalog pages: ckanext-dcat's serializer with Hydra paging as the Hydra spec has it."""
from __future__ import annotations

import contextlib
import functools
import gc
import math
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import HYDRA, RDFSerializer
from ckanext.dcat.utils import catalog_uri, dataset_uri, resource_uri
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..standard.dataset import without_mirrored_extras

DATASETS_PER_PAGE = 100
PAGE_PARAMS = ("q", "fq", "modified_since")


@functools.lru_cache(maxsize=32)
def profile_classes(names: tuple[str, ...]) -> tuple:
    """Profile classes by name (entry points do not change while the process runs)."""
    return tuple(RDFSerializer._load_profiles(None, list(names)))


EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
# The namespaces of the IRIs a page repeats most, besides the vocabularies' own: rdflib's
# Turtle serializer looks every IRI up in its prefix table and only remembers the IRIs it
# can shorten; the others are split again on each occurrence. With these, a page
# serializes a third faster and is a tenth smaller (measured by bench/dcat_serialize.py).
PREFIXES = {
    "theme": EU_AUTHORITY + "data-theme/",
    "frequency": EU_AUTHORITY + "frequency/",
    "filetype": EU_AUTHORITY + "file-type/",
    "language": EU_AUTHORITY + "language/",
    "accessright": EU_AUTHORITY + "access-right/",
    "commune": "http://id.insee.fr/geo/commune/",
    "epci": "http://id.insee.fr/geo/intercommunalite/",
    "departement": "http://id.insee.fr/geo/departement/",
    "mediatype": "https://www.iana.org/assignments/media-types/",
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


class HydraRDFSerializer(RDFSerializer):
    """The catalog is a ``hydra:Collection`` whose ``hydra:view`` is the current page, a
    ``hydra:PartialCollectionView`` with IRIs for first, previous, next and last.

    It also serializes the dataset endpoint (``/dataset/<name>.rdf``...), so that a dataset
    is described alike there and in the catalog, at the same cost.

    Faster than its parent on a page of datasets (measured by bench/dcat_serialize.py):
    profile classes are loaded once per process, profiles are instantiated once per page
    rather than once per dataset (each instantiation looks up the scheming schema), and the
    publishers of a page are read in one query.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._catalog_ref = None
        self._instances = None
        bind_prefixes(self.g)

    def _load_profiles(self, profile_names):
        return list(profile_classes(tuple(profile_names)))

    def _profile_instances(self) -> list:
        if self._instances is None:
            self._instances = [cls(self.g, compatibility_mode=self.compatibility_mode)
                               for cls in self._profiles]
        return self._instances

    def graph_from_dataset(self, dataset_dict):
        # the coverage extras package_show adds for CKAN clients repeat the portal's own
        # fields, which the profiles already render (standard/dataset.py)
        dataset_dict = without_mirrored_extras(dataset_dict)
        dataset_ref = URIRef(dataset_uri(dataset_dict))
        profiles = self._profile_instances()
        # Each profile sees the dataset as the later profiles of the chain narrow it for
        # their predecessors (``upstream_dataset``): what a later profile replaces is not
        # rendered by an earlier one for nothing.
        views = [dataset_dict] * len(profiles)
        for index in range(len(profiles) - 1, 0, -1):
            narrow = getattr(profiles[index], "upstream_dataset", None)
            views[index - 1] = narrow(views[index]) if narrow else views[index]
        for profile, view in zip(profiles, views):
            profile.graph_from_dataset(view, dataset_ref)
        return dataset_ref

    def serialize_dataset(self, dataset_dict, _format="xml"):
        # The publisher from its row, as on catalog pages (organization_show would also
        # count its datasets in Solr, a third of the time of a dataset's RDF).
        from .profile import prefetch_organizations
        prefetch_organizations(self.g, [dataset_dict])
        return super().serialize_dataset(dataset_dict, _format=_format)

    def serialize_catalog(self, catalog_dict=None, dataset_dicts=None, _format="xml",
                          pagination_info=None):
        from .profile import prefetch_organizations
        prefetch_organizations(self.g, dataset_dicts or [])
        # Distribution IRIs, computed once (every profile of the chain needs them).
        for dataset in dataset_dicts or []:
            for resource in dataset.get("resources", []):
                if not resource.get("uri"):
                    resource["uri"] = resource_uri(resource)
        with _collector_paused():
            return super().serialize_catalog(catalog_dict, dataset_dicts, _format=_format,
                                             pagination_info=pagination_info)

    def graph_from_catalog(self, catalog_dict=None):
        uri = (catalog_dict or {}).get("uri")
        if not uri:
            self._catalog_ref = super().graph_from_catalog(catalog_dict)
            return self._catalog_ref
        # A publisher's catalog is a catalog of its own, not the portal's under its IRI.
        self._catalog_ref = URIRef(uri)
        for profile in self._profile_instances():
            profile.graph_from_catalog(catalog_dict, self._catalog_ref)
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
