"""Fixtures shared by the suite. Every test runs against the real services
that `make test` starts (PostgreSQL, Solr, Redis)."""
from __future__ import annotations

import os

import pytest

from . import outside_reads

_OUTSIDE_READS_LOG = outside_reads.ROOT / "var" / "log" / f"outside-reads-{os.getpid()}.log"


def pytest_configure(config):
    """Records, for the whole session and the Python processes it starts, every read in the
    checkout's parent folder outside the checkout (tests/outside_reads.py)."""
    _OUTSIDE_READS_LOG.parent.mkdir(parents=True, exist_ok=True)
    _OUTSIDE_READS_LOG.unlink(missing_ok=True)
    os.environ[outside_reads.LOG_VARIABLE] = str(_OUTSIDE_READS_LOG)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(outside_reads.SITE), os.environ.get("PYTHONPATH")]))
    outside_reads.install()


def pytest_sessionfinish(session):
    """A session that read outside the checkout fails, whatever its tests said."""
    found = [f"{os.getpid()} {event} {path}" for event, path in outside_reads.recorded]
    found += outside_reads.logged(_OUTSIDE_READS_LOG)
    session.config.stash[_outside_key] = found
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    found = config.stash.get(_outside_key, [])
    if found:
        terminalreporter.section("reads outside the checkout", red=True)
        terminalreporter.line(f"{len(found)} file(s) or folder(s) read beside the checkout "
                              f"({outside_reads.PARENT}); copy what the tests need into the "
                              "repository (pid event path):", red=True)
        for line in sorted(set(found))[:50]:
            terminalreporter.line("  " + line)


_outside_key = pytest.StashKey[list]()


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the plugins' tables
    (harvest, activity) are needed to create and index datasets, and
    tracking's migration gives its raw table the key its model expects; the portal's own
    migration holds the reuse proposals."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")
    migrate_db_for("tracking")
    migrate_db_for("hautegaronne")


@pytest.fixture
def clean_all(clean_db, clean_index):
    """An empty database and an empty Solr core."""


@pytest.fixture
def live_portal(clean_all, tmp_path):
    """The portal served over real HTTP by gunicorn on a free loopback port,
    with the test configuration (and the test database, Solr core and Redis db
    that `make test` exports through CKAN_* variables) and CSRF protection ON,
    as in production: test.ini turns it off for the Flask test client only, so
    the browser's forms must carry their token. Yields its base URL."""
    from .live import ROOT, served_by_gunicorn

    ini = tmp_path / "live-portal.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\nWTF_CSRF_ENABLED = true\n",
                   encoding="utf-8")
    with served_by_gunicorn(ini) as (base_url, _log):
        yield base_url
