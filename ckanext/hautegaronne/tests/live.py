"""The portal served over real HTTP by gunicorn, as in production (config/wsgi.py)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


@contextlib.contextmanager
def served_by_gunicorn(ini: Path, env: dict | None = None, workers: int = 1,
                       log_name: str = "live-portal"):
    """Gunicorn on a free loopback port with the configuration ``ini`` and the extra
    environment ``env`` (e.g. CKAN_SQLALCHEMY_URL); yields (base URL, log path) once it
    answers, and stops it after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    log_path = ROOT / "var" / "log" / f"{log_name}-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(ROOT / "config"),
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
             "wsgi:application"],
            env=dict(os.environ, CKAN_INI=str(ini), CKAN_SITE_URL=base_url, **(env or {})),
            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base_url + "/api/3/action/status_show", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}")
                time.sleep(0.3)
        yield base_url, log_path
    finally:
        server.terminate()
        server.wait(timeout=60)
