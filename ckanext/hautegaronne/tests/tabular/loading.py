"""Helpers of the loading tests: publishers' files sent over HTTP, waited for."""
from __future__ import annotations

import time
from pathlib import Path

import requests

CORPUS = Path(__file__).parent / "corpus"


def call(base_url: str, action: str, token: str | None = None, **data) -> dict:
    headers = {"Authorization": token} if token else {}
    response = requests.post(f"{base_url}/api/3/action/{action}", json=data, headers=headers,
                             timeout=60)
    return response.json()


def upload(base_url: str, token: str, dataset_id: str, path: Path, fmt: str,
           name: str | None = None) -> dict:
    with open(path, "rb") as handle:
        response = requests.post(
            f"{base_url}/api/3/action/resource_create", headers={"Authorization": token},
            data={"package_id": dataset_id, "name": name or path.name, "format": fmt},
            files={"upload": (path.name, handle)}, timeout=60)
    body = response.json()
    assert body["success"], body
    return body["result"]


def wait_for_load(base_url: str, token: str, resource_id: str, timeout: float = 120) -> dict:
    """The resource's xloader status once the job has ended (complete or error)."""
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        body = call(base_url, "xloader_status", token, resource_id=resource_id)
        status = body.get("result") or {}
        if status.get("status") in ("complete", "error"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"no end of load within {timeout} s: {status}")
