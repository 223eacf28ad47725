"""The service scripts stop with a message naming the service, the cause and
the log file when a service cannot start."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def taken_port():
    """A loopback port held by another program."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("script, service, port_variable", [
    ("redis.sh", "Redis", "REDIS_PORT"),
    ("solr.sh", "Solr", "SOLR_PORT"),
])
def test_a_taken_port_stops_the_service_with_a_clear_message(tmp_path, taken_port, script,
                                                             service, port_variable):
    env = dict(os.environ, HG_VAR=str(tmp_path / "var"), **{port_variable: str(taken_port)})
    result = subprocess.run(["bash", str(ROOT / "scripts" / script), "start"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    message = result.stderr + result.stdout
    assert service in message
    assert str(taken_port) in message
    assert "log" in message


def test_postgres_refuses_a_taken_port_and_leaves_no_running_cluster(tmp_path, taken_port):
    env = dict(os.environ, HG_VAR=str(tmp_path / "var"), PG_PORT=str(taken_port))
    result = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "PostgreSQL" in result.stderr and str(taken_port) in result.stderr
    status = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "status"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert status.returncode != 0
