"""README's "Adding the extension to an existing CKAN 2.12", followed as an administrator would.

A fresh virtualenv gets CKAN 2.12.0 from PyPI, a configuration from ``ckan generate config``
and a database from ``ckan db init``: the existing CKAN. Then the README section's code blocks
are run in order, as written, in a copy of the checkout (a fresh clone): its ``sh`` lines
with the virtualenv activated, its ``ini`` lines applied with ``ckan config-tool`` (values in
``<...>`` filled from the services of the test run). A README line the test does not know
how to run on this machine fails the test, and so does a step that no longer works. CKAN
then serves the result (``ckan run``, outside the checkout) and the portal must answer in
French, with its own templates, translations, assets and feeds, all from the wheel.

The services are those of ``make test`` (scripts/test.sh): PostgreSQL (a database of its own,
created afresh), the Solr core of the test run (a ``ckan.site_id`` of its own keeps its
searches apart), Redis and the DataStore database. One module: the virtualenv is built once.
"""
from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rdflib

from . import outside_reads

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
SECTION = "## Adding the extension to an existing CKAN 2.12"
SITE_ID = "hautegaronne-install"
# Copying the checkout leaves out what a fresh clone does not have.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "var", "dist", "build", "*.egg-info",
                                        "__pycache__", "node_modules", "test-artifacts",
                                        "target", ".pytest_cache", "ckan.ini")
# The README's lines that need the machine's database superuser: the same statements go
# through the project's own access to its cluster.
SUPERUSER_LINES = {
    "ckan datastore set-permissions | sudo -u postgres psql --set ON_ERROR_STOP=1":
        "ckan datastore set-permissions | bash {root}/scripts/postgres.sh sql {datastore_db}",
}


def readme_blocks() -> list[tuple[str, str]]:
    """The (language, text) of each code block of the README's section, in order."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end != -1 else None]
    return [(match.group(1), textwrap.dedent(match.group(2))) for match in re.finditer(
        r"^ *```(\w+)\n(.*?)^ *```", section, re.MULTILINE | re.DOTALL)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Installation:
    """A fresh virtualenv and a CKAN configuration, commands run as its administrator."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.venv = workdir / "venv"
        self.ini = workdir / "ckan.ini"
        self.clone = workdir / "checkout"
        self.log = ROOT / "var" / "log" / "existing-ckan.log"
        self.port = _free_port()
        self.site_url = f"http://127.0.0.1:{self.port}"
        # nothing from the test run's own CKAN: not its virtualenv, not its CKAN_* overrides,
        # nothing of the checkout on the import path but the outside-reads audit hook
        path = [p for p in os.environ["PATH"].split(os.pathsep)
                if not p.startswith(str(ROOT / ".venv"))]
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("CKAN_") and key not in ("VIRTUAL_ENV", "PYTHONPATH")}
        self.env.update(PYTHONPATH=str(outside_reads.SITE),
                        PATH=os.pathsep.join([str(self.venv / "bin"), *path]),
                        VIRTUAL_ENV=str(self.venv), CKAN_INI=str(self.ini),
                        SOLR_VAR=str(workdir / "solr-var"), PIP_DISABLE_PIP_VERSION_CHECK="1")

    def sh(self, line: str, cwd: Path | None = None, timeout: int = 900) -> str:
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"\n$ {line}\n")
        started = time.monotonic()
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=cwd or self.workdir,
                              env=self.env, capture_output=True, text=True, timeout=timeout)
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(done.stdout + done.stderr
                      + f"({time.monotonic() - started:.0f} s, exit {done.returncode})\n")
        assert done.returncode == 0, (
            f"`{line}` failed ({done.returncode}); see {self.log}:\n{done.stderr[-3000:]}")
        return done.stdout

    def configure(self, settings: dict[str, str]) -> None:
        self.sh("ckan config-tool \"$CKAN_INI\" " + " ".join(
            _quoted(f"{key}={value}") for key, value in settings.items()))


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _placeholders(env: dict, site_url: str) -> dict[str, str]:
    return {"<ckan.site_url>": site_url,
            "<DataStore database URL, CKAN's role>": env["CKAN_DATASTORE_WRITE_URL"],
            "<DataStore database URL, read-only role>": env["CKAN_DATASTORE_READ_URL"]}


def _ini_settings(block: str, placeholders: dict[str, str]) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # CKAN's keys are case-sensitive
    parser.read_string("[app:main]\n" + block)
    settings = {}
    for key, value in parser["app:main"].items():
        value = " ".join(value.split())
        for unknown in re.findall(r"<[^>]*>", value):
            if unknown not in placeholders:
                pytest.fail(f"README: the test does not know the value of {unknown} ({key})")
            value = value.replace(unknown, placeholders[unknown])
        settings[key] = value
    return settings


