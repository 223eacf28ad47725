"""Solr stopped while people read the portal and national catalogues harvest it: the pages
that do not need search are served from PostgreSQL, those that do answer a French 503 with
``Retry-After``, and the DCAT feeds answer 503 rather than an empty catalogue. When Solr comes
back, everything works again without a restart.

Drills on a private Solr (scripts/solr.sh on a free port), like test_faults_solr.py."""
from __future__ import annotations

import html
import json

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ..dcat import factories
from .faults import on_private_solr, private_solr  # noqa: F401 (fixtures)

NOTICE = "La recherche est momentanément indisponible"
API_MESSAGE = "La recherche est momentanément indisponible. Réessayez dans quelques minutes."
FEED_MESSAGE = ("Le catalogue ne peut pas être servi tant que la recherche est indisponible ; "
                "il n'est pas vide. Réessayez plus tard.")
EDITORIAL_PAGES = {"/la-demarche": "La démarche", "/publier-vos-donnees": "Publier vos données",
                   "/accessibilite": "Accessibilité", "/mentions-legales": "Mentions légales",
                   "/donnees-personnelles": "Données personnelles"}
FEEDS = ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalogue/roques.ttl",
         "/catalogue/roques.rdf", "/catalogue/roques.jsonld", "/catalogue/roques"]


