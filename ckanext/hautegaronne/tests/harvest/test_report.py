"""What a publisher's admin sees of its harvest source, over HTTP with API tokens: the last
job's report in French (added, updated, unchanged, errors, datasets flagged as missing and
withdrawn, counted in the job's stats), and the "Moissonner à nouveau" action; the admin of
another organisation cannot see the reports, start a job or edit the source (403, French)."""
from __future__ import annotations

import html
import re

import pytest
from ckan import model
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestJob
from ckanext.harvest.queue import purge_queues

from .conftest import make_org, make_source, read_data, run_job

pytestmark = [
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.allowed_private_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.hautegaronne.harvest.withdraw_after_days", "0"),
    pytest.mark.usefixtures("with_plugins"),
]


def _headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _badges(page: str) -> dict:
    """The report's counters: {data-diff: "<count> <French label>"}."""
    return {diff: " ".join(re.sub(r"<[^>]+>", " ", text).split())
            for diff, text in re.findall(r'<span class="badge[^"]*" data-diff="([^"]+)">(.*?)'
                                         r'</span>', page, re.S)}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _without(catalog: str, slug: str) -> str:
    start = catalog.index(f'<dcat:Dataset rdf:about="https://data.ville-colomiers.example/'
                          f'explore/dataset/{slug}/">')
    start = catalog.rindex("<dcat:dataset>", 0, start)
    end = catalog.index("</dcat:dataset>", start) + len("</dcat:dataset>")
    return catalog[:start] + catalog[end:]


@pytest.fixture
def world(commune, catalog_server):
    admin, outsider = factories.User(), factories.User()
    other = make_org(name="blagnac", title="Blagnac", insee="31069", siren="213100696")
    helpers.call_action("organization_member_create", id=commune["id"],
                        username=admin["name"], role="admin")
    helpers.call_action("organization_member_create", id=other["id"],
                        username=outsider["name"], role="admin")
    full = read_data("colomiers-catalog.rdf")
    url = catalog_server.serve("/catalog.rdf", full)
    source = make_source(commune, url)
    yield {"admin": admin, "outsider": outsider, "source": source, "full": full,
           "server": catalog_server}
    purge_queues()


def test_the_admin_reads_the_last_report_in_french(app, world):
    source, server, full = world["source"], world["server"], world["full"]
    first = run_job(source)
    assert first["stats"]["added"] == 4
    admin_page = f"/harvest/admin/{source['name']}"
    page = app.get(admin_page, headers=_headers(world["admin"])).get_data(as_text=True)
    assert "Dernier moissonnage" in page
    assert _badges(page) == {"error": "0 erreurs", "added": "4 ajoutés", "updated": "0 mis à jour",
                             "deleted": "0 supprimés", "not modified": "0 inchangés",
                             "flagged": "0 signalés comme disparus",
                             "withdrawn": "0 retirés (rendus privés)"}

    # At the source: one title edited, one licence the portal does not offer, one dataset gone.
    edited = _without(full, "qualite-air").replace(
        "<dct:title>Budget primitif de la ville</dct:title>",
        "<dct:title>Budget primitif 2026 de la ville</dct:title>").replace(
        "https://opendatacommons.org/licenses/odbl/1-0/", "https://example.org/licence-maison")
    server.serve("/catalog.rdf", edited)
    second = run_job(source)
    assert (second["stats"]["updated"], second["stats"]["errored"],
            second["stats"]["not modified"], second["stats"]["flagged"]) == (1, 1, 1, 1)
    assert second["gather_errors"] == []  # a flag is counted, not reported as an error
    page = app.get(admin_page, headers=_headers(world["admin"])).get_data(as_text=True)
    badges = _badges(page)
    assert (badges["updated"], badges["error"], badges["not modified"], badges["flagged"],
            badges["withdrawn"]) == ("1 mis à jour", "1 erreurs", "1 inchangés",
                                     "1 signalés comme disparus", "0 retirés (rendus privés)")
    assert "Jeux de données qui ne sont plus dans la source" in page
    # the full report names the error in French
    report = app.get(f"/harvest/{source['name']}/job/{second['job']['id']}",
                     headers=_headers(world["admin"])).get_data(as_text=True)
    assert ("« Équipements sportifs » : licence non proposée par le portail "
            "(https://example.org/licence-maison)") in html.unescape(report)
    assert _badges(report)["flagged"] == "1 signalés comme disparus"

    third = run_job(source)  # still missing after the delay (0 days): withdrawn
    assert third["stats"]["withdrawn"] == 1 and third["stats"].get("flagged", 0) == 0
    page = app.get(admin_page, headers=_headers(world["admin"])).get_data(as_text=True)
    assert _badges(page)["withdrawn"] == "1 retirés (rendus privés)"


def test_the_admin_starts_a_job_from_the_source_page(app, world):
    source = world["source"]
    response = app.post(f"/harvest/refresh/{source['id']}", headers=_headers(world["admin"]),
                        follow_redirects=False)
    assert response.status_code == 302
    assert response.location.endswith(f"/harvest/admin/{source['id']}")
    jobs = model.Session.query(HarvestJob).filter_by(source_id=source["id"]).all()
    assert len(jobs) == 1 and jobs[0].status == "Running"  # sent to the gather queue


def test_another_organisations_admin_can_neither_see_nor_run_nor_edit(app, world):
    source, headers = world["source"], _headers(world["outsider"])
    job = run_job(source)["job"]
    for url in (f"/harvest/admin/{source['name']}", f"/harvest/{source['name']}/job",
                f"/harvest/{source['name']}/job/last",
                f"/harvest/{source['name']}/job/{job['id']}"):
        page = _text(app.get(url, headers=headers, status=403))
        assert "Vous n'êtes pas autorisé à consulter cette page" in page, url
    page = _text(app.post(f"/harvest/refresh/{source['id']}", headers=headers, status=403))
    assert "Vous n'êtes pas autorisé à consulter cette page" in page
    page = _text(app.get(f"/harvest/edit/{source['name']}", headers=headers, status=403))
    assert "n'est pas autorisé à éditer catalogue-colomiers" in page
    response = app.post("/api/3/action/harvest_job_create", headers=headers,
                        json={"source_id": source["id"], "run": False}, status=403)
    assert "Seuls les administrateurs" in response.json["error"]["message"]
    response = app.post("/api/3/action/harvest_source_patch", headers=headers,
                        json={"id": source["id"], "title": "Détourné"}, status=403)
    assert "Seuls les administrateurs" in response.json["error"]["message"]
    assert model.Session.query(HarvestJob).filter_by(source_id=source["id"]).count() == 1
    assert helpers.call_action("package_show", id=source["id"])["title"] == source["title"]
    # the source's page itself offers them no "Admin" button
    page = app.get(f"/harvest/{source['name']}", headers=headers).get_data(as_text=True)
    assert f"/harvest/admin/{source['name']}" not in page
