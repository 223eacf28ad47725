"""Backups that restore: ``make backup`` and ``make restore BACKUP=...``.

Run as ``python -m ckanext.hautegaronne.operations.backup create|verify|restore|check``
(scripts/backup.sh and scripts/restore.sh do). The portal's web application is never
loaded: only its configuration is read (with CKAN's own loader and CKAN_* environment
overrides), so a backup works even when a plugin does not load, and a restore touches
nothing before the backup has been verified.

A backup is a folder (mode 0700, files 0600) holding:

- ``database.dump``: ``pg_dump`` custom format, taken from a snapshot exported by a
  repeatable-read transaction; the counts and migration revisions of the manifest are read
  in that same transaction, so they describe exactly what the dump holds;
- ``files/resources`` and ``files/storage/uploads``: the uploaded files of
  ``ckan.storage_path``, copied AFTER the snapshot. CKAN writes an uploaded file before it
  commits the row that references it, so every file referenced by the dump is already on
  disk when the copy starts. Copied first, a resource created between the copy and the dump
  would be referenced without its file. Copied after, a file uploaded meanwhile is at worst
  an orphan, never a hole;
- ``config/``: the configuration files (the ini and the files it ``use``s) and the CKAN_*
  environment overrides, with every secret replaced by ``<redacted>``;
- ``manifest.json``: versions, counts, migration revisions and the sha256 of every other
  file; written last, in a hidden ``.partial`` folder renamed when complete. Also
  ``SHA256SUMS`` for ``sha256sum -c``.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from configparser import RawConfigParser
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

FORMAT = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DUMP = "database.dump"
FILES = "files"
CONFIG = "config"
# What CKAN stores under ckan.storage_path (webassets/ is rebuilt at start-up).
STORAGE_PARTS = ("resources", "storage/uploads")
DISTRIBUTIONS = ("ckan", "ckanext-hautegaronne", "ckanext-scheming", "ckanext-dcat",
                 "ckanext-spatial", "ckanext-harvest", "ckanapi")
STAMP_FORMAT = "%Y-%m-%dT%H%M%S"
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d{6}$")
REDACTED = "<redacted>"
# Configuration keys whose value is a secret (matched on the key's end).
SECRET_KEY_RE = re.compile(r"(secret|password|passwd|_key|\.key|token|apikey)$", re.I)
NOT_SECRET_KEYS = {"beaker.session.key"}  # the session cookie's name
URL_PASSWORD_RE = re.compile(r"(?P<pre>\b[a-z][a-z0-9+.-]*://[^/@\s:]*:)(?P<pw>[^@\s/]+)(?=@)", re.I)
QUERY_PASSWORD_RE = re.compile(r"(?P<pre>[?&](?:password|passwd|pwd)=)(?P<pw>[^&\s]+)", re.I)
ENV_SECRET_RE = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|_KEY)$")

COUNT_QUERIES = {
    "datasets": "SELECT count(*) FROM package WHERE state = 'active' AND type = 'dataset'",
    "organizations": "SELECT count(*) FROM \"group\" WHERE state = 'active' AND is_organization",
    "groups": "SELECT count(*) FROM \"group\" WHERE state = 'active' AND NOT is_organization",
    "users": "SELECT count(*) FROM \"user\" WHERE state = 'active'",
    "members": "SELECT count(*) FROM member WHERE state = 'active' AND table_name = 'user'",
    "resources": "SELECT count(*) FROM resource r JOIN package p ON p.id = r.package_id "
                 "WHERE r.state = 'active' AND p.state = 'active'",
    "uploaded_resources": "SELECT count(*) FROM resource r JOIN package p ON p.id = r.package_id "
                          "WHERE r.state = 'active' AND p.state = 'active' AND r.url_type = 'upload'",
    # What `ckan search-index rebuild` indexes: every package not deleted.
    "indexable_packages": "SELECT count(*) FROM package WHERE state <> 'deleted'",
}


class BackupError(Exception):
    """A refusal or failure, with a message for the administrator."""


# ---------------------------------------------------------------- configuration

@dataclass
class Settings:
    ini: Path
    chain: list[Path]
    sqlalchemy_url: str
    storage_path: Path | None
    solr_url: str
    solr_user: str | None
    solr_password: str | None
    site_id: str
    site_url: str
    values: dict[str, str] = field(repr=False, default_factory=dict)


def config_chain(ini: Path) -> list[Path]:
    """The ini file and the files it extends with ``use = config:...``."""
    chain = []
    current = ini.resolve()
    while True:
        if not current.exists():
            raise BackupError(f"configuration file not found: {current}")
        chain.append(current)
        parser = RawConfigParser(strict=False)
        parser.read(current)
        use = parser.get("app:main", "use", fallback="")
        if not use.startswith("config:"):
            return chain
        current = (current.parent / use[len("config:"):].strip()).resolve()


def load_settings(ini: Path | str) -> Settings:
    """The configuration CKAN would run with: the ini chain, then CKAN_* overrides."""
    from ckan.cli import CKANConfigLoader
    from ckan.config.environment import CONFIG_FROM_ENV_VARS

    ini = Path(ini)
    chain = config_chain(ini)
    values = dict(CKANConfigLoader(str(ini)).get_config())
    for option, variable in CONFIG_FROM_ENV_VARS.items():
        if os.environ.get(variable):
            values[option] = os.environ[variable]
    if not values.get("sqlalchemy.url"):
        raise BackupError(f"no sqlalchemy.url in {ini} (nor CKAN_SQLALCHEMY_URL)")
    storage = values.get("ckan.storage_path")
    return Settings(
        ini=ini.resolve(), chain=chain, sqlalchemy_url=values["sqlalchemy.url"],
        storage_path=Path(storage) if storage else None,
        solr_url=values.get("solr_url", ""), solr_user=values.get("solr_user") or None,
        solr_password=values.get("solr_password") or None,
        site_id=values.get("ckan.site_id", "default"), site_url=values.get("ckan.site_url", ""),
        values=values)


@dataclass
class Database:
    """A libpq connection URI without the password, which goes in PGPASSWORD."""
    uri: str
    name: str
    password: str | None

    @classmethod
    def from_sqlalchemy(cls, url: str) -> "Database":
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        plain = parsed.set(drivername="postgresql", password=None)
        return cls(uri=plain.render_as_string(hide_password=False), name=parsed.database or "",
                   password=parsed.password)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self):
        import psycopg2

        try:
            return psycopg2.connect(self.uri, **({"password": self.password} if self.password else {}))
        except psycopg2.OperationalError as error:
            raise BackupError(f"cannot connect to the database {self.name!r}: "
                              f"{str(error).strip().splitlines()[0]}") from error


# ---------------------------------------------------------------- secrets

def _is_secret_key(key: str) -> bool:
    key = key.strip()
    return key.lower() not in NOT_SECRET_KEYS and bool(SECRET_KEY_RE.search(key))


def redact_urls(value: str) -> str:
    value = URL_PASSWORD_RE.sub(lambda m: m.group("pre") + REDACTED, value)
    return QUERY_PASSWORD_RE.sub(lambda m: m.group("pre") + REDACTED, value)


def sanitise_ini(text: str) -> str:
    """The ini text with secret values and passwords in URLs replaced by <redacted>."""
    out = []
    in_secret = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if in_secret and line[:1] in (" ", "\t") and stripped:
            continue  # continuation of a secret value
        in_secret = False
        match = re.match(r"^(\s*)([^#;\[\s][^=:]*?)(\s*[=:]\s*)(.*?)(\r?\n)?$", line)
        if match and not stripped.startswith(("#", ";")):
            indent, key, sep, value, end = match.groups()
            if _is_secret_key(key) and value:
                line = f"{indent}{key}{sep}{REDACTED}{end or ''}"
                in_secret = True
            else:
                line = f"{indent}{key}{sep}{redact_urls(value)}{end or ''}"
        else:
            line = redact_urls(line)
        out.append(line)
    return "".join(out)


def ini_secret_values(text: str) -> set[str]:
    """The secret values an ini text holds (what sanitise_ini removes)."""
    found = set()
    in_secret = False
    for line in text.splitlines():
        if in_secret and line[:1] in (" ", "\t") and line.strip():
            found.add(line.strip())  # continuation of a secret value
            continue
        in_secret = False
        match = re.match(r"^\s*([^#;\[\s][^=:]*?)\s*[=:]\s*(.*?)\s*$", line)
        if match and _is_secret_key(match.group(1)) and match.group(2):
            value = match.group(2)
            found.add(value)
            in_secret = True
            if value.startswith("string:"):
                found.add(value[len("string:"):])
        for regex in (URL_PASSWORD_RE, QUERY_PASSWORD_RE):
            found.update(m.group("pw") for m in regex.finditer(line))
    return found


def environment_secret_values(secrets_files: Iterable[Path | str] = ()) -> set[str]:
    """Secret values of the environment and of the given ``NAME=value`` files (the
    installation's secrets.env: the caller names it, the installed package cannot know
    where a checkout keeps it)."""
    found = set()
    for name, value in os.environ.items():
        if name.startswith(("CKAN_", "HG_", "PG")) and ENV_SECRET_RE.search(name) and value:
            found.add(value)
        if name.startswith("CKAN_"):
            found.update(m.group("pw") for r in (URL_PASSWORD_RE, QUERY_PASSWORD_RE) for m in r.finditer(value))
    for secrets_file in map(Path, secrets_files):
        if not secrets_file.is_file():
            raise BackupError(f"secrets file {secrets_file} not found")
        for line in secrets_file.read_text(encoding="utf-8").splitlines():
            _, sep, value = line.partition("=")
            if sep and value.strip():
                found.add(value.strip())
    return found


# ---------------------------------------------------------------- files

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk_files(root: Path) -> Iterator[Path]:
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            yield Path(directory, name)


def copy_tree(source: Path, target: Path) -> int:
    """Copies regular files; a file removed while copying is skipped. Returns the count."""
    copied = 0
    for path in walk_files(source):
        if not path.is_file() or path.is_symlink():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
        except FileNotFoundError:
            continue
        copied += 1
    return copied


def lock_down(root: Path) -> None:
    """Folders 0700, files 0600: a backup holds personal data (users' e-mails)."""
    root.chmod(0o700)
    for directory, dirs, names in os.walk(root):
        for name in dirs:
            Path(directory, name).chmod(0o700)
        for name in names:
            Path(directory, name).chmod(0o600)


def resource_file(resource_id: str) -> str:
    """Where CKAN's resource uploader keeps the file of an uploaded resource."""
    return f"resources/{resource_id[0:3]}/{resource_id[3:6]}/{resource_id[6:]}"


# ---------------------------------------------------------------- backup

def _tool(pg_bin: str | None, name: str) -> str:
    path = Path(pg_bin or "", name) if pg_bin else Path(shutil.which(name) or name)
    if not path.exists():
        raise BackupError(f"{path} not found (install postgresql-client-15 or set PG_BIN)")
    return str(path)


def _versions(source_revision: str | None = None) -> dict[str, str]:
    """Installed versions, and the checkout's commit when the caller knows it."""
    from importlib import metadata

    versions = {}
    for name in DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    if source_revision:
        versions["ckanext-hautegaronne (git)"] = source_revision
    return versions


def _alembic(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = 'public' AND table_name LIKE '%alembic_version%' ORDER BY 1")
    revisions = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT version_num FROM "{table}" ORDER BY 1')
        revisions[table] = [row[0] for row in cursor.fetchall()]
    return revisions


def database_facts(cursor) -> dict[str, Any]:
    """Counts, migration revisions and uploaded files of the database, as one snapshot sees them."""
    counts = {}
    for name, query in COUNT_QUERIES.items():
        cursor.execute(query)
        counts[name] = cursor.fetchone()[0]
    cursor.execute("SELECT r.id FROM resource r JOIN package p ON p.id = r.package_id "
                   "WHERE r.state = 'active' AND p.state = 'active' AND r.url_type = 'upload' ORDER BY 1")
    referenced = [resource_file(row[0]) for row in cursor.fetchall()]
    cursor.execute("SHOW server_version")
    server_version = cursor.fetchone()[0]
    return {"counts": counts, "alembic": _alembic(cursor), "referenced_files": referenced,
            "server_version": server_version}


def _write_config(settings: Settings, target: Path) -> None:
    target.mkdir(parents=True)
    used = set()
    for path in settings.chain:
        name = path.name if path.name not in used else f"{len(used)}-{path.name}"
        used.add(name)
        (target / name).write_text(sanitise_ini(path.read_text(encoding="utf-8")), encoding="utf-8")
    lines = [f"# Configuration file: {settings.ini}", "# CKAN_* environment overrides in effect:"]
    for name in sorted(os.environ):
        if name.startswith("CKAN_"):
            value = os.environ[name]
            lines.append(f"{name}={REDACTED if ENV_SECRET_RE.search(name) else redact_urls(value)}")
    (target / "environment.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _scan_for_secrets(paths: Iterable[Path], secrets: Iterable[str]) -> list[Path]:
    secrets = [s for s in secrets if len(s) >= 8 and s != REDACTED]
    return [path for path in paths if any(s.encode() in path.read_bytes() for s in secrets)]


def _hash_folder(folder: Path) -> dict[str, dict[str, Any]]:
    return {str(path.relative_to(folder)): {"sha256": sha256_file(path), "size": path.stat().st_size}
            for path in walk_files(folder) if path.name not in (MANIFEST, SUMS) or path.parent != folder}


def create(ini: Path | str, root: Path | str, pg_bin: str | None = None, keep: int = 0,
           now: datetime.datetime | None = None, secrets_files: Iterable[Path | str] = (),
           source_revision: str | None = None) -> Path:
    """Writes a backup into ROOT/<YYYY-MM-DDTHHMMSS> (UTC) and returns its path.

    ``secrets_files``: files of ``NAME=value`` secrets that must not reach the backup
    besides those of the ini and the environment; ``source_revision``: the checkout's
    commit, recorded in the manifest."""
    os.umask(0o077)
    secrets_files = list(secrets_files)
    settings = load_settings(ini)
    database = Database.from_sqlalchemy(settings.sqlalchemy_url)
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime(STAMP_FORMAT)
    final = root / stamp
    if final.exists():
        raise BackupError(f"{final} already exists")
    work = root / f".{stamp}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        connection = database.connect()
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                facts = database_facts(cursor)
                # The transaction stays open (holding the snapshot) while pg_dump runs.
                dump = subprocess.run(
                    [_tool(pg_bin, "pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                     f"--file={work / DUMP}", f"--dbname={database.uri}"],
                    env=database.env(), capture_output=True, text=True)
                if dump.returncode != 0:
                    raise BackupError(f"pg_dump failed: {dump.stderr.strip()}")
                pg_dump_version = subprocess.run([_tool(pg_bin, "pg_dump"), "--version"],
                                                 capture_output=True, text=True).stdout.strip()
        finally:
            connection.close()

        # Files after the snapshot (see the module's docstring).
        copied = {}
        if settings.storage_path:
            for part in STORAGE_PARTS:
                source = settings.storage_path / part
                copied[part] = copy_tree(source, work / FILES / part) if source.is_dir() else 0
        missing = [f for f in facts["referenced_files"] if not (work / FILES / f).is_file()]

        _write_config(settings, work / CONFIG)
        secrets = environment_secret_values(secrets_files)
        for path in settings.chain:
            secrets |= ini_secret_values(path.read_text(encoding="utf-8"))
        secrets |= {v for v in (database.password, settings.solr_password) if v}

        manifest = {
            "format": FORMAT,
            "created": started.isoformat(timespec="seconds"),
            "completed": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "source": {"site_id": settings.site_id, "site_url": settings.site_url,
                       "database": database.name, "storage_path": str(settings.storage_path or ""),
                       "config": str(settings.ini)},
            "versions": _versions(source_revision),
            "postgresql": {"server": facts["server_version"], "pg_dump": pg_dump_version},
            "alembic": facts["alembic"],
            "counts": {**facts["counts"], "files": sum(copied.values())},
            "referenced_files_missing": missing,
            "files": _hash_folder(work),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        (work / SUMS).write_text("".join(f"{entry['sha256']}  {name}\n"
                                         for name, entry in sorted(manifest["files"].items())),
                                 encoding="utf-8")
        # The configuration and the manifest are what could carry a secret (data is data).
        leaks = _scan_for_secrets([*walk_files(work / CONFIG), work / MANIFEST, work / SUMS], secrets)
        if leaks:
            raise BackupError("a secret value would be written into "
                              + ", ".join(str(p.relative_to(work)) for p in leaks) + "; nothing was kept")
        lock_down(work)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if missing:
        print(f"WARNING: {len(missing)} uploaded file(s) referenced by the database are missing "
              f"from {settings.storage_path}: {', '.join(missing[:5])}", file=sys.stderr)
    if keep:
        for old in prune(root, keep):
            print(f"removed old backup {old}", file=sys.stderr)
    return final


def complete_backups(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and STAMP_RE.match(p.name) and (p / MANIFEST).is_file())


def prune(root: Path, keep: int) -> list[Path]:
    """Removes all but the KEEP most recent complete backups of ROOT."""
    removed = complete_backups(root)[:-keep] if keep > 0 else []
    for old in removed:
        shutil.rmtree(old)
    return removed


# ---------------------------------------------------------------- verify

def verify(folder: Path | str) -> dict[str, Any]:
    """The manifest of a complete, intact backup; BackupError listing what is wrong otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a backup folder")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: incomplete backup") from None
    except ValueError:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON: corrupt backup") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{folder / MANIFEST}: unknown backup format")
    problems = []
    if DUMP not in manifest["files"]:
        problems.append(f"{DUMP} is not listed in the manifest")
    for name, entry in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif path.stat().st_size != entry["size"] or sha256_file(path) != entry["sha256"]:
            problems.append(f"sha256 mismatch: {name}")
    if problems:
        shown = problems[:10] + ([f"... and {len(problems) - 10} more"] if len(problems) > 10 else [])
        raise BackupError(f"backup {folder} is corrupt or incomplete, nothing was restored:\n  "
                          + "\n  ".join(shown))
    return manifest


# ---------------------------------------------------------------- restore

def _relations(cursor) -> list[str]:
    cursor.execute("SELECT n.nspname || '.' || c.relname FROM pg_class c "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                   "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                   "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _storage_files(storage: Path) -> int:
    return sum(1 for part in STORAGE_PARTS if (storage / part).is_dir()
               for _ in walk_files(storage / part))


def restore(folder: Path | str, ini: Path | str, pg_bin: str | None = None, force: bool = False) -> dict:
    """Loads a verified backup into the database and storage of INI's portal.

    Refuses a non-empty database or storage unless FORCE. The database is loaded in one
    transaction (with FORCE, emptying it is part of that transaction): it holds either the
    backup or what it held before. Migrations and the search index are the caller's next
    steps (`ckan db upgrade`, `ckan search-index rebuild`), then `check`.
    """
    folder = Path(folder).resolve()
    manifest = verify(folder)
    settings = load_settings(ini)
    if not settings.storage_path:
        raise BackupError(f"no ckan.storage_path in {settings.ini}: nowhere to restore the files")
    database = Database.from_sqlalchemy(settings.sqlalchemy_url)
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            relations = _relations(cursor)
            datasets = None
            if "public.package" in relations:
                cursor.execute("SELECT count(*) FROM package WHERE state = 'active'")
                datasets = cursor.fetchone()[0]
        connection.rollback()
    finally:
        connection.close()
    storage = settings.storage_path
    existing_files = _storage_files(storage)
    if (relations or existing_files) and not force:
        what = []
        if relations:
            what.append(f"the database {database.name!r} is not empty ({len(relations)} tables"
                        + (f", {datasets} datasets" if datasets is not None else "") + ")")
        if existing_files:
            what.append(f"the storage {storage} already holds {existing_files} uploaded files")
        raise BackupError("refusing to restore: " + " and ".join(what) + ". Restore into an empty "
                          "portal, or run again with FORCE=1 to replace its content.")

    # Files are staged (and checked) before the database is touched.
    storage.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime(STAMP_FORMAT)
    staging = storage / f".restore-{stamp}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        copy_tree(folder / FILES, staging)
        for name, entry in manifest["files"].items():
            if name.startswith(FILES + "/"):
                staged = staging / name[len(FILES) + 1:]
                if sha256_file(staged) != entry["sha256"]:
                    raise BackupError(f"copy of {name} into {staging} differs from the backup")

        preamble = ""
        if relations:
            preamble = "SET lock_timeout = '15s';\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
        with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
            pg_restore = subprocess.Popen(
                [_tool(pg_bin, "pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(folder / DUMP)],
                stdout=subprocess.PIPE, stderr=restore_err)
            psql = subprocess.Popen(
                [_tool(pg_bin, "psql"), "--quiet", "--no-psqlrc", "--single-transaction",
                 "--set=ON_ERROR_STOP=1", f"--dbname={database.uri}", "--output=/dev/null"],
                stdin=subprocess.PIPE, stderr=psql_err, env=database.env())
            assert psql.stdin and pg_restore.stdout
            try:
                psql.stdin.write(preamble.encode())
                shutil.copyfileobj(pg_restore.stdout, psql.stdin, 1 << 20)
                psql.stdin.close()
            except BrokenPipeError:
                pass
            pg_restore.stdout.close()
            psql.wait()
            pg_restore.wait()
            if pg_restore.returncode != 0 or psql.returncode != 0:
                errors = b""
                for log in (restore_err, psql_err):
                    log.seek(0)
                    errors += log.read()
                raise BackupError("the database could not be loaded, it is unchanged:\n"
                                  + errors.decode(errors="replace").strip())

        for part in STORAGE_PARTS:
            target = storage / part
            if target.exists():
                old = staging / ".old" / part
                old.parent.mkdir(parents=True, exist_ok=True)
                target.rename(old)
            if (staging / part).exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                (staging / part).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


# ---------------------------------------------------------------- check

def solr_count(settings: Settings) -> int:
    """Packages of this site in the Solr core (what `search-index rebuild` indexed)."""
    query = urllib.parse.urlencode({"q": "*:*", "fq": f'+site_id:"{settings.site_id}" +entity_type:package',
                                    "rows": 0, "wt": "json"})
    request = urllib.request.Request(settings.solr_url.rstrip("/") + "/select?" + query)
    if settings.solr_user:
        import base64
        token = base64.b64encode(f"{settings.solr_user}:{settings.solr_password or ''}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["response"]["numFound"]


def check(folder: Path | str, ini: Path | str) -> list[str]:
    """Compares the restored portal with the backup's manifest: counts, index, migrations."""
    manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    settings = load_settings(ini)
    connection = Database.from_sqlalchemy(settings.sqlalchemy_url).connect()
    try:
        with connection.cursor() as cursor:
            facts = database_facts(cursor)
    finally:
        connection.close()
    problems = [f"{name}: {facts['counts'][name]} restored, {expected} in the backup"
                for name, expected in manifest["counts"].items()
                if name in facts["counts"] and facts["counts"][name] != expected]
    missing = [f for f in facts["referenced_files"] if not (settings.storage_path / f).is_file()]
    lost_before = set(manifest.get("referenced_files_missing", []))
    if set(missing) - lost_before:
        lost = sorted(set(missing) - lost_before)
        problems.append(f"{len(lost)} uploaded files missing: {', '.join(lost[:5])}")
    indexed = solr_count(settings)
    if indexed != facts["counts"]["indexable_packages"]:
        problems.append(f"search index: {indexed} datasets indexed, "
                        f"{facts['counts']['indexable_packages']} in the database")
    if problems:
        raise BackupError("the restored portal differs from the backup:\n  " + "\n  ".join(problems))
    report = [f"{name}: {value}" for name, value in facts["counts"].items()]
    report.append(f"search index: {indexed} datasets indexed")
    if lost_before:
        report.append(f"WARNING: {len(lost_before)} uploaded files were already missing from the portal "
                      f"backed up (see referenced_files_missing in {MANIFEST})")
    migrated = {t: (manifest["alembic"].get(t), r) for t, r in facts["alembic"].items()
                if manifest["alembic"].get(t) != r}
    report.append("migrations applied: " + (", ".join(f"{t} {a} -> {b}" for t, (a, b) in migrated.items())
                                            if migrated else "none needed"))
    return report


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ckanext.hautegaronne.operations.backup",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_create = sub.add_parser("create", help="write a backup into a dated folder of ROOT")
    p_create.add_argument("root")
    p_create.add_argument("--keep", type=int, default=0, help="keep only the KEEP most recent backups")
    p_create.add_argument("--secrets-file", action="append", default=[],
                          help="a NAME=value file of secrets none of which may reach the backup "
                               "(repeatable; e.g. the installation's var/secrets.env)")
    p_create.add_argument("--source-revision", help="the checkout's commit, for the manifest")
    p_verify = sub.add_parser("verify", help="check a backup's files against its manifest")
    p_verify.add_argument("backup")
    p_restore = sub.add_parser("restore", help="load a backup into an empty portal")
    p_restore.add_argument("backup")
    p_restore.add_argument("--force", action="store_true", help="replace a non-empty portal")
    p_check = sub.add_parser("check", help="compare a restored portal with the backup's manifest")
    p_check.add_argument("backup")
    for p in (p_create, p_restore, p_check):
        p.add_argument("--ini", default=os.environ.get("CKAN_INI", "ckan.ini"))
        p.add_argument("--pg-bin", default=os.environ.get("PG_BIN"))
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            print(create(args.ini, args.root, args.pg_bin, keep=args.keep,
                         secrets_files=args.secrets_file, source_revision=args.source_revision))
        elif args.command == "verify":
            manifest = verify(args.backup)
            print(f"{args.backup}: {len(manifest['files'])} files intact ({manifest['created']})")
        elif args.command == "restore":
            manifest = restore(args.backup, args.ini, args.pg_bin, force=args.force)
            print(f"restored database and files of {manifest['created']} "
                  f"({manifest['counts']['datasets']} datasets)")
        elif args.command == "check":
            print("\n".join(check(args.backup, args.ini)))
    except BackupError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
