"""The whole catalog (every page) validates against the DCAT-AP 3.0.1 shapes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from rdflib.namespace import RDF

from ckanext.hautegaronne import demo
from ckanext.hautegaronne.demo import datasets as demo_datasets

from . import factories, shacl

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def catalog_pages(app, profiles: str | None = None) -> list[rdflib.Graph]:
    """Every page of /catalog.ttl, following hydra:next."""
    url = "/catalog.ttl" + (f"?profiles={profiles}" if profiles else "")
    pages = []
    while url:
        response = app.get(url, status=200)
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
        pages.append(graph)
        next_pages = list(graph.objects(None, HYDRA.next))
        url = str(next_pages[0]).split("test.ckan.net", 1)[-1] if next_pages else None
        assert len(pages) < 50
    return pages


@pytest.mark.usefixtures("clean_all")
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "4")
def test_every_page_of_the_demo_catalog_validates_against_dcat_ap_3(app):
    list(demo.load())
    ours = catalog_pages(app)
    stock = catalog_pages(app, profiles="euro_dcat_ap_3")
    assert len(ours) == 3 and len(stock) == 3
    datasets = {d for page in ours for d in page.subjects(RDF.type, DCAT.Dataset)}
    assert len(datasets) == len(demo_datasets.datasets())

    stock_violations = [v for page in stock for v in shacl.violations(page)]
    our_violations = [v for page in ours for v in shacl.violations(page)]
    record = {
        "stock_euro_dcat_ap_3": sorted(f"{n} x {p} ({c})" for (p, c), n in
                                       shacl.summary(stock_violations).items()),
        "hautegaronne_dcat_ap": sorted(f"{n} x {p} ({c})" for (p, c), n in
                                       shacl.summary(our_violations).items()),
        "hautegaronne_dcat_ap_details": our_violations,
    }
    out = shacl.ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "dcat-shacl-violations.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    assert stock_violations, "the stock profile is known to fail DCAT-AP 3.0.1"
    assert our_violations == []


DATASET_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


@pytest.mark.usefixtures("clean_all")
def test_each_demo_dataset_s_own_rdf_validates_as_a_document_of_its_own(app):
    """/dataset/<name>.ttl, .rdf and .jsonld describe the same graph, which validates
    alone against DCAT-AP 3.0.1 (the concept schemes its concepts are in are described
    there, not only in the catalog), and against DCAT-AP HVD for a high-value dataset."""
    from rdflib.compare import isomorphic

    list(demo.load())
    names = [fields["name"] for _, fields, _ in demo_datasets.datasets()]
    high_value = {fields["name"] for _, fields, _ in demo_datasets.datasets()
                  if fields.get("hvd_category")}
    assert high_value and len(names) > len(high_value)
    # High-value in the feed once its data is in the DataStore (its API), as after make up.
    loaded = [i for name in sorted(high_value) for i in factories.load_into_datastore(name)]
    found = {}
    for name in names:
        graphs = {extension: rdflib.Graph().parse(
            data=app.get(f"/dataset/{name}.{extension}", status=200).get_data(as_text=True),
            format=rdf_format) for extension, rdf_format in DATASET_FORMATS.items()}
        assert isomorphic(graphs["ttl"], graphs["rdf"]), name
        assert isomorphic(graphs["ttl"], graphs["jsonld"]), name
        [scheme_title] = {str(t) for t in graphs["ttl"].objects(
            rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme"),
            rdflib.URIRef("http://purl.org/dc/terms/title")) if t.language == "fr"}
        assert scheme_title == "Thèmes de données"
        found[name] = shacl.summary(shacl.violations(graphs["ttl"]))
        if name in high_value:
            assert any(graphs["ttl"].subjects(RDF.type, DCAT.DataService)), name
            for release in ("3.0.0", "2.2.0"):
                found[f"{name} (HVD {release})"] = shacl.summary(
                    shacl.violations(graphs["ttl"], shacl.hvd_shapes(release)))
    factories.unload(loaded)
    assert {name: summary for name, summary in found.items() if summary} == {}