def _get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": "fr"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Follows the README on an existing CKAN, serves it; yields (installation, seconds)."""
    started = time.monotonic()
    inst = Installation(tmp_path_factory.mktemp("existing-ckan"))
    inst.log.parent.mkdir(parents=True, exist_ok=True)
    inst.log.write_text("")
    env = os.environ
    database = f"{env.get('HG_TEST_NAME', 'ckan_test')}_install"
    datastore_db = env["CKAN_DATASTORE_WRITE_URL"].rsplit("/", 1)[1]
    postgres = f"bash {ROOT}/scripts/postgres.sh"
    inst.sh(f"{postgres} dropdb {database} && "
            f"{postgres} createdb {database} \"$HG_DB_PASSWORD\"")
    shutil.copytree(ROOT, inst.clone, ignore=NOT_IN_A_CLONE)

    # The existing CKAN: 2.12.0 from PyPI (the project's pin), CKAN's own configuration.
    ckan_pin = next(line.split()[0] for line in
                    (ROOT / "requirements.txt").read_text().splitlines()
                    if line.startswith("ckan[requirements]=="))
    inst.sh(f"{Path(sys.base_prefix) / 'bin' / 'python3.11'} -m venv {inst.venv}")
    inst.sh(f"pip install -q {_quoted(ckan_pin)}")
    inst.sh("ckan generate config \"$CKAN_INI\"")
    db_url = env["CKAN_SQLALCHEMY_URL"].rsplit("/", 1)[0] + "/" + database
    inst.configure({"sqlalchemy.url": db_url, "solr_url": env["CKAN_SOLR_URL"],
                    "ckan.redis.url": env["CKAN_REDIS_URL"], "ckan.site_url": inst.site_url,
                    "ckan.site_id": SITE_ID,
                    "ckan.storage_path": str(inst.workdir / "storage")})
    inst.sh("ckan db init")

    # README, step by step
    placeholders = _placeholders(env, inst.site_url)
    blocks = readme_blocks()
    assert [lang for lang, _ in blocks].count("ini") >= 1, "README: no ini block to follow"
    for lang, block in blocks:
        if lang == "ini":
            inst.configure(_ini_settings(block, placeholders))
            continue
        assert lang == "sh", f"README: a {lang} block the test cannot follow"
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            line = SUPERUSER_LINES.get(line, line).format(root=ROOT, datastore_db=datastore_db)
            inst.sh(line, cwd=inst.clone)
    installed_seconds = time.monotonic() - started

    # served by CKAN, outside the checkout
    with open(inst.log, "ab") as log:
        server = subprocess.Popen(
            [str(inst.venv / "bin" / "ckan"), "-c", str(inst.ini), "run", "--host",
             "127.0.0.1", "--port", str(inst.port), "--disable-reloader"],
            cwd=inst.workdir, env=inst.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while _get_status(inst.site_url) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"CKAN did not start; see {inst.log}")
            time.sleep(0.5)
        yield inst, installed_seconds, time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=60)


def _get_status(site_url: str) -> int | None:
    try:
        return _get(site_url + "/api/3/action/status_show")[0]
    except OSError:
        return None


def test_the_readme_installs_the_wheel_into_an_existing_ckan(installed):
    inst, installed_seconds, ready_seconds = installed
    print(f"\nexisting CKAN + README steps: {installed_seconds:.0f} s; "
          f"serving: {ready_seconds:.0f} s")
    where = inst.sh("python -c 'import ckanext.hautegaronne as m, ckan; "
                    "print(m.__file__); print(ckan.__version__)'").split()
    site_packages = str(inst.venv / "lib")
    assert where[0].startswith(site_packages), where  # the wheel's copy, not the checkout
    assert where[1] == "2.12.0"
    # the README's Solr configset is the one the test run's core was given (by the same
    # script, from CKAN 2.12.0's schema)
    core = os.environ["CKAN_SOLR_URL"].rstrip("/").rsplit("/", 1)[1]
    written = Path(inst.env["SOLR_VAR"]) / "solr" / "home" / "ckan" / "conf" / "schema.xml"
    in_use = ROOT / "var" / "solr" / "home" / core / "conf" / "schema.xml"
    def without_comments(path: Path) -> str:  # the header names the CKAN it came from
        return re.sub(r"<!--.*?-->", "", path.read_text(), flags=re.DOTALL)
    assert without_comments(written) == without_comments(in_use)
    assert '<field name="bbox_area"' in written.read_text()

    status, _, body = _get(inst.site_url + "/api/3/action/status_show")
    assert status == 200
    result = json.loads(body)["result"]
    assert result["ckan_version"] == "2.12.0"
    assert {"hautegaronne", "hautegaronne_datastore", "hautegaronne_dcat_harvester",
            "dcat", "scheming_datasets", "harvest", "datastore"} <= set(result["extensions"])


def test_the_portal_answers_in_french_with_its_own_theme(installed):
    inst = installed[0]
    status, _, body = _get(inst.site_url + "/")
    page = body.decode()
    assert status == 200
    assert '<html lang="fr"' in page
    # the extension's home template, translated by the wheel's catalogue
    assert "Les données publiques de la Haute-Garonne" in page
    assert "Rechercher dans le catalogue" in page
    status, _, body = _get(inst.site_url + "/dataset/")
    assert status == 200 and "Jeux de données" in body.decode()
    # the onboarding of the README's step reads the territory data shipped in the wheel
    status, _, body = _get(inst.site_url + "/producteurs")
    assert status == 200 and "Toulouse" in body.decode()
    # public files and assets come from the wheel
    shipped = ROOT / "ckanext" / "hautegaronne" / "public" / "hautegaronne" / "wordmark.svg"
    status, _, body = _get(inst.site_url + "/hautegaronne/wordmark.svg")
    assert (status, body) == (200, shipped.read_bytes())
    assets = re.findall(r'(?:href|src)="(/webassets/hautegaronne[^"]+)"', page)
    assert assets, "no asset of the extension on the home page"
    for asset in assets:
        assert _get(inst.site_url + asset)[0] == 200, asset


def test_the_catalog_feed_is_served(installed):
    inst = installed[0]
    status, headers, body = _get(inst.site_url + "/catalog.ttl")
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert list(graph.subjects(rdflib.RDF.type, dcat.Catalog))
