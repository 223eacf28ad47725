"""The MQA scorer on hand-computed examples (the points are the methodology's)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne import demo
from ckanext.hautegaronne.quality import score

EU = "http://publications.europa.eu/resource/authority/"
UPLOADED_CSV = {"url": "http://test.ckan.net/dataset/x/resource/y/download/a.csv",
                "url_type": "upload", "format": "CSV", "mimetype": "text/csv", "size": 1234}


def complete(**overrides) -> dict:
    dataset = {
        "owner_org": "org-id", "license_id": "lov2", "tags": [{"name": "routes"}],
        "theme": [EU + "data-theme/TRAN"], "spatial_coverage": [{"code": "31"}],
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "access_rights": EU + "access-right/PUBLIC", "contact": [{"name": "Routes"}],
        "metadata_created": "2025-01-01T00:00:00", "metadata_modified": "2025-02-01T00:00:00",
        "resources": [dict(UPLOADED_CSV)],
    }
    dataset.update(overrides)
    return dataset


def test_a_complete_dataset_with_an_uploaded_csv_scores_405():
    result = score.score(complete())
    assert (result.points, result.missing, result.rating) == (405, [], "excellent")


def test_a_sparse_dataset_with_a_pdf_link():
    # dataset: spatial 20 + DCAT-AP 30 + access rights 10 + 5 + publisher 10 + issued 5 +
    # modified 5 = 85; the PDF link: download URL 20 + format 20 + media type 10 +
    # vocabularies 10 + non-proprietary 20 + licence 20 + 10 + rights 5 = 115: 200.
    dataset = complete(tags=[], theme=[], temporal_coverage=[], contact=[],
                       license_id="odc-odbl", resources=[{
                           "url": "https://example.org/rapport.pdf", "format": "PDF",
                           "mimetype": "application/pdf"}])
    result = score.score(dataset)
    assert (result.points, result.rating) == (200, "sufficient")
    assert dict(result.missing) == {
        "keywords": 30, "themes": 30, "temporal": 20, "contact_point": 20,
        "access_url": 50, "download_url_answers": 30, "machine_readable": 20, "byte_size": 5}
    # The same link, found answering: + 50 + 30.
    assert score.score(dataset, reachable=lambda url: True).points == 280


def test_the_best_distribution_counts():
    # An uploaded XLS (proprietary: 200 - 20) against an unchecked CSV link (135): 185 + 180.
    xls = dict(UPLOADED_CSV, format="XLS", mimetype="application/vnd.ms-excel")
    link = {"url": "https://example.org/a.csv", "format": "CSV", "mimetype": "text/csv"}
    result = score.score(complete(resources=[link, xls]))
    assert (result.points, result.missing) == (385, [("non_proprietary", 20)])


def test_an_unknown_format_or_no_resource_loses_the_distribution_points():
    assert score.score(complete(resources=[])).points == 185
    odd = dict(UPLOADED_CSV, format="tableur", mimetype="")
    # access 50 + download 20 + 30 + licence 35 + size 5 = 140 (no format points)
    assert score.score(complete(resources=[odd])).points == 185 + 140


@pytest.mark.usefixtures("clean_all")
def test_the_demo_catalog_averages_405():
    list(demo.load())
    found = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})["results"]
    scores = {d["name"]: score.score(d) for d in found}
    assert len(scores) == 9
    assert {name: s.missing for name, s in scores.items() if s.missing} == {}
    assert sum(s.points for s in scores.values()) / len(scores) == score.MAXIMUM
