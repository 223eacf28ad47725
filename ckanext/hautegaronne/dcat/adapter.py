"""The one module that relies on ckanext-dcat beyond its documented extension points.

Everything else of the portal uses ckanext-dcat as documented: a profile subclassing
``euro_dcat_ap_3`` (``profile.py``), the serializer's public methods (``serializer.py``),
and the parser's graph (``harvest/harvester.py``). What is here is there for speed, and
relies on two details of ``ckanext.dcat.processors.RDFProcessor`` (2.4.4):

* ``_load_profiles(names)``, the hook that resolves profile names to classes through the
  ``ckan.rdf.profiles`` entry points, which scans every installed distribution on every
  serializer (three quarters of the cost of the schema.org description embedded in every
  dataset page): here the classes are looked up once per process;
* ``_profiles``, the loaded classes, instantiated here once per serializer instead of once
  per dataset by the stock ``graph_from_dataset``: each instantiation looks the scheming
  schema up, and the portal's profile keeps a page's publishers and shared nodes
  (locations, licences, agents) on its instance.

``tests/dcat/test_adapter.py`` serializes the same datasets and catalog through the stock
``RDFSerializer`` and through this one and requires the same graph, and checks what this
module overrides still exists upstream: an upgrade of ckanext-dcat that changes these
details fails that test instead of a feed.
"""
from __future__ import annotations

from typing import Optional

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri, dataset_uri
from rdflib import URIRef

# Profile classes by tuple of names (entry points do not change while the process runs).
_PROFILE_CLASSES: dict[tuple[str, ...], tuple] = {}


class PortalSerializer(RDFSerializer):
    """ckanext-dcat's ``RDFSerializer``, with profile classes loaded once per process and
    profiles instantiated once per serializer; a catalog may carry its own IRI
    (``catalog_dict["uri"]``, a publisher's catalog) instead of the site's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._profile_instances: Optional[list] = None

    def _load_profiles(self, profile_names):
        key = tuple(profile_names)
        if key not in _PROFILE_CLASSES:
            _PROFILE_CLASSES[key] = tuple(super()._load_profiles(list(profile_names)))
        return list(_PROFILE_CLASSES[key])

    def profiles(self) -> list:
        """The profile instances of this serializer, in the configured order."""
        if self._profile_instances is None:
            self._profile_instances = [
                profile_class(self.g, compatibility_mode=self.compatibility_mode)
                for profile_class in self._profiles]
        return self._profile_instances

    def graph_from_dataset(self, dataset_dict):
        dataset_ref = URIRef(dataset_uri(dataset_dict))
        for profile in self.profiles():
            profile.graph_from_dataset(dataset_dict, dataset_ref)
        return dataset_ref

    def graph_from_catalog(self, catalog_dict=None):
        catalog_ref = URIRef((catalog_dict or {}).get("uri") or catalog_uri())
        for profile in self.profiles():
            profile.graph_from_catalog(catalog_dict, catalog_ref)
        return catalog_ref
