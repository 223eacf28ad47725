"""`make backup` and `make restore`: the demo portal (built with `ckan hautegaronne demo`,
plus members with each role, an uploaded binary file and a publisher's image) is backed up
and restored into an empty portal (a second database, Solr core and storage), which holds
the same datasets, publishers, members, users, resources and files, found by search.

Both portals run from config/ckan.ini.in rendered as `make up` renders it, with this
installation's real secrets (var/secrets.env): none of them may reach the backup."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ckanext.hautegaronne.operations import backup as operations

ROOT = Path(__file__).resolve().parents[4]
VENV_BIN = Path(sys.executable).parent
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def _secrets() -> dict[str, str]:
    path = Path(os.environ.get("HG_VAR", ROOT / "var")) / "secrets.env"
    values = dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").split())
    assert {"HG_DB_PASSWORD", "HG_SECRET_KEY", "HG_ADMIN_PASSWORD"} <= set(values)
    return values


def _env(ini: Path, **extra: str) -> dict[str, str]:
    # The rendered ini names the portal: no CKAN_* override from `make test`.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    env.update(CKAN_INI=str(ini), PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", **extra)
    return env


def _run(args: list[str], ini: Path, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900,
                            env=_env(ini, **extra), cwd=ROOT)
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


def _ckan(ini: Path, *args: str) -> subprocess.CompletedProcess:
    return _run([VENV_BIN / "ckan", "-c", ini, *args], ini)


def _portal(ini: Path, command: str) -> dict:
    result = _run([sys.executable, "-m", "ckanext.hautegaronne.tests.operations.portal", ini, command], ini)
    return json.loads(result.stdout.rsplit("@@JSON@@", 1)[1])


def _configure():
    """scripts/configure.py, the one place config/ckan.ini.in is rendered."""
    spec = importlib.util.spec_from_file_location("hg_configure", ROOT / "scripts" / "configure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render(tmp: Path, name: str, sqlalchemy_url: str, solr_url: str) -> Path:
    secrets = _secrets()
    configure = _configure()
    return configure.render(tmp / f"{name}.ini", dict(
        SITE_URL="http://127.0.0.1:1", SITE_ID="hautegaronne", SECRET_KEY=secrets["HG_SECRET_KEY"],
        SQLALCHEMY_URL=sqlalchemy_url, SOLR_URL=solr_url,
        REDIS_URL=os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6380/1"),
        STORAGE_PATH=str(tmp / f"{name}-storage"),
        # the suite's DataStore (the environment's CKAN_DATASTORE_* win in CKAN anyway)
        DATASTORE_WRITE_URL=os.environ["CKAN_DATASTORE_WRITE_URL"],
        DATASTORE_READ_URL=os.environ["CKAN_DATASTORE_READ_URL"],
        XLOADER_API_TOKEN="NOT_SET", XLOADER_SITE_URL="http://127.0.0.1:1",
        MAIL_FROM=configure.default_sender("http://127.0.0.1:1"),
        CONTACT_EMAIL=configure.contact_email()))


def _empty_database(sqlalchemy_url: str) -> None:
    connection = operations.Database.from_sqlalchemy(sqlalchemy_url).connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '30s'; DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connection.commit()
    finally:
        connection.close()


def _count_datasets(sqlalchemy_url: str) -> int:
    connection = operations.Database.from_sqlalchemy(sqlalchemy_url).connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM package WHERE state = 'active'")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def _tree(storage: Path) -> dict[str, bytes]:
    return {str(p.relative_to(storage)): p.read_bytes()
            for part in operations.STORAGE_PARTS for p in operations.walk_files(storage / part)}


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    """The demo portal, its backup, and the empty portal it is restored into."""
    from ckan import model

    for variable in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "HG_NATIONAL_SQLALCHEMY_URL",
                     "HG_NATIONAL_SOLR_URL"):
        assert os.environ.get(variable), f"{variable} is set by scripts/test.sh"
    tmp = tmp_path_factory.mktemp("backup")
    secrets = _secrets()
    # The source portal lives in this run's test database (which the suite's own
    # connections must release), the target in its `_national` twin.
    model.Session.remove()
    model.meta.engine.dispose()
    source_url = os.environ["CKAN_SQLALCHEMY_URL"]
    target_url = os.environ["HG_NATIONAL_SQLALCHEMY_URL"]
    source = _render(tmp, "source", source_url, os.environ["CKAN_SOLR_URL"])
    target = _render(tmp, "target", target_url, os.environ["HG_NATIONAL_SOLR_URL"])
    assert operations.Database.from_sqlalchemy(source_url).password == secrets["HG_DB_PASSWORD"]

    _empty_database(source_url)
    _ckan(source, "db", "init")
    _ckan(source, "search-index", "clear")
    _ckan(source, "user", "add", "admin", "email=admin@example.invalid",
          f"password={secrets['HG_ADMIN_PASSWORD']}")
    _ckan(source, "sysadmin", "add", "admin")
    _ckan(source, "hautegaronne", "demo", "--admin", "admin")
    added = _portal(source, "populate")
    before = _portal(source, "inventory")

    backups = tmp / "backups"
    made = _run(["make", "--no-print-directory", "backup", f"BACKUP_DIR={backups}"], source)
    (folder,) = [p for p in backups.iterdir()]

    _empty_database(target_url)
    restored_run = _run(["make", "--no-print-directory", "restore", f"BACKUP={folder}"], target)
    after = _portal(target, "inventory")
    yield {"source": source, "target": target, "target_url": target_url, "folder": folder,
            "added": added, "before": before, "after": after, "secrets": secrets,
            "backup_output": made.stdout, "restore_output": restored_run.stdout}

    # The suite's other tests find this run's test database migrated and without the demo.
    _empty_database(source_url)
    _ckan(source, "db", "init")
    _ckan(source, "search-index", "clear")


def test_restored_portal_holds_every_dataset_publisher_member_user_and_file(drill):
    before, after = drill["before"], drill["after"]
    assert len(before["datasets"]) >= 9 and len(before["organizations"]) >= 9
    assert drill["added"]["resource"] in {r["id"] for d in before["datasets"].values() for r in d["resources"]}

    assert sorted(after["datasets"]) == sorted(before["datasets"])
    for name, dataset in before["datasets"].items():
        assert after["datasets"][name] == dataset, f"dataset {name} differs after restore"
        assert [r["id"] for r in after["datasets"][name]["resources"]] == [r["id"] for r in dataset["resources"]]

    assert sorted(after["organizations"]) == sorted(before["organizations"])
    for name, org in before["organizations"].items():
        assert after["organizations"][name] == org, f"organisation {name} differs after restore"
        capacities = {u["name"]: u["capacity"] for u in org["users"]}
        assert {u["name"]: u["capacity"] for u in after["organizations"][name]["users"]} == capacities
        assert after["members"][name] == before["members"][name]
    departement = {u["name"]: u["capacity"] for u in after["organizations"]["departement-haute-garonne"]["users"]}
    assert departement == {"admin": "admin", "redactrice-31": "editor", "lecteur-31": "member"}

    assert sorted(after["users"]) == sorted(before["users"])
    for name, user in before["users"].items():
        assert after["users"][name] == user, f"user {name} differs after restore"

    # Files byte for byte, each at the path its resource or publisher references.
    assert before["files"] and None not in before["files"].values()
    assert after["files"] == before["files"]
    source_storage, target_storage = Path(before["storage"]), Path(after["storage"])
    assert source_storage != target_storage
    source_tree, target_tree = _tree(source_storage), _tree(target_storage)
    assert sorted(target_tree) == sorted(source_tree)
    for relative, content in source_tree.items():
        assert target_tree[relative] == content, f"{relative} differs after restore"
    uploaded = drill["added"]["resource"]
    binary = f"resources/{uploaded[0:3]}/{uploaded[3:6]}/{uploaded[6:]}"
    assert target_tree[binary] == bytes(range(256)) * 64
    assert any(r.startswith("storage/uploads/group/") for r in target_tree)


def test_restored_search_index_finds_every_dataset(drill):
    after = drill["after"]
    for name in after["datasets"]:
        assert name in after["search"][name], f"searching the title of {name} does not find it"
    for name, org in after["organizations"].items():
        assert org["package_count"] == drill["before"]["organizations"][name]["package_count"]
    assert "search index: " in drill["restore_output"]
    assert "migrations applied: none needed" in drill["restore_output"]


def test_backup_folder_is_private_and_described_by_its_manifest(drill):
    folder = drill["folder"]
    assert operations.STAMP_RE.match(folder.name)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    before = drill["before"]
    assert manifest["counts"]["datasets"] == len(before["datasets"])
    assert manifest["counts"]["organizations"] == len(before["organizations"])
    assert manifest["counts"]["users"] == len(before["users"])
    assert manifest["counts"]["resources"] == sum(len(d["resources"]) for d in before["datasets"].values())
    assert manifest["versions"]["ckan"] == "2.12.0"
    assert {"ckanext-hautegaronne", "ckanext-scheming", "ckanext-dcat", "ckanext-spatial",
            "ckanext-harvest"} <= set(manifest["versions"])
    listed = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"manifest.json", "SHA256SUMS"}
    assert set(manifest["files"]) == listed
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]
    assert f"files/{next(iter(before['files']))}" in manifest["files"]
    assert manifest["referenced_files_missing"] == []
    sums = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    # `make backup` tells the package which commit the checkout is at.
    revision = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if revision.returncode == 0:
        assert manifest["versions"]["ckanext-hautegaronne (git)"] == revision.stdout.strip()


def test_ckan_command_verifies_a_backup_and_refuses_a_damaged_one(drill, tmp_path):
    """``ckan hautegaronne backup``: the backup tools of an installation without the
    project's checkout (the command the README gives for an installed wheel)."""
    intact = _ckan(drill["source"], "hautegaronne", "backup", "verify", str(drill["folder"]))
    assert "files intact" in intact.stdout
    damaged = tmp_path / drill["folder"].name
    shutil.copytree(drill["folder"], damaged)
    (damaged / "database.dump").unlink()
    refused = _run([VENV_BIN / "ckan", "-c", drill["source"], "hautegaronne", "backup", "verify",
                    damaged], drill["source"], check=False)
    assert refused.returncode == 1
    assert "missing: database.dump" in refused.stderr


