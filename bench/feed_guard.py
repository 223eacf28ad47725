"""Benchmark: what the DCAT feeds' index guard (operations/index_guard.py) adds to a feed page.

Before each page of ``/catalog.ttl`` or ``/catalogue/<publisher>.ttl``, the portal compares
the index with the database (one SQL count grouped by publisher, one Solr facet query). On
the shared catalog (1,000 datasets, 30 publishers; bench/_catalog.py), in one run and
alternating, it times:
  * the comparison alone, for the whole catalog and for one publisher;
  * the first page of ``/catalog.ttl`` and of one publisher's catalog, as a harvester gets
    them (the comparison included);
and prints the comparison's share of a page. Best of ``--rounds`` (default 20) each.

Run with ``make bench BENCH=bench/feed_guard.py`` (scratch test database).
"""
from __future__ import annotations

import argparse
import time

import _catalog
import _scratch


def _best(function, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--datasets", type=int, default=_catalog.TOTAL)
    parser.add_argument("--publishers", type=int, default=_catalog.PUBLISHERS)
    args = _scratch.arguments(parser, {"rounds": 1, "datasets": 12, "publishers": 3})
    rounds = args.rounds

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        catalog = _catalog.build(args.datasets, args.publishers)
    from ckan import model

    from ckanext.hautegaronne.operations import index_guard

    publisher = catalog["organizations"][0]["name"]
    publisher_id = model.Group.get(publisher).id
    client = flask_app.test_client()

    errors: list[str] = []

    def page(path: str):
        def get():
            response = client.get(path)
            if response.status_code != 200:
                errors.append(f"{path}: HTTP {response.status_code}")
        return get

    def compare(publisher_id=None):
        def run():
            with flask_app.test_request_context():
                if index_guard.diverges(index_guard.gaps(publisher_id)):
                    errors.append("the index and the database disagree (the guard would refuse)")
                model.Session.remove()
        return run

    timings = {name: float("inf") for name in ("guard_all", "page_all", "guard_one", "page_one")}
    for _ in range(rounds):  # alternating: the machine's load weighs on both alike
        for name, function in (("guard_all", compare()), ("page_all", page("/catalog.ttl")),
                               ("guard_one", compare(publisher_id)),
                               ("page_one", page(f"/catalogue/{publisher}.ttl"))):
            timings[name] = min(timings[name], _best(function, 1))
    _scratch.fail_on_errors(sorted(set(errors)))
    print(f"catalog: {len(catalog['datasets'])} datasets, {len(catalog['organizations'])} "
          f"publishers; best of {rounds}")
    for scope, guard, served in (("/catalog.ttl (page 1)", "guard_all", "page_all"),
                                 (f"/catalogue/{publisher}.ttl", "guard_one", "page_one")):
        print(f"{scope}: comparison {timings[guard] * 1000:.1f} ms, page with it "
              f"{timings[served] * 1000:.1f} ms: ratio comparison / page "
              f"{timings[guard] / timings[served]:.3f}")


if __name__ == "__main__":
    main()
