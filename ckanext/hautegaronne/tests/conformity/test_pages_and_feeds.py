"""What the public reads of a check: the badge on the dataset and resource pages, the
report with its fix hints, and dct:conformsTo in the DCAT feed for a resource found
conforming only (with the version checked), the feed still valid against DCAT-AP 3.0.1."""
from __future__ import annotations

import rdflib
import pytest

from ..dcat import shacl
from ..publishers import helpers as h
from ..publishers.test_ownership import _headers, world  # noqa: F401
from .test_jobs import COUNTS, checks, run_jobs, upload  # noqa: F401
from .test_validate import GOOD_ROW, HEADER

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture
def checked(checks):  # noqa: F811
    dataset = h.dataset(checks["orgs"]["A"], conforms_to_schema=[
        {"name": COUNTS, "version": "0.2.0", "url": "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites/"}])
    good = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    bad = upload(dataset, HEADER + GOOD_ROW.replace("velo", "trottinette"), schema_name=COUNTS)
    run_jobs()
    return {"world": checks, "dataset": dataset, "good": good, "bad": bad}


def test_badges_and_report(app, checked):
    page = app.get(f"/dataset/{checked['dataset']['name']}").get_data(as_text=True)
    assert "Conforme au schéma Comptage des mobilités version 0.2.0" in page
    assert "Non conforme au schéma Comptage des mobilités version 0.2.0" in page
    resource_page = app.get(f"/dataset/{checked['dataset']['name']}/resource/{checked['bad']['id']}")
    text = resource_page.get_data(as_text=True)
    assert "trottinette" in text
    assert "une des valeurs : velo, pieton, voiture, poids lourd" in text
    assert "Relancer la vérification" not in text  # anonymous: no button
    editor = app.get(f"/dataset/{checked['dataset']['name']}/resource/{checked['bad']['id']}",
                     headers=_headers(checked["world"], "editor_a")).get_data(as_text=True)
    assert "Relancer la vérification" in editor


def test_no_check_is_offered_where_there_is_nothing_to_check(app, checks):  # noqa: F811
    # a newcomer pressed "Relancer la vérification" on a workbook without a schema and got
    # an error: no schema declared (by the resource or its dataset), no button
    dataset = h.dataset(checks["orgs"]["A"])
    resource = upload(dataset, HEADER + GOOD_ROW)
    editor = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}",
                     headers=_headers(checks, "editor_a")).get_data(as_text=True)
    assert "Relancer la vérification" not in editor


def test_conforms_to_only_for_the_conforming_distribution(app, checked):
    from ..dcat.test_shacl import catalog_pages

    pages = catalog_pages(app)
    graph = rdflib.Graph()
    for page in pages:
        graph += page
    distributions = {str(d): [str(s) for s in graph.objects(d, DCT.conformsTo)]
                     for d in graph.subjects(rdflib.RDF.type, DCAT.Distribution)}
    good = next(v for k, v in distributions.items() if checked["good"]["id"] in k)
    bad = next(v for k, v in distributions.items() if checked["bad"]["id"] in k)
    assert len(good) == 1 and good[0].endswith("/comptage-mobilites/0.2.0/schema.json")
    assert bad == []
    assert [v for page in pages for v in shacl.violations(page)] == []
