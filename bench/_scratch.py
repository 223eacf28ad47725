"""The scratch portal that every benchmark runs on: the test configuration and
the database `scripts/bench.sh` points CKAN_* at (never the dev database); and
what every benchmark shares: its ``--tiny`` size, how a run with errors ends, and the
gunicorn servers the page benchmarks measure (``serving``)."""
from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
# Plugins whose tables a dataset needs besides CKAN core's.
PLUGIN_MIGRATIONS = ("activity", "harvest", "tracking")
TINY_HELP = ("a few datasets, one round: the size `make test` runs every benchmark at, so that "
             "a change that breaks a benchmark fails the suite (overrides the size options)")


def app():
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(os.environ.get("CKAN_INI", str(ROOT / "test.ini"))))


def reset_db() -> None:
    from ckan.cli.db import _run_migrations
    from ckan.tests.helpers import reset_db as reset_core_db

    reset_core_db()
    for plugin in PLUGIN_MIGRATIONS:
        _run_migrations(plugin)


def arguments(parser: argparse.ArgumentParser, tiny: dict,
              argv: list[str] | None = None) -> argparse.Namespace:
    """Parses a benchmark's options, plus ``--tiny``, which sets the options in ``tiny``
    (every benchmark has one: tests/test_benchmarks.py runs them all with it)."""
    parser.add_argument("--tiny", action="store_true", help=TINY_HELP)
    args = parser.parse_args(argv)
    if args.tiny:
        for name, value in tiny.items():
            setattr(args, name, value)
    return args


def fail_on_errors(errors: list[str]) -> None:
    """A run with errors measured something else than what it claims: it prints why and exits
    non-zero, before any ratio is printed."""
    if errors:
        print("ERROR: the benchmark run had errors; no ratio is printed:", file=sys.stderr, flush=True)
        for error in errors:
            print(f"   - {error}", file=sys.stderr, flush=True)
        sys.exit(1)


# ------------------------------------------------------------------ servers

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn server (1 sync worker) of the scratch portal with configuration ``ini``, on
    a free loopback port; its log in ``var/log/<log_name>-<name>.log``."""

    def __init__(self, name: str, ini: Path, log_name: str) -> None:
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ROOT / "var" / "log" / f"{log_name}-{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        path = os.pathsep.join(filter(None, [str(ini.parent), str(ROOT / "bench"),
                                             os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, CKAN_INI=str(ini), CKAN_SITE_URL=self.url, PYTHONPATH=path)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(ROOT / "config"),
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120",
                 "wsgi:application"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait(self) -> None:
        # (loading the app takes 20 s on an idle machine, over 4 minutes on the shared one
        # under load: a server that is merely slow to start is not an error)
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=5)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start; see {self.log_path}")
                time.sleep(0.3)

    def get(self, path: str) -> float:
        """Seconds to fetch the whole page; a status other than 200 is an error."""
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(self.url + path, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{self.name} answered {status} for {path}")
        return elapsed

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextlib.contextmanager
def serving(configs: dict[str, Path], names: list[str], log_name: str) -> Iterator[list[Server]]:
    """Starts one server per name in ``names`` (its ini in ``configs``), yields them once
    they all answer, and stops them whatever happens. A server that does not start, or a
    page not served inside the block (``RuntimeError``, ``OSError``), ends the run through
    ``fail_on_errors``: no ratio is printed."""
    servers: list[Server] = []
    try:
        for name in names:
            servers.append(Server(name, configs[name], log_name))
        for server in servers:
            server.wait()
        yield servers
    except (RuntimeError, OSError) as error:
        fail_on_errors([str(error)])
    finally:
        for server in servers:
            server.stop()