def _member(org: dict, role: str) -> dict:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": role})
    return {"Authorization": ckan_factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def catalogue(on_private_solr):
    """Two publishers: Roques with two public datasets and a private one, Sicoval with one."""
    roques = factories.publisher("roques")
    sicoval = factories.publisher("sicoval")
    piscines = factories.dataset(roques, name="piscines", title="Horaires des piscines")
    factories.dataset(roques, name="budget", title="Budget primitif de Roques")
    factories.dataset(roques, name="brouillon-interne", title="Annuaire interne", private=True)
    factories.dataset(sicoval, name="collecte", title="Collecte des déchets")
    return {"solr": on_private_solr, "roques": roques, "piscines": piscines,
            "resource": piscines["resources"][0], "admin": _member(roques, "admin"),
            "editor": _member(roques, "editor")}


def _get(app, path: str, headers: dict | None = None):
    response = app.get(path, headers=headers or {}, expect_errors=True)
    return response, html.unescape(response.get_data(as_text=True))


def _page_ok(app, path: str, *expected: str, headers: dict | None = None) -> str:
    response, page = _get(app, path, headers)
    assert response.status_code == 200, (path, response.status_code, page[:3000])
    for text in expected:
        assert text in page, (path, text)
    return page


def _not_cached(response) -> None:
    assert "public" not in response.headers.get("Cache-Control", ""), response.headers


def assert_search_page_unavailable(app, path: str) -> None:
    response, page = _get(app, path)
    assert response.status_code == 503, (path, response.status_code, page[:2000])
    assert response.headers["Retry-After"] == "30"
    _not_cached(response)
    assert '<html lang="fr"' in page and NOTICE in page, page[:3000]
    assert "Réessayez dans quelques minutes." in page
    assert "Traceback" not in page and "Solr" not in page


def assert_feed_unavailable(app, path: str) -> None:
    response, body = _get(app, path)
    assert response.status_code == 503, (path, response.status_code, body[:2000])
    assert response.headers["Retry-After"] == "30", path
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.strip() == FEED_MESSAGE, body
    _not_cached(response)


def assert_feed_lists(app, path: str, *titles: str) -> None:
    response, body = _get(app, path)
    assert response.status_code == 200, (path, response.status_code, body[:2000])
    for title in titles:
        assert title in body, (path, title)


def test_reading_while_solr_is_down_and_after_it_returns(app, catalogue):
    solr, piscines, resource = catalogue["solr"], catalogue["piscines"], catalogue["resource"]
    admin, editor = catalogue["admin"], catalogue["editor"]
    assert_feed_lists(app, "/catalog.ttl", "Horaires des piscines", "Collecte des déchets")

    solr.stop()

    # Pages that do not need search: served from PostgreSQL.
    page = _page_ok(app, "/dataset/piscines", "Horaires des piscines", "Roques",
                    "Équipements (CSV)")
    assert NOTICE not in page
    _page_ok(app, f"/dataset/piscines/resource/{resource['id']}", "Équipements (CSV)",
             "Horaires des piscines")
    for fmt in ("ttl", "rdf", "jsonld"):
        _page_ok(app, f"/dataset/piscines.{fmt}", "Horaires des piscines", piscines["id"])
    for path, title in EDITORIAL_PAGES.items():
        _page_ok(app, path, title)
    _page_ok(app, "/user/login", "Se connecter")
    _page_ok(app, "/producteurs", "Roques", "Sicoval")

    # A publisher's page: its facts, its datasets from the database and the notice.
    page = _page_ok(app, "/commune/roques", "Roques", NOTICE, "2 jeux de données",
                    "Horaires des piscines", "Budget primitif de Roques")
    assert "Annuaire interne" not in page  # private: not for visitors
    page = _page_ok(app, "/commune/roques", "3 jeux de données", "Annuaire interne",
                    headers=admin)
    _page_ok(app, "/commune/about/roques", "Roques", "31458")
    organization = app.get("/api/3/action/organization_show?id=roques").json["result"]
    assert organization["package_count"] == 2 and organization["title"] == "Roques"

    # The forms.
    _page_ok(app, "/dataset/new", "Créer le jeu de données", headers=editor)
    _page_ok(app, "/dataset/edit/piscines", 'value="Horaires des piscines"', headers=editor)
    _page_ok(app, "/dataset/piscines/resource/new", "Ajouter une ressource", headers=editor)
    _page_ok(app, f"/dataset/piscines/resource/{resource['id']}/edit",
             'value="Équipements (CSV)"', headers=editor)
    _page_ok(app, "/commune/edit/roques", 'value="Roques"', headers=admin)

    # Pages and calls that need search say so.
    assert_search_page_unavailable(app, "/dataset/")
    assert_search_page_unavailable(app, "/dataset/?q=piscines")
    response, page = _get(app, "/")
    assert response.status_code == 200
    _not_cached(response)
    assert NOTICE in page and "Réessayez dans quelques minutes." in page
    assert "Derniers jeux de données publiés" not in page  # the search blocks gave way
    assert "Roques" in page and "Sicoval" in page  # the publishers, from the database
    response = app.get("/api/3/action/package_search?q=piscines", expect_errors=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["success"] is False
    assert response.json["error"]["message"] == API_MESSAGE
    for path in FEEDS:
        assert_feed_unavailable(app, path)
    assert app.get("/sante", expect_errors=True).status_code == 503

    # Solr returns: no restart, every page and feed works again.
    solr.start()
    page = _page_ok(app, "/dataset/", "Horaires des piscines", "Collecte des déchets")
    assert NOTICE not in page
    page = _page_ok(app, "/", "Derniers jeux de données publiés", "Horaires des piscines")
    assert NOTICE not in page
    page = _page_ok(app, "/commune/roques", "Horaires des piscines", "Budget primitif de Roques")
    assert NOTICE not in page
    found = app.get("/api/3/action/package_search?q=piscines").json["result"]
    assert [d["name"] for d in found["results"]] == ["piscines"]
    assert_feed_lists(app, "/catalog.ttl", "Horaires des piscines", "Budget primitif de Roques",
                      "Collecte des déchets")
    assert_feed_lists(app, "/catalogue/roques.ttl", "Horaires des piscines",
                      "Budget primitif de Roques")
    assert app.get("/sante").json["status"] == "ok"


def test_a_core_that_solr_has_not_loaded_is_an_outage_too(app, catalogue):
    """Solr answers, but not the core (a node starting, a core unloaded): HTTP 404."""
    solr = catalogue["solr"]
    admin = f"http://127.0.0.1:{solr.port}/solr/admin/cores"
    requests.get(admin, params={"action": "UNLOAD", "core": solr.core}, timeout=60).raise_for_status()
    assert requests.get(f"{solr.url}/select", timeout=30).status_code == 404

    assert_search_page_unavailable(app, "/dataset/")
    assert_feed_unavailable(app, "/catalog.ttl")
    response = app.get("/api/3/action/package_search", expect_errors=True)
    assert response.status_code == 503
    assert json.loads(response.get_data(as_text=True))["error"]["message"] == API_MESSAGE
    _page_ok(app, "/dataset/piscines", "Horaires des piscines")

    # The core is loaded again: no restart of the portal.
    requests.get(admin, params={"action": "CREATE", "name": solr.core, "instanceDir": solr.core,
                                "dataDir": "data"}, timeout=120).raise_for_status()
    _page_ok(app, "/dataset/", "Horaires des piscines")
    assert_feed_lists(app, "/catalog.ttl", "Horaires des piscines")
