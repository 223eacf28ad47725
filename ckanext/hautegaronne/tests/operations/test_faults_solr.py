"""Solr stopped while publishers save datasets: a French message, all or nothing in the
database; after Solr returns, ``ckan hautegaronne search-index check|repair`` brings the
index back in line with the database (also after restoring an old copy of the index).

The drills run on a private Solr (scripts/solr.sh on a free port) that they stop and restart;
the database is the suite's test database."""
from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import subprocess
import sys

import pysolr
from sqlalchemy import text

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories as ckan_factories

from ..dcat import factories
from ..dataset.test_schema_form import _form as stage_one_form
from .faults import on_private_solr, private_solr  # noqa: F401 (fixtures)
from .services import ROOT

UNAVAILABLE = ("Le moteur de recherche est momentanément indisponible : cette modification "
               "n'a pas été enregistrée (rien n'a changé). Réessayez dans quelques minutes.")


def _editor(org: dict) -> dict:
    user = ckan_factories.User()
    tk.get_action("organization_member_create")(factories.sysadmin_context(), {
        "id": org["id"], "username": user["name"], "role": "editor"})
    return {"Authorization": ckan_factories.APIToken(user=user["name"])["token"]}


def _api(app, action: str, headers: dict, data: dict):
    return app.post(f"/api/3/action/{action}", json=data, headers=headers, expect_errors=True)


def _db_state() -> dict:
    """Every dataset row and resource row, as stored (the database is the reference)."""
    model.Session.remove()
    packages = {p.name: (p.state, p.title, p.metadata_modified)
                for p in model.Session.query(model.Package)}
    resources = {(r.package_id, r.url, r.state) for r in model.Session.query(model.Resource)}
    activities = model.Session.execute(text("SELECT count(*) FROM activity")).scalar()
    return {"packages": packages, "resources": resources, "activities": activities}


SECTION = re.compile(r"^\d+ (missing from the index|outdated in the index|"
                     r"in the index only \(deleted or unknown\))$")


def search_index_command(solr, *args: str) -> tuple[int, dict[str, set[str]], str]:
    """Runs ``ckan hautegaronne search-index ARGS`` as an operator would, on the private
    Solr; returns the exit status, the listed ids by section, and the output."""
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    result = subprocess.run([ckan, "-c", str(ROOT / "test.ini"), "hautegaronne", "search-index",
                             *args], env=dict(os.environ, CKAN_SOLR_URL=solr.url),
                            capture_output=True, text=True, timeout=300)
    sections: dict[str, set[str]] = {}
    current = None
    for line in result.stdout.splitlines():
        heading = SECTION.match(line)
        if heading:
            current = heading.group(1)
            sections[current] = set()
        elif line.startswith("  ") and current is not None:
            sections[current].add(line.strip())
        else:
            current = None
    return result.returncode, sections, result.stdout + result.stderr


def _solr_documents(solr) -> dict[str, datetime.datetime]:
    conn = pysolr.Solr(solr.url, timeout=30)
    docs = conn.search("*:*", fq=['+site_id:"%s"' % tk.config.get("ckan.site_id"),
                                  "+entity_type:package"], fl="id,metadata_modified", rows=10000)
    return {d["id"]: datetime.datetime.fromisoformat(d["metadata_modified"].rstrip("Z"))
            for d in docs}


