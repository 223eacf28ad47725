"""Hostile or broken sources: each job ends with a clear error or a partial, reported result;
the job finishes (no crash), and the datasets harvested before stay untouched."""
from __future__ import annotations

import time

import pytest

from ckanext.hautegaronne.harvest import missing

from .conftest import make_source, org_datasets, read_data, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1"),
    pytest.mark.usefixtures("with_plugins"),
]

TURTLE = "text/turtle; charset=utf-8"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
"""


def _dataset_ttl(slug: str, title: str = None) -> str:
    return f"""<https://remote.example/dataset/{slug}> a dcat:Dataset ;
    dct:identifier "{slug}@remote.example" ;
    dct:title "{title or 'Jeu ' + slug}" ;
    dct:description "Description de {slug}." ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> .
"""


@pytest.fixture
def harvested(commune, catalog_server):
    """The commune's catalogue harvested once; returns (source, metadata_modified by id)."""
    url = catalog_server.serve("/catalog.rdf", read_data("colomiers-catalog.rdf"))
    source = make_source(commune, url)
    report = run_job(source)
    assert report["stats"].get("added") == 4
    return source, {k: d["metadata_modified"] for k, d in org_datasets(commune).items()}


def _untouched(commune, before):
    after = org_datasets(commune)
    assert {k: d["metadata_modified"] for k, d in after.items()} == before
    for dataset in after.values():
        assert not dataset["private"]
        assert missing.MISSING_SINCE not in {e["key"] for e in dataset["extras"]}


def _serve_broken(catalog_server, body, content_type="application/rdf+xml", status=200):
    catalog_server.serve("/catalog.rdf", body, content_type=content_type, status=status)


