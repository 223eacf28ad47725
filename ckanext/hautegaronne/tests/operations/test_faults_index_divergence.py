"""Solr answers, but its index lost datasets (an empty core after a crash, a partial one):
the DCAT feeds answer 503 rather than a truncated catalogue that data.gouv.fr would take at
its word, the operator finds the difference in the log and on /sante, and the feeds come back
after ``ckan hautegaronne search-index repair`` or a rebuild, without a restart.

Drills on a private Solr core (scripts/solr.sh on a free port)."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pysolr
import pytest

import ckan.plugins.toolkit as tk

from ..dcat import factories
from .faults import on_private_solr, private_solr  # noqa: F401 (fixtures)
from .services import ROOT
from .test_faults_solr import search_index_command

DIVERGENCE = ("Le catalogue est momentanément indisponible : l'index de recherche ne contient "
              "pas encore tous les jeux de données publiés (il est en cours de reconstruction). "
              "Réessayez plus tard.")
TOLERANCE = "ckanext.hautegaronne.search_index.tolerance"
ROQUES = {"piscines": "Horaires des piscines", "budget": "Budget primitif de Roques",
          "cantine": "Menus de la cantine"}
SICOVAL = {"collecte": "Collecte des déchets", "bus": "Lignes de bus du Sicoval"}
ROQUES_FEEDS = ["/catalogue/roques.ttl", "/catalogue/roques.rdf", "/catalogue/roques.jsonld"]
ALL_FEEDS = ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"]


@pytest.fixture
def catalogue(on_private_solr):
    """Roques: three public datasets and a private one; Sicoval: two public datasets."""
    roques = factories.publisher("roques")
    sicoval = factories.publisher("sicoval")
    for name, title in ROQUES.items():
        factories.dataset(roques, name=name, title=title)
    factories.dataset(roques, name="interne", title="Annuaire interne", private=True)
    for name, title in SICOVAL.items():
        factories.dataset(sicoval, name=name, title=title)
    return {"solr": on_private_solr, "roques": roques, "sicoval": sicoval}


def _lose(solr, query: str = "*:*") -> None:
    """Documents lost by the index (Solr answers, without them)."""
    conn = pysolr.Solr(solr.url, timeout=30)
    conn.delete(q=query)
    conn.commit()


def _ckan(solr, *args: str) -> subprocess.CompletedProcess:
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    return subprocess.run([ckan, "-c", str(ROOT / "test.ini"), *args],
                          env=dict(os.environ, CKAN_SOLR_URL=solr.url),
                          capture_output=True, text=True, timeout=600)


def assert_refused(app, path: str) -> None:
    response = app.get(path, expect_errors=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 503, (path, response.status_code, body[:1000])
    assert response.headers["Retry-After"] == "300"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.strip() == DIVERGENCE
    assert "public" not in response.headers.get("Cache-Control", "")


def assert_served(app, path: str, titles) -> None:
    response = app.get(path, expect_errors=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, (path, response.status_code, body[:1000])
    for title in titles:
        assert title in body, (path, title)
    assert "Annuaire interne" not in body


def _health(app) -> dict:
    response = app.get("/sante")
    assert response.status_code == 200  # the services answer: no reason to leave the pool
    return response.json


def test_an_empty_core_is_never_served_as_an_empty_catalogue(app, catalogue, caplog,
                                                             ckan_config, monkeypatch):
    solr = catalogue["solr"]
    default = tk.config.get(TOLERANCE)
    assert default == 1
    # In step, even without any tolerance: the counts leave out what the feeds leave out
    # (the private dataset).
    monkeypatch.setitem(ckan_config, TOLERANCE, 0)
    assert_served(app, "/catalog.ttl", [*ROQUES.values(), *SICOVAL.values()])
    assert _health(app)["index"] == {"ok": True, "tolerance": 0, "missing": 0, "extra": 0,
                                     "publishers": []}
    monkeypatch.setitem(ckan_config, TOLERANCE, default)

    _lose(solr)  # the core came back empty
    # What the operator reads in the log (the test run's logging setup disables the loggers
    # that existed before it: this one is enabled again).
    guard_log = "ckanext.hautegaronne.operations.index_guard"
    monkeypatch.setattr(logging.getLogger(guard_log), "disabled", False)
    caplog.set_level(logging.ERROR, logger=guard_log)
    for path in [*ALL_FEEDS, *ROQUES_FEEDS, "/catalogue/sicoval.ttl", "/catalogue/roques"]:
        assert_refused(app, path)
    logged = caplog.text
    assert "DCAT feed /catalog.ttl answered 503" in logged
    assert "roques: 3 in the database, 0 in the index" in logged
    assert "sicoval: 2 in the database, 0 in the index" in logged
    health = _health(app)
    assert health["status"] == "degraded"
    assert health["index"]["ok"] is False and health["index"]["missing"] == 5
    assert {(p["publisher"], p["database"], p["index"]) for p in health["index"]["publishers"]} \
        == {("roques", 3, 0), ("sicoval", 2, 0)}
    # A publisher left without any dataset in the index is refused whatever the tolerance.
    monkeypatch.setitem(ckan_config, TOLERANCE, 10)
    assert_refused(app, "/catalogue/sicoval.ttl")
    assert_refused(app, "/catalog.ttl")
    monkeypatch.setitem(ckan_config, TOLERANCE, default)

    # The operator repairs the index: the feeds are back, nothing restarted.
    status, _sections, output = search_index_command(solr, "repair")
    assert status == 0, output
    assert_served(app, "/catalog.ttl", [*ROQUES.values(), *SICOVAL.values()])
    assert_served(app, "/catalogue/roques.ttl", ROQUES.values())
    health = _health(app)
    assert health["status"] == "ok" and health["index"]["ok"] is True


def test_a_partial_index_beyond_the_tolerance_refuses_the_feeds_it_truncates(
        app, catalogue, ckan_config, monkeypatch):
    solr = catalogue["solr"]
    default = tk.config.get(TOLERANCE)
    _lose(solr, "name:piscines")
    # One dataset short: within the default tolerance (a save in progress looks the same),
    # reported on /sante.
    assert_served(app, "/catalogue/roques.ttl", ["Budget primitif de Roques"])
    health = _health(app)
    assert health["status"] == "ok" and health["index"]["ok"] is True
    assert health["index"]["publishers"] == [{"publisher": "roques", "database": 3, "index": 2}]
    # Without tolerance, the same index is refused.
    monkeypatch.setitem(ckan_config, TOLERANCE, 0)
    assert_refused(app, "/catalogue/roques.ttl")
    assert _health(app)["status"] == "degraded"
    monkeypatch.setitem(ckan_config, TOLERANCE, default)

    _lose(solr, "name:budget")  # two short: beyond the tolerance
    for path in [*ALL_FEEDS, *ROQUES_FEEDS]:
        assert_refused(app, path)
    # Sicoval's own catalogue is complete: it is served.
    assert_served(app, "/catalogue/sicoval.ttl", SICOVAL.values())

    # A rebuild brings them back.
    rebuilt = _ckan(solr, "search-index", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_served(app, "/catalog.ttl", [*ROQUES.values(), *SICOVAL.values()])
    assert_served(app, "/catalogue/roques.ttl", ROQUES.values())
    assert _health(app)["index"]["publishers"] == []
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 5
