"""RGAA 4.1 (WCAG 2.1 A + AA): axe-core in Chromium on the portal's main
pages, and the dataset creation form completed with the keyboard only."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from . import data
from .conftest import axe_violations, describe, log_in, open_page, screenshots


@pytest.fixture
def content(live_portal):
    org = data.commune("31458")  # Roques
    dataset = data.published_dataset(org)
    editor = data.editor_of(org)
    return {"org": org, "dataset": dataset, "editor": editor}


def _check(page, url: str, results: dict) -> None:
    response = open_page(page, url)
    if response.status != 200:
        results[url] = [{"id": f"http-{response.status}", "impact": "blocking",
                         "help": "the page did not load", "nodes": []}]
    else:
        results[url] = axe_violations(page)


def test_main_pages_have_no_wcag_a_aa_violation(page, live_portal, content):
    dataset, org = content["dataset"], content["org"]
    resource = dataset["resources"][0]
    results: dict[str, list] = {}
    public = [
        "/",
        "/dataset/?q=comptages&res_format=CSV",
        f"/dataset/{dataset['name']}",
        f"/dataset/{dataset['name']}/resource/{resource['id']}",
        "/producteurs",
        "/organization/",
        f"/{org['type']}/{org['name']}",
        "/user/login",
        "/la-demarche", "/publier-vos-donnees", "/accessibilite", "/mentions-legales",
        "/donnees-personnelles",
    ]
    for path in public:
        _check(page, live_portal + path, results)
    log_in(page, live_portal, content["editor"])
    for path in (f"/dataset/new?owner_org={org['id']}", f"/dataset/edit/{dataset['name']}"):
        _check(page, live_portal + path, results)
    checked = sorted(results)
    assert len(checked) == 15
    failing = {url: v for url, v in results.items() if v}
    assert not failing, "WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{url}\n{describe(v)}" for url, v in failing.items())
