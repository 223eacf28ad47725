"""The health endpoint answers 200 when the database, Solr and Redis all
answer, 503 naming the service that does not."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def closed_port():
    """A loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("path", ["/sante", "/healthz"])
def test_all_services_up(app, clean_all, path):
    # clean_all: /sante also compares the index with the database (status "degraded" if
    # they differ; tests/operations/test_faults_index_divergence.py).
    response = app.get(path)
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["index"]["ok"] is True
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "search": True, "redis": True}
    cache_control = response.headers["Cache-Control"]
    assert "no-store" in cache_control and "public" not in cache_control
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_solr_unreachable(app, clean_db, ckan_config, monkeypatch, closed_port):
    monkeypatch.setitem(ckan_config, "solr_url", f"http://127.0.0.1:{closed_port}/solr/ckan")
    response = app.get("/sante", status=503)
    checks = response.json["checks"]
    assert response.json["status"] == "error"
    assert checks["search"]["ok"] is False and checks["search"]["error"]
    assert checks["database"]["ok"] and checks["redis"]["ok"]
    # no address or credential in the answer
    assert str(closed_port) not in response.get_data(as_text=True)


def test_redis_unreachable(app, clean_db, ckan_config, monkeypatch, closed_port):
    monkeypatch.setitem(ckan_config, "ckan.redis.url",
                        f"redis://127.0.0.1:{closed_port}/0?socket_timeout=300")
    response = app.get("/healthz", status=503)
    checks = response.json["checks"]
    assert checks["redis"] == {"ok": False, "error": "ConnectionError", "ms": checks["redis"]["ms"]}
    assert checks["database"]["ok"] and checks["search"]["ok"]
