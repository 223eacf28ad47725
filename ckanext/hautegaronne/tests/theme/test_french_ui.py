"""The main pages speak French: no English left from CKAN's templates or the
other plugins (page frame, facets, error pages, publisher types)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data

pytestmark = pytest.mark.usefixtures("clean_all")

# English seen on the French portal before the theme translated it. Phrases are
# looked for inside the visible text and the accessible names; words only as a
# whole text or attribute (a "Type" heading is French too).
ENGLISH_PHRASES = (
    "Skip to main content", "Toggle navigation", "There is no description",
    "403 Forbidden", "404 Not Found", "Forbidden", "You might need to login",
    "Click here to login", "The requested URL was not found", "No harvests found",
    "Search datasets", "Remove applied filter", "Username or Email", "Profile settings",
    "Search Communes", "Search Epcis", "Epcis", "Etablissements", "Has views", "Package id",
    "Url type", "Dataset not found", "communes found", "Open details page",
    "Navigate to resource", "Resource URL", "Licenses",
)
ENGLISH_WORDS = {"Go", "Submit", "Account", "Breadcrumb", "close", "Social", "Frequency",
                 "Licenses", "State", "commune", "epci"}


class _Texts(HTMLParser):
    """Visible text nodes and accessible attributes of a page."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-bs-title")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value.strip())
            if tag == "input" and name == "value" and dict(attrs).get("type") == "submit":
                self.texts.append((value or "").strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, text):
        text = re.sub(r"\s+", " ", text).strip()
        if text and not self._skip:
            self.texts.append(text)


def english_left(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text.rstrip(":.") in ENGLISH_WORDS or any(p in text for p in ENGLISH_PHRASES):
            found.append(text)
    return sorted(set(found))


@pytest.fixture
def portal(app):
    roques = data.commune("31458")
    toulouse = data.commune("31555")
    dataset = data.published_dataset(roques)
    other = data.editor_of(toulouse)
    return {"roques": roques, "dataset": dataset,
            "other": {"Authorization": factories.APIToken(user=other["name"])["token"]}}


def test_main_pages_have_no_english_left(app, portal):
    dataset, roques = portal["dataset"], portal["roques"]
    resource = dataset["resources"][0]
    pages = {
        "/": 200,
        "/dataset/?q=comptages&res_format=CSV": 200,
        "/dataset/?q=aucun-resultat-attendu": 200,
        f"/dataset/{dataset['name']}": 200,
        f"/dataset/{dataset['name']}/resource/{resource['id']}": 200,
        "/producteurs": 200,
        "/organization/": 200,
        f"/organization/{roques['name']}": 200,
        "/user/login": 200,
        f"/dataset/edit/{dataset['name']}": 403,  # anonymous
        "/dataset/page-qui-n-existe-pas": 404,
        "/une-adresse-inconnue": 404,
        "/harvest": 200,
    }
    english = {}
    for url, status in pages.items():
        html = app.get(url, status=status).get_data(as_text=True)
        assert '<html lang="fr"' in html, url
        if left := english_left(html):
            english[url] = left
    assert not english, "English left on French pages:\n" + "\n".join(
        f"{url}: {left}" for url, left in english.items())


def test_forbidden_page_is_in_french(app, portal):
    """Another commune's editor opens the edit URL: a French heading and text."""
    html = app.get(f"/dataset/edit/{portal['dataset']['name']}", headers=portal["other"],
                   status=403).get_data(as_text=True)
    assert "<h1>403 Accès refusé</h1>" in html
    assert "Forbidden" not in html
    assert not english_left(html)
    anonymous = app.get(f"/dataset/edit/{portal['dataset']['name']}",
                        status=403).get_data(as_text=True)
    assert "Vous devrez peut-être vous connecter pour accéder à cette page." in anonymous


def test_not_found_page_is_in_french(app):
    html = app.get("/une-adresse-inconnue", status=404).get_data(as_text=True)
    assert "<h1>404 Page introuvable</h1>" in html
    assert "La page demandée n&#39;existe pas" in html


def test_publisher_types_show_their_french_labels(app, portal):
    """The publisher type's code ("commune", "epci") is never shown as such; CKAN's
    organisations are the portal's publishers ("Producteurs")."""
    epci = data.commune("243100518")  # Toulouse Métropole, an EPCI
    listing = app.get("/organization/").get_data(as_text=True)
    assert '<h1 class="hide-heading">Producteurs</h1>' in listing
    assert "Rechercher un producteur" in listing
    page = app.get(f"/organization/about/{epci['name']}").get_data(as_text=True)
    assert "Intercommunalité (EPCI)" in page
    assert "Epci" not in page
    dataset = app.get(f"/dataset/{portal['dataset']['name']}").get_data(as_text=True)
    assert "· Commune" in dataset or "&middot; Commune" in dataset
    assert "There is no description" not in dataset


def test_facet_links_are_named_by_their_visible_label(app, portal):
    """WCAG 2.5.3: a facet link's accessible name is the label it shows, and
    facet titles given untranslated by a plugin are translated."""
    html = app.get("/dataset/?q=comptages&res_format=CSV").get_data(as_text=True)
    link = re.search(r'<a hx-boost="true" href="[^"]*"\s+aria-label="([^"]*)"[^>]*>\s*'
                     r'<span class="item-label">([^<]*)</span>', html)
    assert link and link.group(1) == link.group(2).strip()
    assert 'aria-label="Filtrer par : Formats"' in html
    # a source, so that the harvest page has facets (empty facet boxes are not shown)
    tk.get_action("harvest_source_create")(dict(data.site_context(), ignore_auth=True), {
        "name": "catalogue-roques", "title": "Catalogue", "url": "https://data.example.org/catalog.rdf",
        "source_type": "hautegaronne_dcat", "owner_org": portal["roques"]["id"],
        "frequency": "MANUAL"})
    harvest = app.get("/harvest").get_data(as_text=True)
    assert "Fréquence" in harvest and "Frequency" not in harvest
