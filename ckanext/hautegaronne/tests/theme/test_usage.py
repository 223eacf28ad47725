"""The dataset page: how much it is used (tracking's counted views and downloads) and the
way back to its publisher through the portal's own pages."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.hautegaronne.publishers import onboarding
from ckanext.hautegaronne.tests.browser.data import dataset_dict

pytestmark = pytest.mark.usefixtures("clean_all")


@pytest.fixture
def dataset():
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    org = onboarding.add(onboarding.resolve("31458")).name
    return helpers.call_action("package_create", site, **dataset_dict(org))


def _visit(app, url: str, visitor: int, kind: str = "page") -> None:
    """A view as tracking.js reports it (each visitor its own browser)."""
    app.post("/_tracking", data={"url": url, "type": kind},
             headers={"User-Agent": f"Visiteur {visitor}"}, status=None)


def _page(app, name: str) -> str:
    return unescape(app.get(f"/dataset/{name}").get_data(as_text=True))


def test_dataset_page_shows_its_counted_views_and_downloads(app, cli, dataset):
    assert "hg-dataset-usage" not in _page(app, dataset["name"])  # nothing counted yet
    for visitor in range(3):
        _visit(app, f"/dataset/{dataset['name']}", visitor)
    _visit(app, dataset["resources"][0]["url"], 0, kind="resource")
    result = cli.invoke(ckan, ["tracking", "update", date.today().isoformat()])
    assert result.exit_code == 0, result.output

    usage = _page(app, dataset["name"]).split('class="hg-dataset-usage', 1)[1].split("</p>", 1)[0]
    text = re.sub(r"\s+", " ", usage)
    assert "3 consultations (3 ces 14 derniers jours)" in text
    assert "1 téléchargement" in text


def test_breadcrumb_leads_to_the_publisher_through_the_portals_directory(app, dataset):
    html = _page(app, dataset["name"])
    crumbs = html.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', crumbs)
    hrefs = [href for href, _label in links]
    assert ("/producteurs", "Producteurs") in links
    assert f"/organization/{dataset['organization']['name']}" in hrefs
    assert "/organization/" not in hrefs
    assert hrefs.index("/producteurs") < hrefs.index(f"/organization/{dataset['organization']['name']}")
