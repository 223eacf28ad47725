"""A national catalogue (a second, stock CKAN: ckanext-dcat's dcat_rdf_harvester with
euro_dcat_ap_3) harvests the portal's catalog over HTTP, and loses nothing that matters."""
from __future__ import annotations

import json
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

from ckanext.hautegaronne.dcat import licences

from . import factories

HERE = Path(__file__).parent
CKAN = str(Path(sys.executable).parent / "ckan")


def _run(args: list[str], ini: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, **kwargs)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


def _action(ini: Path, action: str, **data) -> dict:
    # ckanapi's action command, run inside CKAN's CLI (as the site user).
    args = [CKAN, "-c", str(ini), "api", "action", action]
    args += [f"{key}:{json.dumps(value)}" for key, value in data.items()]
    return json.loads(_run(args, ini).stdout)


@pytest.fixture
def national(tmp_path):
    """The national catalogue's configuration, with a fresh database and Solr core."""
    for variable in ("HG_NATIONAL_SQLALCHEMY_URL", "HG_NATIONAL_SOLR_URL"):
        assert os.environ.get(variable), f"{variable} is set by scripts/test.sh"
    template = string.Template((HERE / "national.ini.in").read_text(encoding="utf-8"))
    ini = tmp_path / "national.ini"
    ini.write_text(template.substitute(
        site_url="http://127.0.0.1:1",  # never served: it only harvests
        sqlalchemy_url=os.environ["HG_NATIONAL_SQLALCHEMY_URL"],
        solr_url=os.environ["HG_NATIONAL_SOLR_URL"],
        redis_url=os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6380/1"),
        storage_path=str(tmp_path / "storage"),
        licences_url=licences.licence_file_url(),
    ), encoding="utf-8")
    _run([CKAN, "-c", str(ini), "db", "clean", "--yes"], ini)
    _run([CKAN, "-c", str(ini), "db", "init"], ini)
    _run([CKAN, "-c", str(ini), "search-index", "clear"], ini)
    return ini


def test_national_catalogue_harvests_every_dataset_without_loss(live_portal, national):
    publishers = [factories.publisher(key) for key in ("departement", "sicoval", "roques")]
    created = [factories.dataset(org, identifier=f"jeu-{org['name']}@data.haute-garonne.fr")
               for org in publishers]
    created.append(factories.dataset(publishers[0], license_id="odc-odbl",
                                     spatial_coverage=[{"code": "31555"}]))

    _action(national, "organization_create", name="catalogue-national", title="Catalogue national")
    source = _action(national, "harvest_source_create", name="haute-garonne",
                     title="Portail de la Haute-Garonne", url=live_portal + "/catalog.ttl",
                     source_type="dcat_rdf", owner_org="catalogue-national",
                     frequency="MANUAL")
    run = _run([CKAN, "-c", str(national), "harvester", "run-test", source["name"]], national)

    harvested = _action(national, "package_search", q="*:*", rows=100,
                        fq="-dataset_type:harvest")["results"]
    if len(harvested) != len(created):
        jobs = _action(national, "harvest_job_list", source_id=source["id"])
        report = [_action(national, "harvest_job_report", id=job["id"]) for job in jobs]
        pytest.fail(f"{run.stdout}\n{run.stderr}\n{json.dumps(report, indent=1)[:4000]}")
    by_title = {d["title"]: d for d in harvested}
    for original in created:
        copy = by_title[original["title"]]
        extras = {e["key"]: e["value"] for e in copy.get("extras", [])}
        assert copy["notes"] == original["notes"]
        assert {t["name"] for t in copy["tags"]} == {t["name"] for t in original["tags"]}
        assert copy["license_id"] == original["license_id"]
        assert extras["identifier"] == (original.get("identifier") or original["id"])
        assert extras["frequency"] == original["frequency"]
        assert extras["temporal_start"] == "2024-01-01"
        assert extras["temporal_end"] == "2024-12-31"
        coverage = original["spatial_coverage"][0]
        assert extras["spatial_uri"] == coverage["uri"]
        assert extras["spatial_text"] == coverage["text"]
        assert json.loads(extras["spatial_bbox"])["type"] == "Polygon"
        org = next(o for o in publishers if o["id"] == original["owner_org"])
        assert extras["publisher_name"] == org["title"]
        assert extras["publisher_identifier"] == org["siren"]
        assert extras["publisher_email"] == org["contact_email"]
        assert [(r["name"], r["url"]) for r in copy["resources"]] == [
            (r["name"], r["url"]) for r in original["resources"]]
