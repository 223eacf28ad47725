"""Benchmark: throughput of the portal under a mixed load, against vanilla CKAN, and the
effect of a national harvester paging through the whole catalog on users' latency.

On the scratch portal (``bench/_catalog.py``: 1,000 datasets over 30 publishers), two
gunicorns serve the same database and Solr core on loopback:
  * portal:  test.ini's plugins (this extension, scheming, ckanext-dcat with the portal's
    profile, spatial, harvest, activity, tracking);
  * vanilla: the plugins CKAN 2.12 ships that the portal enables (``activity tracking``)
    plus ckanext-dcat's stock ``dcat`` plugin with ``euro_dcat_ap_3`` alone, so that the
    DCAT URLs of the mix exist there too (without it they would be cheap 404s). Stock CKAN
    knows only the ``organization`` type: for its run the publishers take that type
    (``_catalog.generic_organisations``), and serve under /organization/<name>.
    Its Solr core is the scratch core's ``_national`` twin, indexed by vanilla CKAN itself
    (the portal's index caches the portal's dataset dicts).
Both run the workers the README recommends (``--workers``, default 2 per core + 1 sync
workers, as scripts/web.sh), each with its own copy of test.ini (``testing`` off, its own
storage) under var/bench/.

Phases, in one run:
  1. throughput: Debian's ``wrk`` (4.1.0) with ``bench/mixed_load.lua`` for ``--duration``
     seconds (default 300) against each server, after a warm-up: browse (home, dataset
     pages, publisher pages), search with facets, DCAT (/catalog.ttl?page=N,
     /dataset/<name>.rdf), API reads (package_show, package_search with facets). Prints
     requests/s, latency p50/p90/p99, socket errors, 4xx and 5xx (goal: 0 of 5xx), the
     ratios portal/vanilla and the resident memory (ps RSS) of each worker.
  2. harvest load (portal only, on the server of phase 1): a steady, moderate user load (wrk connections with think
     time, about half of the measured throughput) for ``--harvest-duration`` seconds
     without, then with, a harvester paging through the whole /catalog.ttl (one request at
     a time, page after page, pass after pass, as a national catalogue does); prints user
     latency p50/p95 without and with (ratio) and the time of a full pass.
``--probe N`` first times N requests of each kind, one at a time, on both servers;
``--sweep`` measures a few worker settings briefly (``--sweep-duration``) on the portal,
which is how the README's recommendation was chosen. ``--tiny``: 6 publishers, 6 datasets,
1 worker, a few seconds of each phase (make test). A phase with socket errors, responses
other than 2xx/3xx, errors in a server's log or a failed harvest pass prints why and exits
non-zero instead of printing its ratios.

Run with ``make bench`` (scratch test database; it empties that database), e.g.
``HG_TEST_NAME=ckan_test_load HG_TEST_REDIS_DB=3 bash scripts/bench.sh``, or directly once
bench.sh's environment is set: ``python bench/throughput.py --duration 60``.
"""
from __future__ import annotations

import argparse
from contextlib import nullcontext
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from statistics import mean

import _catalog
import _scratch

ROOT = _scratch.ROOT
VAR = ROOT / "var" / "bench"
LUA = Path(__file__).with_name("mixed_load.lua")
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
VANILLA_PLUGINS = "activity tracking dcat"
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1) + 1  # as scripts/web.sh and the README say


# ------------------------------------------------------------------ configuration

def _ini(kind: str, port: int) -> Path:
    """A copy of test.ini for one server: testing off, its own site URL and storage, the
    stock plugins for vanilla."""
    text = (ROOT / "test.ini").read_text(encoding="utf-8").replace("%(here)s", str(ROOT))
    storage = VAR / f"storage-{kind}"
    storage.mkdir(parents=True, exist_ok=True)
    replace = {
        "testing": "false",
        "ckan.site_url": f"http://127.0.0.1:{port}",
        "ckanext.dcat.base_uri": f"http://127.0.0.1:{port}",
        "ckan.storage_path": str(storage),
    }
    if kind == "vanilla":
        replace["ckan.plugins"] = VANILLA_PLUGINS
        replace["ckanext.dcat.rdf.profiles"] = "euro_dcat_ap_3"
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if kind == "vanilla" and key.startswith(("scheming.", "ckanext.spatial.")):
            continue
        if line.strip() == "level = INFO":  # the bench measures serving, not logging
            line = "level = WARNING"
        lines.append(f"{key} = {replace[key]}" if key in replace else line)
    path = VAR / f"{kind}.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ servers

