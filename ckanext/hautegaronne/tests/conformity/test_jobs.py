"""Checks in CKAN background jobs on the test Redis, run by CKAN's own worker (burst):
queued at upload and on a change of file or schema, on demand by the publisher's editors
and admins only; reports in French, private ones for members only; a failing check never
stops the worker nor loses its report."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib import jobs
from werkzeug.datastructures import FileStorage

from ckanext.hautegaronne.conformity import reports

from ..live import ROOT
from ..publishers import helpers as h
from ..publishers.test_ownership import _headers, world  # noqa: F401
from .test_validate import GOOD_ROW, HEADER

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")
COUNTS = "etalab/schema-comptage-mobilites"


@pytest.fixture
def checks(world, cached_catalogue, tmp_path, ckan_config):  # noqa: F811
    """The world of the ownership tests, the catalogue cached, and a configuration file for
    the worker process: the same storage (uploads, catalogue) and address rules."""
    for queue in jobs.get_all_queues():
        queue.empty()
    ini = tmp_path / "worker.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
                   f"ckan.storage_path = {ckan_config['ckan.storage_path']}\n"
                   "ckanext.hautegaronne.harvest.allowed_private_hosts = 127.0.0.1\n"
                   "ckan.locale_default = fr\n", encoding="utf-8")
    WORKER_INI[0] = ini
    return world


WORKER_INI = [None]


def run_jobs() -> str:
    """The queued jobs, run by `ckan jobs worker --burst` in a process of its own (its log)."""
    done = subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", str(WORKER_INI[0]),
                           "jobs", "worker", "--burst"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # what the worker wrote is read afresh, not from this session's identity map
    from ckan import model
    model.Session.expire_all()
    return done.stdout + done.stderr


def upload(dataset: dict, text: str, **fields) -> dict:
    return tk.get_action("resource_create")(h.site_context(), {
        "package_id": dataset["id"], "name": "Comptages", "format": "CSV", "url": "comptages.csv",
        "upload": FileStorage(io.BytesIO(text.encode("utf-8")), filename="comptages.csv",
                              content_type="text/csv"), **fields})


def test_an_upload_is_checked_in_the_background(checks):
    dataset = h.dataset(checks["orgs"]["A"])
    good = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    bad = upload(dataset, HEADER + GOOD_ROW.replace("42", "beaucoup"), schema_name=COUNTS)
    assert reports.report(good["id"])["status"] == "pending"
    run_jobs()
    shown = tk.get_action("hautegaronne_conformity_show")({}, {"id": good["id"]})
    assert shown["status"] == "conforming"
    assert (shown["schema"]["name"], shown["schema"]["version"]) == (COUNTS, "0.2.0")
    assert shown["checked_at"]
    failed = tk.get_action("hautegaronne_conformity_show")({}, {"id": bad["id"]})
    assert failed["status"] == "not-conforming"
    assert failed["errors"][0]["expected"] == "un nombre entier (ex. 42)"


def test_a_new_file_or_schema_version_asks_for_a_new_check(checks):
    dataset = h.dataset(checks["orgs"]["A"])
    resource = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    run_jobs()
    tk.get_action("resource_patch")(h.site_context(), {"id": resource["id"], "name": "Renommée"})
    assert reports.report(resource["id"])["status"] == "conforming"  # nothing checked changed
    tk.get_action("resource_patch")(h.site_context(), {"id": resource["id"],
                                                       "schema_version": "0.1.0"})
    assert reports.report(resource["id"])["status"] == "pending"
    run_jobs()
    report = reports.report(resource["id"])
    assert report["schema"]["version"] == "0.1.0"
    assert report["status"] == "not-conforming"  # 0.1.0 has other columns


def test_a_check_already_queued_is_not_queued_again(app, checks):
    # an outside attack asked five times in one second for a check that runs 300 s: five
    # jobs held the worker every publisher shares
    dataset = h.dataset(checks["orgs"]["A"])
    resource = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    queued = sum(queue.count for queue in jobs.get_all_queues())
    for _ in range(5):
        answer = app.post("/api/action/hautegaronne_conformity_check",
                          headers=_headers(checks, "editor_a"), json={"id": resource["id"]})
        assert answer.status_code == 200, answer.get_data(as_text=True)
    assert sum(queue.count for queue in jobs.get_all_queues()) == queued
    run_jobs()
    assert reports.report(resource["id"])["status"] == "conforming"
    # once done, the publisher may ask again
    done = sum(queue.count for queue in jobs.get_all_queues())
    app.post("/api/action/hautegaronne_conformity_check",
             headers=_headers(checks, "editor_a"), json={"id": resource["id"]})
    assert sum(queue.count for queue in jobs.get_all_queues()) == done + 1


def test_an_unknown_version_is_refused_at_saving(checks):
    dataset = h.dataset(checks["orgs"]["A"])
    with pytest.raises(tk.ValidationError) as refused:
        upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS, schema_version="9.9")
    assert "0.2.0, 0.1.0" in str(refused.value.error_dict)


@pytest.mark.parametrize("path, reason", [
    ("/missing.json", "404"), ("/html", "page web"), ("/broken.json", "JSON valide")])
def test_a_bad_schema_address_gets_a_french_status_and_the_worker_goes_on(
        checks, cached_catalogue, path, reason):
    from ckanext.hautegaronne.conformity import catalogue
    from .conftest import SITE

    # a catalogue whose IRVE version points to the bad address
    listed = json.loads((SITE / "schemas.json").read_text(encoding="utf-8")
                        .replace("{base}", cached_catalogue.base))
    listed["schemas"][1]["versions"][0]["schema_url"] = cached_catalogue.url(path)
    catalogue.refresh(cached_catalogue.serve(f"/bad{path}.json", json.dumps(listed),
                                             "application/json"))
    dataset = h.dataset(checks["orgs"]["A"])
    broken = upload(dataset, HEADER + GOOD_ROW, schema_name="etalab/schema-irve-statique")
    after = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    run_jobs()
    report = reports.report(broken["id"])
    assert report["status"] == "error"
    assert report["message"].startswith("Le schéma n'a pas pu être lu")
    assert reason in report["message"]
    assert reports.report(after["id"])["status"] == "conforming"


def test_a_check_that_fails_unexpectedly_still_leaves_a_report(checks, monkeypatch):
    dataset = h.dataset(checks["orgs"]["A"])
    resource = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    monkeypatch.setattr(reports.validate, "validate_file", lambda *a, **k: 1 / 0)
    reports.run_check(resource["id"])  # the job's function, in this process
    report = reports.report(resource["id"])
    assert report["status"] == "error"
    assert "erreur du portail" in report["message"]


@pytest.mark.parametrize("role, allowed", [
    ("anonymous", False), ("member_a", False), ("editor_a", True), ("admin_a", True),
    ("editor_b", False), ("sysadmin", False)])
def test_only_the_publishers_editors_and_admins_ask_for_a_check(app, checks, role, allowed):
    resource = upload(h.dataset(checks["orgs"]["A"]), HEADER + GOOD_ROW, schema_name=COUNTS)
    queued = jobs.get_queue().count  # the upload's check
    response = app.post("/api/action/hautegaronne_conformity_check", json={"id": resource["id"]},
                        headers=_headers(checks, role), expect_errors=True)
    assert response.status_code == (200 if allowed else 403), response.get_data(as_text=True)
    # the upload's check still waits: an allowed request does not queue it twice
    assert jobs.get_queue().count == queued
    if allowed:
        assert reports.report(resource["id"])["status"] == "pending"


def test_reports_of_a_private_dataset_are_for_its_members(app, checks):
    dataset = h.dataset(checks["orgs"]["A"], private=True)
    resource = upload(dataset, HEADER + GOOD_ROW, schema_name=COUNTS)
    url = f"/api/action/hautegaronne_conformity_show?id={resource['id']}"
    assert app.get(url, expect_errors=True).status_code == 403
    assert app.get(url, headers=_headers(checks, "editor_b"), expect_errors=True).status_code == 403
    member = app.get(url, headers=_headers(checks, "member_a"))
    assert member.json["result"]["status"] == "pending"


def test_a_dataset_that_publishes_conforming_data_only(app, checks):
    dataset = h.dataset(checks["orgs"]["A"], conformity_blocks_publication="true")
    assert dataset["private"] is False
    bad = upload(dataset, HEADER + GOOD_ROW.replace("velo", "trottinette"), schema_name=COUNTS)
    log = run_jobs()
    shown = tk.get_action("package_show")(h.site_context(), {"id": dataset["id"]})
    assert shown["private"] is True, log[-3000:]
    assert "a été rendu privé" in reports.report(bad["id"])["message"]
    # making it public again is refused while the resource does not conform (the API)...
    admin = _headers(checks, "admin_a")
    refused = app.post("/api/action/package_patch", headers=admin, expect_errors=True,
                       json={"id": dataset["id"], "private": False})
    assert refused.status_code == 409
    assert refused.json["error"]["conformity_blocks_publication"] == [
        "Le jeu de données ne peut pas être public tant que ces ressources ne sont pas "
        "conformes à leur schéma : Comptages. Corrigez-les, ou rendez le jeu de données privé."]
    assert tk.get_action("package_show")(h.site_context(), {"id": dataset["id"]})["private"]
    # ... and turning the choice off is what makes it public while the data is fixed
    app.post("/api/action/package_patch", headers=admin, json={
        "id": dataset["id"], "private": False, "conformity_blocks_publication": "false"})
    assert tk.get_action("package_show")(h.site_context(), {"id": dataset["id"]})["private"] is False


def test_the_dataset_form_refuses_to_publish_non_conforming_data(app, checks):
    dataset = h.dataset(checks["orgs"]["A"], conformity_blocks_publication="true", private=True)
    upload(dataset, HEADER + GOOD_ROW.replace("velo", "trottinette"), schema_name=COUNTS)
    run_jobs()
    editor = _headers(checks, "admin_a")
    form = app.get(f"/dataset/edit/{dataset['name']}", headers=editor).get_data(as_text=True)
    assert 'name="conformity_blocks_publication"' in form
    fields = {"title": dataset["title"], "name": dataset["name"], "notes": dataset["notes"],
              "owner_org": dataset["owner_org"], "license_id": "lov2", "private": "False",
              "conformity_blocks_publication": "true", "save": ""}
    page = app.post(f"/dataset/edit/{dataset['name']}", headers=editor, data=fields)
    text = page.get_data(as_text=True)
    assert "ne peut pas être public tant que ces ressources ne sont pas conformes" in text
    assert tk.get_action("package_show")(h.site_context(), {"id": dataset["id"]})["private"] is True


def test_a_check_that_could_not_run_leaves_the_dataset_public(checks, ckan_config, monkeypatch,
                                                               tmp_path_factory):
    """Outside attack review: an unreachable schema host, a file that cannot be read or a
    bug made a blocking dataset private, out of the national feeds, for no fault found."""
    dataset = h.dataset(checks["orgs"]["A"], conformity_blocks_publication="true")
    bad = upload(dataset, HEADER + GOOD_ROW.replace("velo", "trottinette"), schema_name=COUNTS)
    # the stored file out of reach, as a lost upload or an unreachable link would be
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path_factory.mktemp("empty")))
    reports.run_check(bad["id"])
    assert reports.report(bad["id"])["status"] == "error"
    shown = tk.get_action("package_show")(h.site_context(), {"id": dataset["id"]})
    assert shown["private"] is False


def test_a_check_that_exceeds_the_configured_seconds_stops_and_says_where(checks, ckan_config,
                                                                         monkeypatch):
    dataset = h.dataset(checks["orgs"]["A"])
    resource = upload(dataset, HEADER + GOOD_ROW * 2500, schema_name=COUNTS)
    # every check lasts more than 0 seconds: it stops at its first look at the clock
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.conformity.max_seconds", "0")
    reports.run_check(resource["id"])  # the job's function, in this process
    report = reports.report(resource["id"])
    assert (report["status"], report["rows"], report["error_count"]) == ("unfinished", 1000, 0)
    assert report["stopped"] == {"row": 1001,
                                 "reason": "la vérification s'arrête après 0 secondes"}
    # the limit is the configured one: with the default the same file is checked to its end
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.conformity.max_seconds", "300")
    reports.run_check(resource["id"])
    assert reports.report(resource["id"])["status"] == "conforming"
    assert reports.report(resource["id"])["rows"] == 2500


def test_a_linked_file_is_fetched_through_the_address_guard(checks, cached_catalogue):
    dataset = h.dataset(checks["orgs"]["A"])
    linked = tk.get_action("resource_create")(h.site_context(), {
        "package_id": dataset["id"], "name": "Comptages en lien", "format": "CSV",
        "schema_name": COUNTS,
        "url": cached_catalogue.serve("/donnees/comptages.csv", HEADER + GOOD_ROW * 3,
                                      "text/csv; charset=utf-8")})
    wrong = tk.get_action("resource_create")(h.site_context(), {
        "package_id": dataset["id"], "name": "Comptages faux en lien", "format": "CSV",
        "schema_name": COUNTS,
        "url": cached_catalogue.serve("/donnees/faux.csv", HEADER + GOOD_ROW.replace("42", "x"),
                                      "text/csv; charset=utf-8")})
    # a private network address (not the loopback this test's configuration allows) is
    # refused when the link is saved...
    with pytest.raises(tk.ValidationError, match="appartient à cette machine ou à un réseau"):
        tk.get_action("resource_create")(h.site_context(), {
            "package_id": dataset["id"], "name": "Comptages internes", "format": "CSV",
            "schema_name": COUNTS, "url": "http://10.20.30.40/comptages.csv"})
    # ... and by the check's fetch, at every hop: a link that redirects there
    private = tk.get_action("resource_create")(h.site_context(), {
        "package_id": dataset["id"], "name": "Comptages redirigés", "format": "CSV",
        "schema_name": COUNTS, "url": cached_catalogue.serve(
            "/donnees/ailleurs.csv", "", "text/csv", status=302,
            headers={"Location": "http://10.20.30.40/comptages.csv"})})
    run_jobs()
    assert cached_catalogue.hits.get("/donnees/comptages.csv")
    report = reports.report(linked["id"])
    assert (report["status"], report["rows"]) == ("conforming", 3)
    report = reports.report(wrong["id"])
    assert (report["status"], report["errors"][0]["cell"]) == ("not-conforming", "x")
    report = reports.report(private["id"])
    assert report["status"] == "error"
    assert report["message"].startswith("Le fichier n'a pas pu être lu : L'adresse 10.20.30.40")
    assert "réseau privé" in report["message"]


def test_an_xlsx_upload_is_checked(checks):
    from .test_validate import xlsx_bytes

    dataset = h.dataset(checks["orgs"]["A"])
    sheets = {}
    for name, rows in (("bon", [GOOD_ROW]), ("faux", [GOOD_ROW.replace("42", "-3")])):
        sheets[name] = tk.get_action("resource_create")(h.site_context(), {
            "package_id": dataset["id"], "name": f"Comptages {name}", "format": "XLSX",
            "url": f"{name}.xlsx", "schema_name": COUNTS, "upload": FileStorage(
                io.BytesIO(xlsx_bytes(HEADER, rows)), filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    run_jobs()
    assert reports.report(sheets["bon"]["id"])["status"] == "conforming"
    report = reports.report(sheets["faux"]["id"])
    assert report["status"] == "not-conforming"
    assert (report["errors"][0]["row"], report["errors"][0]["column"]) == (2, "comptage")