def test_backup_holds_no_secret_of_the_installation(drill):
    folder = drill["folder"]
    secrets = [drill["secrets"][k] for k in ("HG_DB_PASSWORD", "HG_SECRET_KEY", "HG_ADMIN_PASSWORD")]
    # Everything in the folder, and the database dump as the SQL it restores.
    sql = subprocess.run([f"{PG_BIN}/pg_restore", "--file=-", str(folder / "database.dump")],
                         capture_output=True, check=True).stdout
    assert b"CREATE TABLE public.package" in sql
    for content in [sql] + [p.read_bytes() for p in folder.rglob("*") if p.is_file()]:
        for secret in secrets:
            assert secret.encode() not in content
    # The configuration is still there, secrets replaced by placeholders.
    ini = (folder / "config" / "source.ini").read_text(encoding="utf-8")
    assert "SECRET_KEY = <redacted>" in ini
    assert "api_token.jwt.encode.secret = <redacted>" in ini
    assert "sqlalchemy.url = postgresql://ckan:<redacted>@" in ini
    assert "ckan.plugins = hautegaronne" in ini


def test_restore_refuses_a_portal_that_is_not_empty(drill):
    target, folder = drill["target"], drill["folder"]
    datasets = _count_datasets(drill["target_url"])
    result = _run(["make", "--no-print-directory", "restore", f"BACKUP={folder}"], target, check=False)
    assert result.returncode != 0
    assert "refusing to restore: the database" in result.stderr
    assert "is not empty" in result.stderr and "FORCE=1" in result.stderr
    assert _count_datasets(drill["target_url"]) == datasets


