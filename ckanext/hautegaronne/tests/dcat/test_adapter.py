"""ckanext-dcat upgrades: the portal's serializer (``dcat/adapter.py``, the one module that
relies on ckanext-dcat beyond its extension points) must build the graph that
ckanext-dcat's own entry points build with the portal's profile, and the harvester must
read a page as ckanext-dcat's parser does; what the adapter and the profile override must
still exist upstream, and nothing else of the stock classes may be shadowed."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFParser, RDFProcessor, RDFSerializer
from ckanext.dcat.profiles import EuropeanDCATAP3Profile

from ckanext.hautegaronne.dcat import adapter, serializer
from ckanext.hautegaronne.dcat.profile import HauteGaronneDCATAPProfile, check_profiles_setting
from ckanext.hautegaronne.harvest.harvester import read_datasets

from . import factories

PROFILES = ["hautegaronne_dcat_ap"]
DATA = Path(__file__).resolve().parents[1] / "harvest" / "data"
# What a Python class always defines, and what each subclass overrides on purpose.
CLASS_BOOKKEEPING = {"__module__", "__doc__", "__qualname__", "__dict__", "__weakref__",
                     "__annotations__", "__firstlineno__", "__static_attributes__"}
PROFILE_OVERRIDES = {"__init__", "parse_dataset", "graph_from_dataset", "graph_from_catalog"}
SERIALIZER_OVERRIDES = {"__init__", "_load_profiles", "graph_from_dataset",
                        "graph_from_catalog"}


def _shadowed(subclass: type, base: type) -> set[str]:
    return (set(vars(subclass)) & set(dir(base))) - CLASS_BOOKKEEPING


def _parameters(cls: type, name: str) -> list[str]:
    return list(inspect.signature(getattr(cls, name)).parameters)


def test_the_profile_shadows_no_method_of_euro_dcat_ap_3():
    """Methods of its own with a stock name would silently replace the stock behaviour
    (ckanext-dcat 2.4.4 has a ``_spatial`` of its own, for one)."""
    assert _shadowed(HauteGaronneDCATAPProfile, EuropeanDCATAP3Profile) == PROFILE_OVERRIDES
    for name in PROFILE_OVERRIDES - {"__init__"}:
        assert _parameters(EuropeanDCATAP3Profile, name) == _parameters(
            HauteGaronneDCATAPProfile, name), name


def test_what_the_adapter_overrides_still_exists_upstream():
    assert _shadowed(adapter.PortalSerializer, RDFSerializer) == SERIALIZER_OVERRIDES
    assert list(inspect.signature(RDFProcessor._load_profiles).parameters) == [
        "self", "profile_names"]
    assert list(inspect.signature(RDFSerializer.graph_from_dataset).parameters) == [
        "self", "dataset_dict"]
    assert list(inspect.signature(RDFSerializer.graph_from_catalog).parameters) == [
        "self", "catalog_dict"]
    # The loaded profile classes, by name, are what the adapter instantiates.
    stock = RDFSerializer(profiles=PROFILES)
    assert stock._profiles == [HauteGaronneDCATAPProfile]
    assert adapter.PortalSerializer(profiles=PROFILES)._profiles == stock._profiles
    # ckanext-dcat's serialize_datasets passes a JSON-LD context to serialize_dataset.
    assert "context" in inspect.signature(RDFSerializer.serialize_dataset).parameters
    assert "context" in inspect.signature(serializer.HydraRDFSerializer.serialize_dataset
                                          ).parameters


def test_the_profile_is_configured_alone():
    check_profiles_setting("hautegaronne_dcat_ap")
    check_profiles_setting("euro_dcat_ap_3")
    with pytest.raises(RuntimeError, match="already includes euro_dcat_ap_3; list it alone"):
        check_profiles_setting("euro_dcat_ap_3 hautegaronne_dcat_ap")


def _assert_same_graph(expected: str, actual: str, fmt: str = "turtle") -> None:
    expected_graph = to_isomorphic(rdflib.Graph().parse(data=expected, format=fmt))
    actual_graph = to_isomorphic(rdflib.Graph().parse(data=actual, format=fmt))
    if not isomorphic(expected_graph, actual_graph):
        _both, only_stock, only_portal = graph_diff(expected_graph, actual_graph)
        pytest.fail("graphs differ\nonly from ckanext-dcat's serializer:\n"
                    + only_stock.serialize(format="nt")[:3000]
                    + "\nonly from the portal's:\n" + only_portal.serialize(format="nt")[:3000])


@pytest.fixture
def datasets(clean_all):
    roques, sicoval = factories.publisher("roques"), factories.publisher("sicoval")
    factories.publisher("departement")
    created = [
        factories.dataset(roques, identifier="equipements@roques.fr", contact=[],
                          spatial_coverage=[{"code": "31458"}],
                          resources=[{"name": "Liste", "url": "https://example.org/e.csv",
                                      "format": "CSV", "mimetype": "text/csv"},
                                     {"name": "Carte", "url": "https://example.org/e.geojson",
                                      "format": "GeoJSON", "license": "odc-odbl"}]),
        factories.dataset(roques, spatial_coverage=[{"code": "31458"}]),
        factories.dataset(sicoval, license_id="odc-odbl"),
    ]
    return [tk.get_action("package_show")({}, {"id": d["id"]}) for d in created]


def test_the_portal_serializer_builds_ckanext_dcats_graph(app, datasets):
    """The same catalog page and dataset through ckanext-dcat's stock ``RDFSerializer``
    (profile entry points, one profile instance per dataset) and through the portal's."""
    with app.flask_app.test_request_context():
        for fmt, rdflib_format in (("ttl", "turtle"), ("jsonld", "json-ld")):
            stock = RDFSerializer(profiles=PROFILES).serialize_catalog(
                {}, datasets, _format=fmt)
            portal = serializer.HydraRDFSerializer(profiles=PROFILES).serialize_catalog(
                {}, datasets, _format=fmt)
            _assert_same_graph(stock, portal, rdflib_format)
        stock = RDFSerializer(profiles=PROFILES).serialize_dataset(datasets[0], _format="ttl")
        portal = tk.get_action("dcat_dataset_show")(
            {}, {"id": datasets[0]["id"], "format": "ttl"})
        _assert_same_graph(stock, portal)
        # ckanext-dcat's serialize_datasets passes a JSON-LD context along.
        joined = serializer.HydraRDFSerializer(profiles=PROFILES).serialize_datasets(
            datasets[:1], _format="jsonld", context={"dcat": "http://www.w3.org/ns/dcat#"})
        assert '"dcat": "http://www.w3.org/ns/dcat#"' in joined


def test_the_harvester_reads_a_page_as_ckanext_dcats_parser(app):
    body = (DATA / "colomiers-catalog.rdf").read_bytes()
    with app.flask_app.test_request_context():
        stock = RDFParser(profiles=PROFILES)
        stock.parse(body, _format="xml")
        expected = list(stock.datasets())
        portal = RDFParser(profiles=PROFILES)
        portal.parse(body, _format="xml")
        read = list(read_datasets(portal))
    assert len(expected) >= 2
    assert [error for _ref, _dataset, error in read] == [None] * len(expected)
    assert sorted((d for _ref, d, _error in read), key=lambda d: d["title"]) == sorted(
        expected, key=lambda d: d["title"])
