"""JSON-LD documents may not make rdflib fetch anything: a context that refers to a remote
document, at any depth (a string context, a list, ``@import``, a scoped ``@context`` in a term
definition, a context in a node object), is refused before rdflib parses the document, and the
remote server is never contacted. Inline contexts keep working."""
from __future__ import annotations

import json

import pytest

from ckanext.hautegaronne.harvest import rdf

from .conftest import make_source, run_job

CONTEXT = {"@context": {"dct": "http://purl.org/dc/terms/"}}
DCAT = "http://www.w3.org/ns/dcat#"


@pytest.fixture
def context_server(catalog_server):
    """A loopback server that serves a valid remote context, and records every request."""
    catalog_server.serve("/context.jsonld", json.dumps(CONTEXT),
                         content_type="application/ld+json")
    return catalog_server


def _documents(url: str) -> dict:
    node = {"@id": "https://remote.example/d", "@type": "dcat:Dataset", "dct:title": "Titre"}
    prefixes = {"dcat": DCAT}
    return {
        "string": {"@context": url, **node},
        "list": {"@context": [prefixes, url], **node},
        "nested list": {"@context": [prefixes, [url]], **node},
        "@import": {"@context": {"@import": url, **prefixes}, **node},
        "@import in a list": {"@context": [{"@import": url}, prefixes], **node},
        "wrapped context": {"@context": {"@context": url}, **node},
        "scoped context": {"@context": {**prefixes, "dct:title": {"@context": url}}, **node},
        "scoped @import": {"@context": {**prefixes, "dct:relation": {
            "@id": "dct:relation", "@context": {"@import": url}}}, **node},
        "node context": {"@context": prefixes, "@graph": [{"@context": url, **node}]},
        "deep node context": {"@context": prefixes, **node, "dct:relation": {
            "@id": "https://remote.example/e", "dcat:distribution": [{"@context": [url]}]}},
        "top-level array": [{"@context": {"@import": url}, **node}],
    }


@pytest.mark.parametrize("shape", list(_documents("x")))
def test_remote_contexts_are_refused_before_parsing(context_server, shape):
    url = context_server.url("/context.jsonld")
    body = json.dumps(_documents(url)[shape]).encode("utf-8")
    with pytest.raises(rdf.RDFError, match="@context"):
        rdf.parse(body, "json-ld", "application/ld+json")
    assert context_server.hits == {}, shape


def test_inline_contexts_are_read():
    document = {
        "@context": [{"dcat": DCAT, "dct": "http://purl.org/dc/terms/",
                      "title": {"@id": "dct:title", "@language": "fr"},
                      "keyword": {"@id": "dcat:keyword", "@context": {"@language": "fr"}}},
                     None, {"@vocab": DCAT}],
        "@id": "https://remote.example/d", "@type": "dcat:Dataset",
        "title": "Qualité de l'air", "keyword": ["air"],
        "dct:references": {"@id": "http://127.0.0.1:9/context.jsonld"},
    }
    parser = rdf.parse(json.dumps(document).encode("utf-8"), "json-ld")
    assert len(parser.g) == 4


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1")
def test_a_job_on_a_feed_with_an_imported_context_fetches_nothing(commune, context_server):
    url = context_server.url("/context.jsonld")
    feed = context_server.serve("/catalog.jsonld", json.dumps(
        {"@context": {"@import": url, "dcat": DCAT}, "@id": "https://remote.example/d",
         "@type": "dcat:Dataset", "dct:identifier": "d@remote.example"}),
        content_type="application/ld+json")
    report = run_job(make_source(commune, feed))
    assert report["status"] == "Finished"
    assert any("@context" in e for e in report["gather_errors"]), report["gather_errors"]
    assert report["objects"] == {}
    assert context_server.hits == {"/catalog.jsonld": 1}


@pytest.mark.parametrize("depth", [600, 100000])
def test_a_deeply_nested_document_is_a_clear_error(depth):
    # a RecursionError would escape the gather stage and kill the gather consumer
    body = '{"@context": {"a": "http://x.example/"}, "a": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(rdf.RDFError, match="trop profond|too deeply"):
        rdf.parse(body.encode("utf-8"), "json-ld")
