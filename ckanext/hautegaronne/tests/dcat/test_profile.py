"""The DCAT feed: what national catalogues read, charsets, Hydra paging, publisher catalogs."""
from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS as DCT, FOAF, RDF, SKOS, XSD

import ckan.plugins.toolkit as tk

from . import factories

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
LOCN = rdflib.Namespace("http://www.w3.org/ns/locn#")
GSP = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
# Licences as EU licence-list IRIs (the MQA's vocabulary), linked to their pages.
ETALAB = URIRef("http://publications.europa.eu/resource/authority/licence/ETALAB_2_0")
ODBL = URIRef("http://publications.europa.eu/resource/authority/licence/ODC_BL")
ETALAB_PAGE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")


def _graph(response, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format=fmt)


def _dataset_ref(graph: rdflib.Graph, identifier: str):
    [ref] = graph.subjects(DCT.identifier, Literal(identifier))
    return ref


@pytest.mark.usefixtures("clean_all")
class TestFeed:
    def test_dataset_carries_what_national_catalogues_read(self, app):
        org = factories.publisher("roques")
        created = factories.dataset(
            org, identifier="equipements@roques.fr", contact=[],
            resources=[
                {"name": "Équipements (CSV)", "url": "https://example.org/e.csv", "format": "CSV",
                 "mimetype": "text/csv", "size": 1234},
                {"name": "Carte", "url": "https://example.org/e.geojson", "format": "GeoJSON",
                 "license": "odc-odbl"}])
        graph = _graph(app.get("/catalog.ttl", status=200))
        ref = _dataset_ref(graph, "equipements@roques.fr")
        assert graph.value(ref, DCT.title) == Literal(created["title"])

        # Publisher: the organisation, with its SIREN, ADMS type and e-mail as foaf:mbox.
        agent = graph.value(ref, DCT.publisher)
        assert graph.value(agent, FOAF.name) == Literal("Roques")
        assert graph.value(agent, DCT.identifier) == Literal("213104581")
        assert graph.value(agent, DCT.type) == URIRef(
            "http://purl.org/adms/publishertype/LocalAuthority")
        assert graph.value(agent, FOAF.mbox) == URIRef("mailto:mairie@roques.example.org")
        # No contact of its own: the publisher's.
        contact = graph.value(ref, DCAT.contactPoint)
        assert str(graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) \
            == "mailto:mairie@roques.example.org"

        # Themes with their French label; frequency as EU IRI; full dates.
        theme = graph.value(ref, DCAT.theme)
        assert graph.value(theme, SKOS.prefLabel) == Literal("Gouvernement et secteur public", lang="fr")
        assert graph.value(ref, DCT.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
        period = graph.value(ref, DCT.temporal)
        assert str(graph.value(period, DCAT.startDate)) == "2024-01-01"
        assert str(graph.value(period, DCAT.endDate)) == "2024-12-31"

        # Spatial: the INSEE entity, one polygon (WKT and GeoJSON), its bbox.
        location = graph.value(ref, DCT.spatial)
        assert location == URIRef("http://id.insee.fr/geo/commune/31458")
        assert graph.value(location, SKOS.prefLabel) == Literal("Roques", lang="fr")
        assert str(graph.value(location, GSP.asWKT)).startswith("MULTIPOLYGON (((")
        geojson = graph.value(location, GSP.asGeoJSON)
        assert geojson.datatype == URIRef(
            "https://www.iana.org/assignments/media-types/application/vnd.geo+json")
        assert '"MultiPolygon"' in str(geojson)
        assert str(graph.value(location, DCAT.bbox)).startswith("POLYGON ((1.32857 43.48982")

        # Licence on the dataset and on every distribution, linked to the EU list.
        assert graph.value(ref, DCT.license) == ETALAB
        assert graph.value(ETALAB, SKOS.exactMatch) == ETALAB_PAGE
        assert str(graph.value(ETALAB, DCT.title)) == "Licence Ouverte / Open Licence version 2.0"
        licences = {str(graph.value(d, DCT.title)): graph.value(d, DCT.license)
                    for d in graph.objects(ref, DCAT.distribution)}
        assert licences == {"Équipements (CSV)": ETALAB, "Carte": ODBL}
        formats = {str(graph.value(d, DCT.title)): graph.value(d, DCT["format"])
                   for d in graph.objects(ref, DCAT.distribution)}
        assert formats == {"Équipements (CSV)": URIRef(EU + "file-type/CSV"),
                           "Carte": URIRef(EU + "file-type/GEOJSON")}

    def test_catalog_page_and_dataset_endpoint_describe_a_dataset_alike(self, app):
        """The catalog (the portal's serializer, which spares the stock profile what this
        profile replaces) and ckanext-dcat's dataset endpoint (the stock serializer, whose
        graph this profile cleans up) say the same of a dataset; on a page, a territory
        entity is one node with one polygon, shared by the datasets that cover it."""
        org = factories.publisher("roques")
        first = factories.dataset(org, identifier="premier@roques.fr", resources=[
            {"name": "CSV", "url": "https://example.org/a.csv", "format": "CSV",
             "mimetype": "text/csv", "license": "odc-odbl"}])
        factories.dataset(org, identifier="second@roques.fr")

        def described(graph, ref):
            """The triples reachable from ``ref`` through IRIs (blank nodes by shape)."""
            seen, todo, triples = set(), [ref], set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                for _, p, o in graph.triples((node, None, None)):
                    if p in (DCAT.distribution, DCAT.contactPoint, DCT.temporal):
                        o = (p, frozenset((q, v) for _, q, v in graph.triples((o, None, None))
                                          if not isinstance(v, rdflib.BNode)))
                    elif isinstance(o, rdflib.BNode):
                        o = frozenset((q, v) for _, q, v in graph.triples((o, None, None)))
                    elif p != SKOS.inScheme:  # the schemes: described by the catalog
                        todo.append(o)
                    triples.add((node, p, o))
            return triples

        catalog = _graph(app.get("/catalog.ttl", status=200))
        single = _graph(app.get(f"/dataset/{first['name']}.ttl", status=200))
        ref = _dataset_ref(catalog, "premier@roques.fr")
        assert ref == _dataset_ref(single, "premier@roques.fr")
        in_catalog, in_single = described(catalog, ref), described(single, ref)
        assert in_catalog == in_single
        assert (ref, DCT.issued, Literal(first["metadata_created"], datatype=XSD.dateTime)) \
            in in_catalog

        location = URIRef("http://id.insee.fr/geo/commune/31458")
        assert set(catalog.subjects(DCT.spatial, location)) == {
            ref, _dataset_ref(catalog, "second@roques.fr")}
        for predicate in (GSP.asWKT, GSP.asGeoJSON, DCAT.bbox, DCAT.centroid, SKOS.prefLabel):
            assert len(list(catalog.objects(location, predicate))) == 1, predicate
            assert len(list(single.objects(location, predicate))) == 1, predicate

    def test_identifier_defaults_to_the_permanent_id(self, app):
        created = factories.dataset(factories.publisher("sicoval"))
        graph = _graph(app.get(f"/dataset/{created['name']}.ttl", status=200))
        assert _dataset_ref(graph, created["id"])

    def test_catalog_describes_the_departement(self, app):
        factories.publisher("departement")
        graph = _graph(app.get("/catalog.ttl", status=200))
        [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
        assert graph.value(catalog, DCT.language) == URIRef(EU + "language/FRA")
        publisher = graph.value(catalog, DCT.publisher)
        assert str(publisher).endswith("/departement-haute-garonne")
        assert graph.value(publisher, DCT.identifier) == Literal("223100017")
        assert graph.value(publisher, FOAF.mbox) == URIRef("mailto:opendata@cd31.example.org")
        assert graph.value(catalog, DCT.spatial) == URIRef("http://id.insee.fr/geo/departement/31")
        assert graph.value(catalog, DCAT.themeTaxonomy) == URIRef(EU + "data-theme")
        assert graph.value(catalog, DCT.description)

    @pytest.mark.parametrize("fmt,media_type,parser", [
        ("ttl", "text/turtle", "turtle"), ("rdf", "application/rdf+xml", "xml"),
        ("xml", "application/rdf+xml", "xml"), ("jsonld", "application/ld+json", "json-ld")])
    def test_every_serialization_declares_its_charset(self, app, fmt, media_type, parser):
        org = factories.publisher("departement")
        created = factories.dataset(org, title="Données du Département (état des routes)")
        for url in (f"/catalog.{fmt}", f"/dataset/{created['name']}.{fmt}",
                    f"/catalogue/{org['name']}.{fmt}"):
            response = app.get(url, status=200)
            assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
            # A consumer decoding by the declared charset keeps the accents.
            text = response.data.decode("utf-8")
            graph = rdflib.Graph().parse(data=text, format=parser)
            assert Literal("Données du Département (état des routes)") in set(
                graph.objects(None, DCT.title))

    @pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
    def test_paging_follows_hydra(self, app):
        org = factories.publisher("sicoval")
        names = {factories.dataset(org)["name"] for _ in range(5)}
        url, seen, pages = "/catalog.ttl", set(), 0
        while url:
            graph = _graph(app.get(url, status=200))
            pages += 1
            [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
            assert graph.value(catalog, HYDRA.totalItems).toPython() == 5
            view = graph.value(catalog, HYDRA.view)
            assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
            assert isinstance(graph.value(view, HYDRA.first), URIRef)
            seen |= {str(graph.value(d, DCAT.landingPage)).rsplit("/", 1)[-1]
                     for d in graph.objects(catalog, DCAT.dataset)}
            following = graph.value(view, HYDRA.next)
            url = str(following).replace(tk.config["ckan.site_url"], "") if following else None
        assert pages == 3 and seen == names

    def test_publisher_catalog_has_only_its_datasets_and_its_name(self, app):
        roques = factories.publisher("roques")
        sicoval = factories.publisher("sicoval")
        mine = factories.dataset(roques)
        factories.dataset(sicoval)
        url = tk.h.hautegaronne_publisher_catalog_url(roques["name"])
        assert url == tk.config["ckan.site_url"] + "/catalogue/roques.ttl"
        response = app.get("/catalogue/roques.ttl", status=200, follow_redirects=False)
        graph = _graph(response)
        [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
        assert [str(graph.value(d, DCT.title)) for d in graph.objects(catalog, DCAT.dataset)] \
            == [mine["title"]]
        assert graph.value(graph.value(catalog, DCT.publisher), FOAF.name) == Literal("Roques")
        assert graph.value(catalog, DCT.spatial) == URIRef("http://id.insee.fr/geo/commune/31458")
        # A catalog of its own: its IRI is not the portal's, and it dereferences (Turtle).
        site_url = tk.config["ckan.site_url"]
        assert catalog == URIRef(site_url + "/catalogue/roques")
        assert str(graph.value(catalog, FOAF.homepage)) == site_url + "/organization/roques"
        iri_response = app.get("/catalogue/roques", status=200, follow_redirects=False)
        assert iri_response.headers["Content-Type"] == "text/turtle; charset=utf-8"
        assert isomorphic_titles(_graph(iri_response), graph)
        app.get("/catalogue/nobody.ttl", status=404)


def isomorphic_titles(first, second) -> bool:
    """Both graphs list the same datasets (by title)."""
    def titles(graph):
        return sorted(str(graph.value(d, DCT.title)) for d in graph.subjects(RDF.type, DCAT.Dataset))
    return titles(first) == titles(second)
