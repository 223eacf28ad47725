"""PostgreSQL restarted under load: the portal recovers by itself, without being restarted
(``sqlalchemy.pool_pre_ping``: a pooled connection that the restart cut is replaced at its
next checkout), and the requests that meet the outage get a French 503, never a 500.

The drill runs on a private cluster (scripts/postgres.sh on a free port, ``ckan db init``)
served by gunicorn with two workers, as in production."""
from __future__ import annotations

import html
import json
import threading
import time
import urllib.error
import urllib.request

from .faults import gunicorn, private_postgres  # noqa: F401 (fixture)

PAGE_MESSAGE = ("La base de données du portail est momentanément indisponible (maintenance "
                "ou redémarrage). Réessayez dans quelques instants.")
# Pages and API calls that all read the database.
PATHS = ["/", "/dataset/", "/producteurs", "/api/3/action/organization_list",
         "/api/3/action/package_list"]


def fetch(base_url: str, path: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def assert_unavailable(path: str, status: int, body: str, headers: dict) -> None:
    assert status == 503, (path, status, body[:2000])
    assert headers.get("Retry-After") == "30", path
    assert "Traceback" not in body and "psycopg2" not in body, path
    if path.startswith("/api/"):
        error = json.loads(body)
        assert error["success"] is False
        assert error["error"]["message"] == PAGE_MESSAGE, error
    else:
        page = html.unescape(body)
        assert '<html lang="fr">' in page and PAGE_MESSAGE in page, page[:2000]
        assert "<h1>Service momentanément indisponible</h1>" in page


class Load:
    """Clients requesting PATHS in a loop until stopped; every answer is recorded."""

    def __init__(self, base_url: str, clients: int = 4) -> None:
        self.base_url = base_url
        self.results: list[tuple[str, int, str, dict]] = []
        self.times: list[float] = []
        self.rounds = [0] * clients
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True)
                        for n in range(clients)]

    def _client(self, number: int) -> None:
        while not self.stopping.is_set() and self.rounds[number] < 500:
            for path in PATHS:
                result = fetch(self.base_url, path)
                with self.lock:
                    self.results.append((path, *result))
                    self.times.append(time.monotonic())
            self.rounds[number] += 1

    def wait_rounds(self, rounds: int) -> None:
        """Until every client has completed ``rounds`` more rounds (bounded by the loop)."""
        targets = [r + rounds for r in self.rounds]
        for number, thread in enumerate(self.threads):
            while self.rounds[number] < targets[number] and thread.is_alive():
                thread.join(0.05)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(120)


def test_the_portal_recovers_from_a_postgres_restart_under_load(private_postgres):
    with gunicorn({"CKAN_SQLALCHEMY_URL": private_postgres.url}) as (base_url, log_path):
        for path in PATHS * 2:  # both workers hold pooled connections
            status, body, _ = fetch(base_url, path)
            assert status == 200, (path, body[:2000])

        # The database stopped: every page and API call answers a French 503.
        private_postgres.pg_ctl("stop", "-m", "fast", "-w")
        for path in PATHS * 2:
            assert_unavailable(path, *fetch(base_url, path))
        # Back: the very next requests succeed, on every worker.
        private_postgres.pg_ctl("start", "-w")
        for path in PATHS * 2:
            status, body, _ = fetch(base_url, path)
            assert status == 200, (path, body[:2000])

        # Restarted while four clients keep browsing.
        with Load(base_url) as load:
            load.wait_rounds(2)
            started = time.monotonic()
            private_postgres.pg_ctl("restart", "-m", "fast", "-w")
            restart_seconds = time.monotonic() - started
            restarted_at = len(load.results)
            load.wait_rounds(3)
        assert restarted_at < len(load.results)
        for path, status, body, headers in load.results:
            if status != 200:  # met the restart: a clean French 503
                assert_unavailable(path, status, body, headers)
        # After the restart, the portal answers again without having been restarted itself.
        for path in PATHS * 2:
            status, body, _ = fetch(base_url, path)
            assert status == 200, (path, body[:2000])

        # No gunicorn worker was restarted or killed to get there.
        log = log_path.read_text(errors="replace")
        assert log.count("Booting worker") == 2, log[-3000:]
        assert "WORKER TIMEOUT" not in log and "Worker exiting" not in log
    # Figures for the README (informative, not asserted: the machine is shared).
    counts: dict[int, int] = {}
    for _path, status, _body, _headers in load.results:
        counts[status] = counts.get(status, 0) + 1
    failed = [at for at, result in zip(load.times, load.results) if result[1] != 200]
    window = (max(failed) - min(failed)) if failed else 0.0
    print(f"\nPostgreSQL restart under load: {len(load.results)} requests, by status {counts}; "
          f"pg_ctl restart {restart_seconds:.1f} s, 503 answers over {window:.1f} s")