def _db_datasets() -> dict[str, datetime.datetime]:
    """Datasets that must be searchable, metadata_modified to the millisecond (Solr's)."""
    model.Session.remove()
    return {p.id: p.metadata_modified.replace(microsecond=p.metadata_modified.microsecond
                                              // 1000 * 1000)
            for p in model.Session.query(model.Package).filter(model.Package.state != "deleted")}


def test_saving_while_solr_is_down_is_refused_in_french_and_saves_nothing(app, on_private_solr):
    solr = on_private_solr
    org = factories.publisher("roques")
    editor = _editor(org)
    created = _api(app, "package_create", editor, factories.dataset_fields(
        org, name="avant-la-panne", title="Avant la panne"))
    assert created.status_code == 200, created.get_data(as_text=True)
    kept = created.json["result"]

    solr.stop()
    before = _db_state()

    # Through the API: create (with resources), update, add a resource, delete.
    attempts = {
        "package_create": factories.dataset_fields(org, name="pendant-la-panne", resources=[
            {"name": "Données (CSV)", "url": "https://example.org/panne.csv", "format": "CSV"},
            {"name": "Données (JSON)", "url": "https://example.org/panne.json",
             "format": "JSON"}]),
        "package_patch": {"id": kept["id"], "title": "Titre changé pendant la panne"},
        "resource_create": {"package_id": kept["id"], "name": "Ajout",
                            "url": "https://example.org/ajout.csv", "format": "CSV"},
        "package_delete": {"id": kept["id"]},
    }
    for action, data in attempts.items():
        response = _api(app, action, editor, data)
        assert response.status_code == 503, (action, response.get_data(as_text=True))
        assert response.headers["Retry-After"] == "30"
        error = response.json["error"]
        assert error["search_index"] == [UNAVAILABLE], (action, error)
        assert "Traceback" not in response.get_data(as_text=True)
        assert _db_state() == before, action  # nothing saved, not even in part

    # Through the web forms: the new dataset form (stage 1) and the edit form.
    response = app.post("/dataset/new", headers=editor, follow_redirects=False,
                        data=stage_one_form(org, title="Salles pendant la panne",
                                            name="salles-pendant-la-panne"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200  # the form again, with the input kept
    assert UNAVAILABLE in page and "Moteur de recherche" in page
    assert 'value="Salles pendant la panne"' in page
    assert _db_state() == before

    edit = stage_one_form(org, name=kept["name"], title="Titre changé dans le formulaire",
                          save="", _ckan_phase="", pkg_name=kept["name"])
    response = app.post(f"/dataset/edit/{kept['name']}", headers=editor, data=edit,
                        follow_redirects=False)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert UNAVAILABLE in page
    assert 'value="Titre changé dans le formulaire"' in page
    assert _db_state() == before

    # Solr returns: the index matches the database without any repair.
    solr.start()
    status, sections, output = search_index_command(solr, "check")
    assert status == 0, output
    assert "in sync: 1 datasets" in output
    assert _solr_documents(solr) == _db_datasets()
    # and the publisher's retry goes through.
    retried = _api(app, "package_create", editor, attempts["package_create"])
    assert retried.status_code == 200
    assert len(retried.json["result"]["resources"]) == 2


def test_repair_brings_an_old_copy_of_the_index_in_line_with_the_database(on_private_solr):
    solr = on_private_solr
    org = factories.publisher("roques")
    updated = factories.dataset(org, name="mis-a-jour", title="Horaires des piscines")
    deleted = factories.dataset(org, name="supprime", title="Ancien annuaire")
    factories.dataset(org, name="inchange", title="Budget primitif")

    # A copy of the index as it is now (Solr stopped, its data folder copied: a backup).
    solr.stop()
    backup = solr.var / "index-backup"
    shutil.copytree(solr.data_dir, backup)
    solr.start()

    # Life goes on: an update, a new dataset, a deletion.
    context = factories.sysadmin_context()
    tk.get_action("package_patch")(dict(context), {"id": updated["id"],
                                                   "title": "Horaires des piscines 2026"})
    created = factories.dataset(org, name="nouveau", title="Parkings relais")
    tk.get_action("package_delete")(dict(context), {"id": deleted["id"]})
    assert search_index_command(solr, "check")[0] == 0

    # Solr is restored from the backup: the index no longer matches the database.
    solr.stop()
    shutil.rmtree(solr.data_dir)
    shutil.copytree(backup, solr.data_dir)
    solr.start()
    status, sections, output = search_index_command(solr, "check")
    assert status == 1, output
    assert sections == {"missing from the index": {created["id"]},
                        "outdated in the index": {updated["id"]},
                        "in the index only (deleted or unknown)": {deleted["id"]}}, output
    found = tk.get_action("package_search")(dict(context), {"q": "title:relais"})
    assert found["count"] == 0  # what users see: the new dataset cannot be found

    status, sections, output = search_index_command(solr, "repair")
    assert status == 0, output
    assert output.strip().endswith("in sync: 3 datasets")
    # Solr and the database agree, dataset by dataset, on ids and modification times.
    assert _solr_documents(solr) == _db_datasets()
    assert len(_db_datasets()) == 3
    search = tk.get_action("package_search")(dict(context), {"q": "*:*", "rows": 10})
    titles = {d["title"] for d in search["results"]}
    assert titles == {"Horaires des piscines 2026", "Parkings relais", "Budget primitif"}
    assert search_index_command(solr, "check")[0] == 0
