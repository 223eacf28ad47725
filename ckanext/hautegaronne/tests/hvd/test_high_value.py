"""High-value datasets: declared with their EU category, refused under a licence that is
not CC BY 4.0 or as open, and published as DCAT-AP HVD asks (official shapes 3.0.0 and
2.2.0: no violation), DCAT-AP 3.0.1 still valid."""
from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import FOAF, RDF, SKOS

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.tests.dcat import factories, shacl, test_shacl

TRANSPORT_NETWORKS = "http://data.europa.eu/bna/c_4b74ea13"
MOBILITY = "http://data.europa.eu/bna/c_b79e35eb"
ELI_2023_138 = rdflib.URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _refusal(app, data: dict) -> dict:
    """The errors of a package_create by an editor of the dataset's publisher (API)."""
    from ckan.tests import factories as ckan_factories
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": data["owner_org"], "username": user["name"], "role": "editor"})
    token = ckan_factories.APIToken(user=user["name"])["token"]
    response = app.post("/api/3/action/package_create", json=data,
                        headers={"Authorization": token}, status=409)
    return response.json["error"]


def _graph(app, name: str) -> rdflib.Graph:
    response = app.get(f"/dataset/{name}.ttl", status=200)
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


def _with_hvd_statements(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph with the dataset's and distributions' HVD statements added (what the
    feed would say if it declared a dataset high-value without its API)."""
    marked = rdflib.Graph()
    for triple in graph:
        marked.add(triple)
    category = rdflib.URIRef(TRANSPORT_NETWORKS)
    for subject in (*graph.subjects(RDF.type, DCAT.Dataset),
                    *graph.subjects(RDF.type, DCAT.Distribution)):
        marked.add((subject, DCATAP.applicableLegislation, ELI_2023_138))
        marked.add((subject, DCATAP.hvdCategory, category))
    marked.add((category, RDF.type, SKOS.Concept))
    marked.add((category, SKOS.inScheme, rdflib.URIRef("http://data.europa.eu/bna/asd487ae75")))
    marked.add((category, SKOS.prefLabel, rdflib.Literal("Transport networks", lang="en")))
    return marked


@pytest.mark.usefixtures("clean_all")
class TestHighValueDataset:
    def test_category_is_stored_as_its_iri_and_shown_in_french(self, app):
        org = factories.publisher("departement")
        created = factories.dataset(org, hvd_category="c_4b74ea13")
        assert tk.get_action("package_show")({}, {"id": created["id"]})["hvd_category"] == \
            TRANSPORT_NETWORKS
        page = app.get(f"/dataset/{created['name']}").get_data(as_text=True)
        assert "Mobilité : Réseaux de transport" in page

    def test_unknown_or_top_level_category_is_refused_in_french(self, app):
        org = factories.publisher("departement")
        for value, words in (("c_00000000", "Catégorie de données de forte valeur inconnue"),
                             (MOBILITY, "subdivision la plus précise")):
            error = _refusal(app, factories.dataset_fields(org, hvd_category=value))
            assert any(words in message for message in error["hvd_category"]), error
        assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0

    def test_a_licence_less_open_than_cc_by_is_refused_naming_it(self, app):
        org = factories.publisher("departement")
        error = _refusal(app, factories.dataset_fields(
            org, hvd_category=TRANSPORT_NETWORKS, license_id="odc-odbl"))
        [message] = error["license_id"]
        assert "Open Data Commons Open Database License (ODbL)" in message
        assert "CC BY 4.0" in message and "forte valeur" in message
        resources = [dict(factories.dataset_fields(org)["resources"][0], license="odc-odbl")]
        error = _refusal(app, factories.dataset_fields(
            org, hvd_category=TRANSPORT_NETWORKS, resources=resources))
        assert "ODbL" in str(error["resources"])
        assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0
        # The ODbL stays allowed for the other datasets.
        assert factories.dataset(org, license_id="odc-odbl")["license_id"] == "odc-odbl"

    def test_declaring_high_value_after_an_odbl_resource_is_refused(self, app):
        # an outside review: a resource under the ODbL first, then the category by
        # package_patch (CKAN does not validate unchanged resources again)
        org = factories.publisher("departement")
        resources = [dict(factories.dataset_fields(org)["resources"][0], license="odc-odbl",
                          name="Sous ODbL")]
        created = factories.dataset(org, resources=resources)
        with pytest.raises(tk.ValidationError) as refused:
            tk.get_action("package_patch")(factories.sysadmin_context(), {
                "id": created["id"], "hvd_category": TRANSPORT_NETWORKS})
        [message] = refused.value.error_dict["hvd_category"]
        assert "« Sous ODbL »" in message or '"Sous ODbL"' in message, message
        assert "ODbL" in message
        assert not tk.get_action("package_show")({}, {"id": created["id"]}).get("hvd_category")

    def test_feed_carries_dcat_ap_hvd_and_validates_against_its_shapes(self, app):
        org = factories.publisher("departement")
        created = factories.dataset(org, hvd_category=TRANSPORT_NETWORKS)

        # Nothing loaded in the DataStore yet: no API serves its data, and DCAT-AP HVD
        # 3.0.0 makes one mandatory, so the feed describes an ordinary dataset (valid
        # DCAT-AP 3.0.1) with none of the HVD statements, no data service.
        graph = _graph(app, created["name"])
        [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
        [distribution] = graph.objects(dataset, DCAT.distribution)
        assert list(graph.subjects(RDF.type, DCAT.DataService)) == []
        assert graph.value(distribution, DCAT.accessService) is None
        assert list(graph.triples((None, DCATAP.applicableLegislation, None))) == []
        assert list(graph.triples((None, DCATAP.hvdCategory, None))) == []
        assert graph.value(distribution, DCAT.downloadURL) is not None
        assert graph.value(distribution, DCT.rights) is not None
        assert shacl.violations(graph) == []
        # (the shapes of HVD 3.0.0 would refuse it as high-value: "A HVD dataset has an API")
        found = shacl.violations(_with_hvd_statements(graph), shacl.hvd_shapes("3.0.0"))
        assert [v["component"] for v in found if "servesDataset" in v["message"]
                and "accessService" in v["message"]] == ["MinCountConstraintComponent"]

        # Its CSV loaded into the DataStore: high-value, the DataStore API its data service.
        loaded = factories.load_into_datastore(created["name"])
        try:
            graph = _graph(app, created["name"])
        finally:
            factories.unload(loaded)
        [dataset] = graph.subjects(RDF.type, DCAT.Dataset)
        [distribution] = graph.objects(dataset, DCAT.distribution)
        [service] = graph.subjects(RDF.type, DCAT.DataService)
        assert graph.value(distribution, DCAT.accessService) == service
        for subject in (dataset, distribution, service):
            assert (subject, DCATAP.applicableLegislation, ELI_2023_138) in graph
            assert (subject, DCATAP.hvdCategory, rdflib.URIRef(TRANSPORT_NETWORKS)) in graph
        assert (service, DCAT.servesDataset, dataset) in graph
        assert graph.value(service, DCAT.endpointURL) == rdflib.URIRef(
            "http://test.ckan.net/api/3/action/datastore_search")
        assert graph.value(service, FOAF.page) is not None
        assert graph.value(service, DCAT.contactPoint) is not None
        # Legal information of the distribution: the licence (an EU licence-list match)
        # and the rights statement.
        licence = graph.value(distribution, DCT.license)
        assert licence == rdflib.URIRef(
            "http://publications.europa.eu/resource/authority/licence/ETALAB_2_0")
        assert graph.value(licence, SKOS.exactMatch) == rdflib.URIRef(
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
        assert (graph.value(distribution, DCT.rights), RDF.type, DCT.RightsStatement) in graph
        assert graph.value(distribution, DCAT.downloadURL) is not None  # the bulk download
        # udata tags the dataset "hvd" from the top-level category as a described theme.
        assert (dataset, DCAT.theme, rdflib.URIRef(MOBILITY)) in graph
        assert graph.value(rdflib.URIRef(MOBILITY), SKOS.prefLabel) is not None

        for release in ("3.0.0", "2.2.0"):
            found = shacl.violations(graph, shacl.hvd_shapes(release))
            assert found == [], (release, "loaded", shacl.summary(found))
        # DCAT-AP 3.0.1 on the catalog (it describes the concept schemes the feed uses).
        [catalog] = test_shacl.catalog_pages(app)
        assert shacl.violations(catalog) == []

    def test_a_dataset_that_is_not_high_value_has_none_of_it(self, app):
        org = factories.publisher("departement")
        graph = _graph(app, factories.dataset(org)["name"])
        assert not list(graph.triples((None, DCATAP.applicableLegislation, None)))
        assert not list(graph.subjects(RDF.type, DCAT.DataService))
        [distribution] = graph.subjects(RDF.type, DCAT.Distribution)
        assert graph.value(distribution, DCT.rights) is not None  # rights: for every dataset