class Server:
    def __init__(self, kind: str, workers: int, threads: int = 1, solr_url: str | None = None):
        self.kind, self.workers, self.threads = kind, workers, threads
        self.env = {"CKAN_SOLR_URL": solr_url} if solr_url else {}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ini = _ini(kind, self.port)
        self.log = VAR / f"gunicorn-{kind}.log"
        self.proc = None

    @property
    def label(self) -> str:
        return (f"{self.workers} sync" if self.threads == 1
                else f"{self.workers} gthread x {self.threads}")

    def __enter__(self):
        args = [GUNICORN, "--chdir", str(ROOT / "config"), "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--timeout", "120"]
        if self.threads > 1:
            args += ["--worker-class", "gthread", "--threads", str(self.threads)]
        env = dict(os.environ, CKAN_INI=str(self.ini), **self.env)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(args + ["wsgi:application"], env=env, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"{self.kind} gunicorn exited; see {self.log}")
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=5).read()
                return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        sys.exit(f"{self.kind} gunicorn did not answer; see {self.log}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def errors_logged(self) -> int:
        return sum(" ERROR [" in line for line in
                   self.log.read_text(encoding="utf-8", errors="replace").splitlines())

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (ps RSS, MiB)."""
        out = subprocess.run(["ps", "--ppid", str(self.proc.pid), "-o", "rss="],
                             capture_output=True, text=True).stdout.split()
        return [int(kb) / 1024 for kb in out]


def _vanilla_index(rebuild: bool) -> str:
    """The Solr core of the vanilla server: the scratch core's ``_national`` twin, indexed
    by vanilla CKAN itself from the same database (the portal's index caches the portal's
    dataset dicts, which package_show returns as they are). Rebuilt when the catalog was,
    or when its count differs."""
    url = os.environ["CKAN_SOLR_URL"].rstrip("/") + "_national"
    # (the twin core also serves the national instance of the tests, under its own site_id)
    site = urllib.parse.quote(f'site_id:"{_names["site_id"]}"')
    with urllib.request.urlopen(f"{url}/select?q=*:*&rows=0&wt=json&fq={site}",
                                timeout=30) as response:
        count = json.load(response)["response"]["numFound"]
    if rebuild or count != len(_names["datasets"]):
        started = time.perf_counter()
        ini = _ini("vanilla", 5000)
        done = subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", str(ini),
                               "search-index", "rebuild", "-q"],
                              env=dict(os.environ, CKAN_SOLR_URL=url, CKAN_INI=str(ini)),
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"vanilla search-index rebuild failed:\n{done.stderr[-3000:]}")
        print(f"   vanilla index ({url}) rebuilt by vanilla CKAN in "
              f"{time.perf_counter() - started:.0f} s")
    return url


_names: dict = {}


# ------------------------------------------------------------------ the load

def _paths(kind: str, catalog: dict, seed: int = 31, probe: int = 0):
    """The mix, weighted and shuffled (same seed, same sequence for both servers), in a
    file for wrk; with ``probe``, that many paths of each kind instead."""
    rng = random.Random(seed)
    datasets, orgs = catalog["datasets"], catalog["organizations"]
    pages = (len(datasets) + 99) // 100
    words = ["routes", "archives", "budget", "eau", "transport", "population", "collèges",
             "subventions", "déchets", "commune", "trafic", "élus"]
    formats = ["CSV", "GeoJSON", "JSON"]

    def org_page(org):
        # The portal serves each publisher type under its own URL (scheming); stock CKAN
        # serves every organisation under /organization/.
        return f"/{org['type'] if kind == 'portal' else 'organization'}/{org['name']}"

    def q(text):
        return urllib.parse.quote(text)

    mix = {  # kind: (weight in %, path maker)
        "home": (8, lambda: "/"),
        "dataset page": (22, lambda: f"/dataset/{rng.choice(datasets)}"),
        "publisher page": (10, lambda: org_page(rng.choice(orgs))),
        "search list": (6, lambda: f"/dataset/?page={rng.randint(1, 10)}"),
        "search q+facet": (12, lambda: f"/dataset/?q={q(rng.choice(words))}"
                                       f"&res_format={rng.choice(formats)}"),
        "search org+tag": (6, lambda: f"/dataset/?organization={rng.choice(orgs)['name']}"
                                      f"&tags={q(rng.choice(words))}"),
        "catalog.ttl page": (2, lambda: f"/catalog.ttl?page={rng.randint(1, pages)}"),
        "dataset .rdf": (8, lambda: f"/dataset/{rng.choice(datasets)}.rdf"),
        "api package_show": (16, lambda: f"/api/3/action/package_show?id={rng.choice(datasets)}"),
        "api package_search": (10, lambda: "/api/3/action/package_search?q=" + q(rng.choice(words))
                               + "&rows=10&facet.field="
                               + q('["organization","tags","res_format"]')),
    }
    if probe:
        return {kind: [make() for _ in range(probe)] for kind, (_, make) in mix.items()}
    lines = []
    for weight, make in mix.values():
        lines += [make() for _ in range(weight * 20)]
    rng.shuffle(lines)
    path = VAR / f"paths-{kind}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wrk(server: Server, paths: Path, seconds: int, connections: int,
        think_ms: int = 0) -> dict:
    env = dict(os.environ, BENCH_PATHS=str(paths), BENCH_THINK_MS=str(think_ms))
    done = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s",
         "-s", str(LUA), server.url],
        env=env, capture_output=True, text=True, timeout=seconds + 120)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH_RESULT ")), None)
    if line is None:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[len("BENCH_RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return result


def _ms(us: float) -> str:
    return f"{us / 1000:7.0f} ms"


def _report(label: str, r: dict) -> None:
    print(f"   {label:28} {r['rps']:6.1f} req/s  p50 {_ms(r['p50'])}  p90 {_ms(r['p90'])}  "
          f"p99 {_ms(r['p99'])}  requests {r['requests']}  socket errors {r['socket_errors']}  "
          f"4xx {r['4xx']}  5xx {r['5xx']}")
    if r.get("log_errors"):
        print(f"   {'':28} {r['log_errors']} errors logged; see {r['log']}")


def probe(server: Server, kind: str, catalog: dict, count: int) -> dict[str, float]:
    """Median seconds of each kind of request, one at a time (no other load from us)."""
    result = {}
    for name, paths in _paths(kind, catalog, seed=7, probe=count).items():
        times = []
        for path in paths:
            started = time.perf_counter()
            with urllib.request.urlopen(server.url + path, timeout=120) as response:
                response.read()
            times.append(time.perf_counter() - started)
        result[name] = sorted(times)[len(times) // 2]
    return result


# ------------------------------------------------------------------ the harvester

def harvest_pass(base: str) -> tuple[float, int]:
    """Pages through the whole catalog as a national harvester does (Hydra next page);
    returns (seconds, pages)."""
    started, url, pages = time.perf_counter(), base + "/catalog.ttl?page=1", 0
    while url:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read().decode("utf-8")
        pages += 1
        found = re.search(r"hydra:next\s+<([^>]+)>", body)
        # The page IRIs carry the site URL: the same path on the server under test.
        url = base + "/" + found.group(1).split("/", 3)[3] if found else None
    return time.perf_counter() - started, pages


class Harvester(threading.Thread):
    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.stop, self.passes, self.pages = base, threading.Event(), [], 0

        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                seconds, pages = harvest_pass(self.base)
                self.passes.append(seconds)
                self.pages = pages
        except Exception as error:  # reported by the main thread: the run failed
            self.error = error


def _errors(label: str, r: dict) -> list[str]:
    """What went wrong in one wrk run: socket errors, 4xx and 5xx, errors logged."""
    errors = [f"{label}: {r[key]} {name}" for key, name in (
        ("socket_errors", "socket errors (connect, read, write, timeout)"),
        ("4xx", "responses 4xx"), ("5xx", "responses 5xx")) if r.get(key)]
    if r.get("log_errors"):
        errors.append(f"{label}: {r['log_errors']} errors logged; see {r['log']}")
    return errors


def harvest_load(server: Server, paths: Path, rps: float, seconds: int) -> tuple:
    """Phase 2 on a warm portal server: a steady user load without, then with, a harvester
    paging through the catalog. Returns (users, think ms, seconds of a pass alone, pages,
    wrk result without, wrk result with, the harvester)."""
    users = 4
    # Each connection waits so that the offered load is about half the throughput.
    think = max(50, int(users * 1000 / max(rps / 2, 0.1)))
    alone, pages = harvest_pass(server.url)
    quiet = wrk(server, paths, seconds, users, think)
    harvester = Harvester(server.url)
    harvester.start()
    busy = wrk(server, paths, seconds, users, think)
    harvester.stop.set()
    harvester.join(300)
    busy["log_errors"], busy["log"] = server.errors_logged(), server.log
    return users, think, alone, pages, quiet, busy, harvester


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of each throughput run")
    parser.add_argument("--baseline-duration", type=int, help="seconds of the vanilla run "
                        "(default: --duration)")
    parser.add_argument("--harvest-duration", type=int, default=90,
                        help="seconds of each harvest-load phase (without, with)")
    parser.add_argument("--datasets", type=int, default=_catalog.TOTAL)
    parser.add_argument("--publishers", type=int, default=_catalog.PUBLISHERS)
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("WEB_WORKERS", DEFAULT_WORKERS)))
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--sweep", action="store_true", help="first compare worker settings")
    parser.add_argument("--sweep-duration", type=int, default=45)
    parser.add_argument("--probe", type=int, default=0, metavar="N",
                        help="first time N requests of each kind, one at a time, per server")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-harvest", action="store_true")
    args = _scratch.arguments(parser, {
        "duration": 2, "baseline_duration": 2, "harvest_duration": 2, "datasets": 6,
        "publishers": 6, "connections": 2, "workers": 1, "threads": 1, "sweep": False,
        "probe": 0}, argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (scripts/install.sh installs it)")
    VAR.mkdir(parents=True, exist_ok=True)

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        catalog = _catalog.build(total=args.datasets, publishers=args.publishers)
        from ckan.common import config
        _names.update(catalog, site_id=config.get("ckan.site_id"))
    paths = {kind: _paths(kind, catalog) for kind in ("portal", "vanilla")}
    warm = min(20, args.duration)
    print(f"   load: wrk 2 threads, {args.connections} connections, mixed paths "
          f"({len(catalog['datasets'])} datasets, {len(catalog['organizations'])} publishers), "
          f"{warm} s warm-up per server; {os.cpu_count()} CPUs")

    if args.probe:
        print(f"== each kind of request alone (median of {args.probe}, 1 sync worker)")
        probes = {}
        for kind in ("portal", "vanilla"):
            generic = _catalog.generic_organisations() if kind == "vanilla" else nullcontext()
            with generic:
                solr = _vanilla_index(rebuild=catalog["built"]) if kind == "vanilla" else None
                with Server(kind, 1, 1, solr) as server:
                    probe(server, kind, catalog, 2)
                    probes[kind] = probe(server, kind, catalog, args.probe)
        for name, seconds in probes["portal"].items():
            print(f"   {name:22} portal {seconds * 1000:6.0f} ms  vanilla "
                  f"{probes['vanilla'][name] * 1000:6.0f} ms  ratio "
                  f"{seconds / probes['vanilla'][name]:.2f}")
        catalog["built"] = False

    if args.sweep:
        print(f"== worker settings (portal, {args.sweep_duration} s each)")
        for workers, threads in ((2, 1), (3, 1), (5, 1), (3, 4)):
            with Server("portal", workers, threads) as server:
                wrk(server, paths["portal"], min(10, warm), args.connections)
                r = wrk(server, paths["portal"], args.sweep_duration, args.connections)
                rss = server.worker_rss_mb()
            _report(server.label, r)
            print(f"   {'':28} worker RSS {mean(rss):.0f} MiB each, {sum(rss):.0f} MiB in all")

    print(f"== throughput ({args.duration} s per server)")
    results = {}
    kinds = ["portal"] + ([] if args.skip_baseline else ["vanilla"])
    for kind in kinds:
        seconds = args.duration if kind == "portal" else (args.baseline_duration or args.duration)
        generic = _catalog.generic_organisations() if kind == "vanilla" else nullcontext()
        with generic:
            solr = _vanilla_index(rebuild=catalog["built"]) if kind == "vanilla" else None
            with Server(kind, args.workers, args.threads, solr) as server:
                wrk(server, paths[kind], warm, args.connections)
                r = wrk(server, paths[kind], seconds, args.connections)
                r["rss"] = server.worker_rss_mb()
                r["log_errors"], r["log"] = server.errors_logged(), server.log
                if kind == "portal" and not args.skip_harvest:
                    # phase 2 on the same, warm, server (reported below)
                    harvest = harvest_load(server, paths["portal"], r["rps"],
                                           args.harvest_duration)
        results[kind] = r
        _report(f"{kind} ({server.label})", r)
        print(f"   {'':28} worker RSS {mean(r['rss']):.0f} MiB each (ps), "
              f"{r['rps'] / (os.cpu_count() or 1):.1f} req/s per core")
    _scratch.fail_on_errors([error for kind, r in results.items()
                             for error in _errors(f"throughput, {kind}", r)])
    if "vanilla" in results:
        p, v = results["portal"], results["vanilla"]
        print(f"   ratio portal/vanilla: throughput {p['rps'] / v['rps']:.2f}, "
              f"p50 {p['p50'] / v['p50']:.2f}, p90 {p['p90'] / v['p90']:.2f}, "
              f"p99 {p['p99'] / v['p99']:.2f}, memory per worker "
              f"{mean(p['rss']) / mean(v['rss']):.2f}")
    print("   5xx and socket errors: 0 (goal 0)")

    if not args.skip_harvest:
        users, think, alone, pages, quiet, busy, harvester = harvest
        print(f"== harvest load (portal, {users} users each waiting {think} ms between "
              f"requests, {args.harvest_duration} s without then with the harvester)")
        print(f"   harvest pass alone: {pages} pages in {alone:.1f} s")
        _report("users, no harvest", quiet)
        _report("users, harvest running", busy)
        errors = _errors("harvest load, no harvest", quiet) + _errors(
            "harvest load, harvest running", busy)
        if harvester.error is not None:
            errors.append(f"harvest pass failed: {harvester.error!r}")
        if harvester.is_alive():
            errors.append("the harvester did not finish its pass within 300 s")
        _scratch.fail_on_errors(errors)
        passes = harvester.passes
        print(f"   harvest under user load: {len(passes)} full passes of {harvester.pages} pages, "
              f"{mean(passes):.1f} s each (alone {alone:.1f} s)" if passes else
              "   harvest under user load: no full pass finished")
        print(f"   ratio with/without harvest: p50 {busy['p50'] / quiet['p50']:.2f}, "
              f"p95 {busy['p95'] / quiet['p95']:.2f}, throughput "
              f"{busy['rps'] / quiet['rps']:.2f}")


if __name__ == "__main__":
    main()
