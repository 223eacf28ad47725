"""/sitemap.xml lists what the public can read (and nothing private), from the database;
robots.txt points to it; dataset search offers no "groups" facet (the portal's groups are
its reuses)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ckanext.hautegaronne.tests.browser import data
from .test_pages import publish

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locations(app) -> list[str]:
    response = app.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.body)
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def test_sitemap_lists_public_datasets_publishers_reuses_and_pages_not_private_ones(app, portal):
    hidden = data.published_dataset(portal["departement"], name="brouillon-interne",
                                    title="Brouillon interne", private=True)
    reuse = publish(portal["moderator"], [portal["dataset"]], title="Carte des bouchons")
    locations = _locations(app)
    assert any(loc.endswith(f"/dataset/{portal['dataset']['name']}") for loc in locations)
    assert not any(hidden["name"] in loc for loc in locations)
    assert any(loc.endswith(f"/organization/{portal['departement']['name']}")
               for loc in locations)
    assert any(loc.endswith(f"/reutilisations/{reuse['name']}") for loc in locations)
    for path in ("/reutilisations", "/producteurs", "/la-demarche", "/mentions-legales"):
        assert any(loc.endswith(path) for loc in locations), path
    assert all(loc.startswith("http") for loc in locations)
    robots = app.get("/robots.txt").body
    assert "Sitemap: " in robots and "/sitemap.xml" in robots


def test_dataset_search_has_no_groups_facet_even_when_datasets_have_reuses(app, portal):
    publish(portal["moderator"], [portal["dataset"]], title="Carte des bouchons")
    page = app.get("/dataset/").body
    assert "Carte des bouchons" not in page
    assert 'id="groups"' not in page and "/dataset/?groups=" not in page