@pytest.mark.parametrize("damage, message", [
    ("flip a byte of an uploaded file", "sha256 mismatch: files/resources/"),
    ("remove the database dump", "missing: database.dump"),
    ("remove the manifest", "has no manifest.json: incomplete backup"),
])
def test_restore_refuses_a_corrupt_or_incomplete_backup_before_touching_anything(drill, tmp_path, damage, message):
    damaged = tmp_path / drill["folder"].name
    shutil.copytree(drill["folder"], damaged)
    if damage.startswith("flip"):
        victim = sorted((damaged / "files" / "resources").rglob("*-*"))[0]
        content = bytearray(victim.read_bytes())
        content[len(content) // 2] ^= 0x01
        victim.write_bytes(bytes(content))
    elif damage == "remove the database dump":
        (damaged / "database.dump").unlink()
    else:
        (damaged / "manifest.json").unlink()
    storage = Path(drill["after"]["storage"])
    files_before = _tree(storage)
    datasets = _count_datasets(drill["target_url"])

    # Even with FORCE=1, which would replace the portal's content.
    result = _run(["make", "--no-print-directory", "restore", f"BACKUP={damaged}", "FORCE=1"],
                  drill["target"], check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert _count_datasets(drill["target_url"]) == datasets
    assert _tree(storage) == files_before


def test_secrets_come_from_the_files_named_by_the_caller_not_from_a_checkout(tmp_path, monkeypatch):
    """The installed package does not know where a checkout keeps its var/: the secrets a
    backup must not hold come from the environment and from the files its caller names."""
    for name in list(os.environ):
        if name.startswith(("CKAN_", "HG_", "PG")):
            monkeypatch.delenv(name)
    assert operations.environment_secret_values() == set()
    secrets_env = tmp_path / "secrets.env"
    secrets_env.write_text("HG_DB_PASSWORD=db-password-value\nHG_SECRET_KEY=secret-key-value\n",
                           encoding="utf-8")
    assert operations.environment_secret_values([secrets_env]) == {
        "db-password-value", "secret-key-value"}
    with pytest.raises(operations.BackupError, match="secrets file .* not found"):
        operations.environment_secret_values([tmp_path / "absent.env"])


def test_secrets_in_any_configuration_shape_are_redacted():
    text = (
        "[app:main]\n"
        "beaker.session.secret = s3cr3t-beaker-value\n"
        "beaker.session.key = ckan\n"
        "WTF_CSRF_SECRET_KEY = csrf-secret-value\n"
        "smtp.password: mail-password-value\n"
        "ckan.datapusher.api_token = eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9\n"
        "  continued-token-part\n"
        "ckan.redis.url = redis://:redis-password-value@redis.internal:6379/0\n"
        "ckan.datastore.write_url = postgresql://writer:datastore-password@db.internal/datastore\n"
        "solr_url = http://solr.internal:8983/solr/ckan\n"
    )
    clean = operations.sanitise_ini(text)
    for secret in ("s3cr3t-beaker-value", "csrf-secret-value", "mail-password-value", "eyJ0eXAi",
                   "continued-token-part", "redis-password-value", "datastore-password"):
        assert secret not in clean
        assert any(secret in value for value in operations.ini_secret_values(text))
    assert "beaker.session.key = ckan\n" in clean
    assert "ckan.redis.url = redis://:<redacted>@redis.internal:6379/0\n" in clean
    assert "solr_url = http://solr.internal:8983/solr/ckan\n" in clean


def test_retention_keeps_the_most_recent_complete_backups(tmp_path):
    stamps = ["2026-01-01T023000", "2026-01-02T023000", "2026-01-03T023000", "2026-01-04T023000"]
    for stamp in stamps:
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "2026-01-05T023000").mkdir()  # no manifest: not a complete backup
    (tmp_path / ".2026-01-06T023000.partial").mkdir()
    (tmp_path / "notes").mkdir()

    removed = operations.prune(tmp_path, keep=2)

    assert [p.name for p in removed] == stamps[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".2026-01-06T023000.partial", "2026-01-03T023000", "2026-01-04T023000", "2026-01-05T023000", "notes"]
