"""/sante (also /healthz): is this web process able to serve the portal?

Checks, each with a short timeout, the three services a page needs: the
PostgreSQL database (SELECT 1), the Solr core or collection (a zero-row
query) and Redis (PING). Answers 200 {"status": "ok", ...} when all three
answer, 503 {"status": "error", ...} otherwise, naming the failing service
(the error's class only: nothing about addresses or credentials). Never
cached. Anonymous, cheap enough to poll every few seconds.

With the services up, "index" compares the search index with the database
(operations/index_guard.py: one SQL count, one Solr facet query). An index
that lacks datasets makes the DCAT feeds answer 503: "status" is then
"degraded", still with HTTP 200 (every web machine shares the index; taking
them out of the load balancer would not help): alert on "status" != "ok".
"""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit, urlunsplit

import redis
import sqlalchemy as sa
from flask import Blueprint, jsonify, request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search import common as search_common

from ..operations import index_guard

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3

health = Blueprint("hautegaronne_health", __name__)


def _database() -> None:
    try:
        model.Session.execute(sa.text("SELECT 1"))
    finally:
        model.Session.remove()


def _solr() -> None:
    connection = search_common.make_connection()
    connection.timeout = TIMEOUT_SECONDS
    connection.search(q="*:*", rows=0)


def _redis() -> None:
    # the configured URL's socket_timeout (300 s, for the harvest consumers)
    # would make a hung Redis hang the check: drop the query string
    parts = urlsplit(tk.config.get("ckan.redis.url"))
    client = redis.Redis.from_url(urlunsplit(parts._replace(query="")),
                                  socket_timeout=TIMEOUT_SECONDS,
                                  socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


CHECKS = {"database": _database, "search": _solr, "redis": _redis}


def _index() -> dict:
    try:
        return index_guard.report()
    except Exception as error:  # noqa: BLE001 - reported, never a failure of /sante itself
        log.warning("Health check: index comparison failed: %r", error)
        return {"ok": False, "error": type(error).__name__}
    finally:
        model.Session.remove()


def status():
    checks = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
            checks[name] = {"ok": True}
        except Exception as error:  # noqa: BLE001 - any failure means unhealthy
            log.warning("Health check: %s failed: %r", name, error)
            checks[name] = {"ok": False, "error": type(error).__name__}
        checks[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    healthy = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    if healthy:
        body["index"] = _index()
        if not body["index"]["ok"]:
            body["status"] = "degraded"
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    # CKAN's after_request makes a response public unless __no_cache__ is set
    request.environ["__no_cache__"] = True
    response.cache_control.no_store = True
    return response


health.add_url_rule("/sante", endpoint="sante", view_func=status)
health.add_url_rule("/healthz", endpoint="healthz", view_func=status)


def get_blueprints() -> list[Blueprint]:
    return [health]
