"""Published reuses: the public list and its filters, the dataset page, the
publishers' dashboard, and their absence from dataset search and DCAT feeds."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.reuses import logic
from ckanext.hautegaronne.tests.browser import data

from .conftest import token

TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
EDUC = "http://publications.europa.eu/resource/authority/data-theme/EDUC"


def publish(moderator: dict, datasets: list[dict], **fields) -> dict:
    form = {"title": "Réutilisation", "description": "Une réutilisation.",
            "url": "https://example.net/", "reuse_type": "application",
            "author": "Quelqu'un", "proposer_email": "quelquun@example.net",
            "datasets": [d["name"] for d in datasets], **fields}
    proposal = logic.propose(form)
    return tk.get_action("hautegaronne_reuse_proposal_publish")(
        {"user": moderator["name"]}, {"id": proposal.id})


@pytest.fixture
def catalogue(portal):
    departement = portal["departement"]
    colleges = data.published_dataset(departement, name="colleges", title="Collèges publics",
                                      theme=[EDUC])
    route_map = publish(portal["moderator"], [portal["dataset"]], title="Carte des bouchons",
                        reuse_type="visualization", author="Trafic Malin")
    school_app = publish(portal["moderator"], [colleges], title="Appli Collèges",
                         reuse_type="application", author="Élèves Numériques")
    return {**portal, "colleges": colleges, "route_map": route_map, "school_app": school_app}


def titles(app, **args) -> set[str]:
    body = app.get("/reutilisations", query_string=args).body
    return {t for t in ("Carte des bouchons", "Appli Collèges") if t in body}


def test_the_list_filters_by_type_theme_publisher_and_text(app, catalogue):
    assert titles(app) == {"Carte des bouchons", "Appli Collèges"}
    assert titles(app, reuse_type="application") == {"Appli Collèges"}
    assert titles(app, theme=TRAN) == {"Carte des bouchons"}
    assert titles(app, publisher=catalogue["departement"]["name"]) == {"Appli Collèges"}
    assert titles(app, publisher=catalogue["commune"]["name"]) == {"Carte des bouchons"}
    assert titles(app, q="eleves numeriques") == {"Appli Collèges"}  # author, accents folded
    assert titles(app, q="bouchons", reuse_type="application") == set()
    page = app.get("/reutilisations").body
    assert "Réutilisations" in page and "Proposer une réutilisation" in page
    assert "Transports" in page  # the theme filter's options, in French


def test_each_dataset_page_shows_its_reuses(app, catalogue):
    road = app.get(f"/dataset/{catalogue['dataset']['name']}").body
    assert "Carte des bouchons" in road and "Appli Collèges" not in road
    assert "Proposer une réutilisation de ce jeu de données" in road


def test_reuses_stay_out_of_dataset_search_and_feeds(app, catalogue):
    found = tk.get_action("package_search")({}, {"q": "", "rows": 100})
    assert {d["name"] for d in found["results"]} == {catalogue["dataset"]["name"], "colleges"}
    assert "Carte des bouchons" not in app.get("/catalog.ttl").body
    assert tk.get_action("group_list")({}, {}) == []  # the stock group type stays empty


def test_publishers_see_the_reuses_of_their_data_on_their_dashboard(app, catalogue):
    commune_dashboard = app.get("/dashboard/datasets",
                                headers=token(catalogue["commune_editor"])).body
    assert "Carte des bouchons" in commune_dashboard
    assert "Appli Collèges" not in commune_dashboard
    assert "propositions de réutilisation à examiner" not in commune_dashboard

    logic.propose({"title": "En attente", "description": "d", "url": "https://example.net/",
                   "reuse_type": "idea", "author": "A", "proposer_email": "a@example.net",
                   "datasets": ["colleges"]})
    departement_dashboard = app.get("/dashboard/datasets",
                                    headers=token(catalogue["moderator"])).body
    assert "Appli Collèges" in departement_dashboard
    assert "1 proposition de réutilisation à examiner" in departement_dashboard


def test_an_unknown_reuse_is_a_404(app, portal):
    app.get("/reutilisations/inconnue", status=404)


def test_the_header_menu_leads_to_the_reuses(app, portal):
    """A newcomer found "Réutilisations" only in the footer."""
    header = app.get("/").body.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/reutilisations"' in header and "Réutilisations" in header
    page = app.get("/reutilisations").body.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'class="active"' in page.split('href="/reutilisations"', 1)[0].rsplit("<li", 1)[1]


def test_ckan_generic_pages_of_reuses_lead_to_the_portal_pages(app, portal):
    reuse = publish(portal["moderator"], [portal["dataset"]], title="Carte du trafic")
    name = reuse["name"]

    def location(url, status, **kwargs):
        response = app.get(url, follow_redirects=False, **kwargs)
        assert response.status_code == status, (url, response.status_code)
        return response.headers["Location"].replace("http://test.ckan.net", "")

    # reads: moved for good to the French pages
    assert location("/reutilisation/", 301) == "/reutilisations"
    assert location(f"/reutilisation/{name}", 301) == f"/reutilisations/{name}"
    assert location(f"/reutilisation/{reuse['id']}", 301) == f"/reutilisations/{name}"
    assert location(f"/reutilisation/about/{name}", 301) == f"/reutilisations/{name}"
    assert location(f"/group/{name}", 301) == f"/reutilisations/{name}"
    # CKAN's forms would skip the proposal flow: the moderation page instead
    moderator = token(portal["moderator"])
    assert location("/reutilisation/new", 303, headers=moderator) == "/reutilisations/moderation"
    assert location(f"/reutilisation/edit/{name}", 303,
                    headers=moderator) == "/reutilisations/moderation"
    response = app.post("/reutilisation/new", headers=moderator, follow_redirects=False,
                        data={"title": "Sans modération", "name": "sans-moderation"})
    assert response.status_code == 303
    assert tk.get_action("group_list")({}, {"type": "reutilisation"}) == [name]
