"""CKAN clients read the live portal (gunicorn, over HTTP) as they read any CKAN:
data.gouv.fr's CKAN harvester (udata's own ``ckan`` backend) takes every public dataset
with its coverage, and ckanapi's dumps find every public dataset and publisher."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne import demo

from ..dcat import factories
from ..live import ROOT

HERE = Path(__file__).parent
UDATA_VENV = ROOT / "var" / "udata-venv"
UDATA_REQUIREMENTS = HERE / "udata-requirements.txt"


def _udata_python() -> Path:
    """udata's virtualenv, created (or brought up to date) when missing: udata pins what
    CKAN pins otherwise (udata-requirements.txt). A few minutes the first time."""
    python = UDATA_VENV / "bin" / "python"
    stamp = UDATA_VENV / ".requirements.sha256"
    wanted = hashlib.sha256(UDATA_REQUIREMENTS.read_bytes()).hexdigest()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run(["python3.11", "-m", "venv", str(UDATA_VENV)], check=True)
        subprocess.run([str(UDATA_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(UDATA_REQUIREMENTS)], check=True, timeout=1800)
        stamp.write_text(wanted)
    return python


@pytest.fixture
def published(live_portal):
    """The demo content, a private dataset, a dataset without resources and a harvest source
    (none of which is for a national catalogue to take), on the live portal."""
    list(demo.load())
    roques = tk.get_action("organization_show")({}, {"id": "roques-31458"})
    context = factories.sysadmin_context()
    tk.get_action("package_create")(dict(context), factories.dataset_fields(
        roques, name="brouillon-prive", private=True))
    tk.get_action("package_create")(dict(context), factories.dataset_fields(
        roques, name="sans-ressource", resources=[]))
    tk.get_action("harvest_source_create")(dict(context), {
        "name": "catalogue-roques", "title": "Catalogue de Roques", "frequency": "MANUAL",
        "url": "https://data.roques.example.org/catalog.rdf",
        "source_type": "hautegaronne_dcat", "owner_org": roques["id"]})
    public = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})["results"]
    return live_portal, {d["name"]: d for d in public}


def test_data_gouv_fr_ckan_harvester_takes_every_public_dataset(published):
    portal, public = published
    run = subprocess.run([str(_udata_python()), str(HERE / "udata_ckan_harvest.py"), portal],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    print("udata CKAN backend:", json.dumps({k: v for k, v in report.items()
                                              if k != "datasets"}, indent=1)[:3000])
    failed = {i["remote_id"]: i["errors"] for i in report["items"] if i["status"] == "failed"}
    assert failed == {} and report["errors"] == []
    with_resources = {name for name, d in public.items() if d["num_resources"]}
    assert "sans-ressource" in public and "sans-ressource" not in with_resources
    harvested = {d["ckan_name"]: d for d in report["datasets"]}
    assert set(harvested) == with_resources and len(with_resources) >= 9
    for name, dataset in harvested.items():
        source = public[name]
        assert dataset["license"] == source["license_id"] in ("lov2", "odc-odbl"), name
        assert dataset["frequency"], name
        start, end = source["temporal_coverage"][0]["start"], source["temporal_coverage"][0]["end"]
        assert dataset["temporal_coverage"] == [start, end], name
        assert dataset["spatial_geom"]["type"] == "MultiPolygon", name
        # udata keeps each keyword as a slug ("état civil" -> "etat-civil")
        assert len(dataset["tags"]) == len(source["tags"]) > 0, name
        assert len(dataset["resources"]) == source["num_resources"], name
        assert dataset["description"] and dataset["title"] == source["title"], name
    assert report["status"] == "done"


def test_ckanapi_dumps_find_every_public_dataset_and_publisher(published, tmp_path):
    portal, public = published
    bin_dir = Path(sys.executable).parent
    ckanapi = str(bin_dir / "ckanapi")
    # its dump runs workers that are ckanapi processes found on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for kind in ("datasets", "organizations"):
        run = subprocess.run([ckanapi, "dump", kind, "--all", "-O", str(tmp_path / f"{kind}.jsonl"),
                              "-r", portal, "-q"], capture_output=True, text=True, timeout=600,
                             env=env)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    datasets = [json.loads(line) for line in (tmp_path / "datasets.jsonl").read_text().splitlines()]
    assert sorted(d["name"] for d in datasets) == sorted(public)
    assert {d["type"] for d in datasets} == {"dataset"}
    organizations = [json.loads(line)
                     for line in (tmp_path / "organizations.jsonl").read_text().splitlines()]
    publishers = tk.get_action("organization_list")({}, {"limit": 1000})
    assert sorted(o["name"] for o in organizations) == sorted(publishers)
    assert len(publishers) == 9
    assert {o["type"] for o in organizations} == {"organization"}
    assert {o["publisher_type"] for o in organizations} == {
        "departement", "etablissement", "epci", "commune"}