def test_malformed_rdf_is_a_clear_gather_error(harvested, commune, catalog_server):
    source, before = harvested
    _serve_broken(catalog_server, read_data("colomiers-catalog.rdf")[:3000])
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("Le document n'est pas du XML bien formé" in e
               for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)

    _serve_broken(catalog_server, PREFIXES + "<a> <b> .", content_type=TURTLE)
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("RDF (turtle)" in e for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://remote.example/dataset/lol">
    <dct:identifier>lol@remote.example</dct:identifier>
    <dct:title>&lol9;</dct:title>
  </dcat:Dataset>
</rdf:RDF>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://remote.example/dataset/xxe">
    <dct:identifier>xxe@remote.example</dct:identifier>
    <dct:title>Fuite</dct:title>
    <dct:description>&secret;</dct:description>
    <dct:license rdf:resource="https://www.etalab.gouv.fr/licence-ouverte-open-licence"/>
  </dcat:Dataset>
</rdf:RDF>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_xml_entities_are_refused(harvested, commune, catalog_server, document):
    source, before = harvested
    _serve_broken(catalog_server, document)
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("entit" in e.lower() or "DTD" in e for e in report["gather_errors"]), \
        report["gather_errors"]
    assert report["objects"] == {}
    _untouched(commune, before)


def test_remote_jsonld_context_is_refused(harvested, commune, catalog_server):
    source, before = harvested
    _serve_broken(catalog_server, '{"@context": "http://10.0.0.1/context.jsonld", '
                                  '"@id": "https://remote.example/d", "@type": "dcat:Dataset"}',
                  content_type="application/ld+json")
    report = run_job(source)
    assert any("@context" in e for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


def _big_feed(concepts: int) -> str:
    parts = [PREFIXES, "<https://remote.example/vocab> a skos:ConceptScheme .\n"]
    parts += [_dataset_ttl(f"gros-{n}") for n in range(5)]
    for n in range(concepts):
        parts.append(f'<https://remote.example/vocab/c{n}> a skos:Concept ; '
                     f'skos:prefLabel "Concept {n}"@fr ; '
                     f'skos:inScheme <https://remote.example/vocab> .\n')
    return "".join(parts)


def test_feed_of_50000_triples(commune, catalog_server):
    url = catalog_server.serve("/big.ttl", _big_feed(16660), content_type=TURTLE)
    source = make_source(commune, url, name="gros-catalogue")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert report["gather_errors"] == [] and report["object_errors"] == []
    assert report["stats"].get("added") == 5
    assert len(org_datasets(commune)) == 5


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.max_triples", "10000")
def test_feed_over_the_triple_limit_is_refused(harvested, commune, catalog_server):
    source, before = harvested
    _serve_broken(catalog_server, _big_feed(16660), content_type=TURTLE)
    report = run_job(source)
    assert any("50" in e and "10000" in e for e in report["gather_errors"]), \
        report["gather_errors"]
    _untouched(commune, before)


def test_http_error(harvested, commune, catalog_server):
    source, before = harvested
    _serve_broken(catalog_server, "boom", content_type="text/plain", status=500)
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("500" in e for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


@pytest.mark.ckan_config("ckanext.hautegaronne.harvest.timeout", "1")
def test_timeout(harvested, commune, catalog_server):
    source, before = harvested

    def slow(handler):
        time.sleep(4)
        return 200, {"Content-Type": "application/rdf+xml"}, read_data("colomiers-catalog.rdf")

    catalog_server.routes["/catalog.rdf"] = slow
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("1 s" in e or "1 seconds" in e or "1 secondes" in e
               for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


def test_redirect_loop(harvested, commune, catalog_server):
    source, before = harvested
    catalog_server.routes["/catalog.rdf"] = (302, {"Location": "/elsewhere"}, b"")
    catalog_server.routes["/elsewhere"] = (301, {"Location": catalog_server.url("/catalog.rdf")},
                                           b"")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("/catalog.rdf" in e and ("loop" in e.lower() or "boucle" in e.lower())
               for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


def test_redirect_to_a_private_address_is_refused(harvested, commune, catalog_server):
    source, before = harvested
    catalog_server.routes["/catalog.rdf"] = (302, {"Location": "http://10.1.2.3/catalog.rdf"},
                                             b"")
    report = run_job(source)
    assert any("10.1.2.3" in e for e in report["gather_errors"]), report["gather_errors"]
    _untouched(commune, before)


def _page(number: int, next_number: int) -> str:
    return PREFIXES + _dataset_ttl(f"page-{number}") + f"""
<http://127.0.0.1/paged?page={number}> a hydra:PartialCollectionView ;
    hydra:next <NEXT{next_number}> .
"""


def test_hydra_page_repeating_forever(commune, catalog_server):
    def page(number, next_number):
        return _page(number, next_number).replace(
            f"<NEXT{next_number}>", f"<{catalog_server.url(f'/paged?page={next_number}')}>")

    # Page 3 points back to page 2, and page 2 to page 3, forever.
    catalog_server.serve("/paged?page=1", page(1, 2), content_type=TURTLE)
    catalog_server.serve("/paged?page=2", page(2, 3), content_type=TURTLE)
    catalog_server.serve("/paged?page=3", page(3, 2), content_type=TURTLE)
    source = make_source(commune, catalog_server.url("/paged?page=1"), name="pagine")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert any("page=2" in e for e in report["gather_errors"]), report["gather_errors"]
    # A partial, reported result: the three pages' datasets are imported, each page read once.
    assert report["stats"].get("added") == 3
    assert catalog_server.hits["/paged?page=2"] == 1
    assert set(org_datasets(commune)) == {f"page-{n}@remote.example" for n in (1, 2, 3)}

    # The partial listing flags nothing as missing, even when a page vanishes.
    catalog_server.serve("/paged?page=3", page(3, 1), content_type=TURTLE)
    catalog_server.serve("/paged?page=1", PREFIXES + _dataset_ttl("page-1").replace(
        "Jeu page-1", "Jeu page-1 modifié") + f"""
<http://127.0.0.1/paged?page=1> a hydra:PartialCollectionView ;
    hydra:next <{catalog_server.url('/paged?page=1')}> .
""", content_type=TURTLE)
    report = run_job(source)
    assert any("page=1" in e for e in report["gather_errors"]), report["gather_errors"]
    for dataset in org_datasets(commune).values():
        assert missing.MISSING_SINCE not in {e["key"] for e in dataset["extras"]}


def test_duplicate_identifiers_first_kept(commune, catalog_server):
    body = PREFIXES + _dataset_ttl("double", "Premier") + \
        _dataset_ttl("double", "Second").replace("/dataset/double>", "/dataset/double-bis>") + \
        _dataset_ttl("seul")
    url = catalog_server.serve("/doubles.ttl", body, content_type=TURTLE)
    source = make_source(commune, url, name="doublons")
    report = run_job(source)
    assert report["status"] == "Finished"
    assert report["stats"].get("added") == 2
    assert report["stats"].get("errored") == 1
    assert any("double@remote.example" in e for e in report["object_errors"]), \
        report["object_errors"]
    datasets = org_datasets(commune)
    assert set(datasets) == {"double@remote.example", "seul@remote.example"}
    assert datasets["double@remote.example"]["title"] == "Premier"
    assert any("Second" in e for e in report["object_errors"])
