"""Benchmark: the bytes a visitor's browser transfers for the portal's main pages.

Chromium (Debian's, driven by Playwright) opens each page twice: a first visit with an
empty cache, then a repeat visit (the same page in a new tab of the same browser, its
cache kept). Bytes are what Chromium's network layer received for every request of the
page (headers included, as encoded on the wire: compressed bodies count compressed; a
file taken from the cache counts 0), summed from the DevTools protocol's
``Network.loadingFinished`` events.

Three gunicorn servers (1 sync worker each) on free loopback ports serve the same scratch
database (bench/page_cost.py's data: publishers and datasets with the portal's schema):
  * vanilla: CKAN 2.12 with only core plugins (``activity tracking``, plus the publisher
    types, bench/_vanilla_types.py), the baseline;
  * today:   the portal with ``ckanext.hautegaronne.compress_assets = false``: its assets
    as CKAN serves them (uncompressed, ``Cache-Control: no-cache``), as before issue 13;
  * portal:  the portal as configured (test.ini).
Goals (issue 13): first visit at most 0.5 of ``today``; repeat visit under 100 kB.

Pages: the home page, the search page (a query and a facet filter), a dataset page.
``--datasets`` and ``--publishers`` for the data's size, ``--keep-data`` to reuse it;
``--tiny``: 6 publishers, 6 datasets (make test). A page answered with another status
than 200, or a server that does not start, prints why and exits non-zero.

Run with ``make bench BENCH=bench/page_weight.py`` (scratch test database; it empties it).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)
import page_cost  # its data and servers

CHROMIUM = "/usr/bin/chromium"
# Loopback only: whatever a page asks elsewhere (map tiles) fails at once, without
# Playwright's request routing, which would turn Chromium's HTTP cache off.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PAGES = ("home", "search", "dataset")
REPEAT_GOAL = 100_000
FIRST_GOAL = 0.5


def _pages(datasets: list[str]) -> dict[str, str]:
    paths = page_cost._pages(0, datasets, [("unused", "organization")])
    return {page: paths[page] for page in PAGES}


def _visit(context, url: str) -> tuple[int, int]:
    """(bytes received, requests) for one page load in ``context``, once it is quiet."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    received: dict[str, int] = {}
    failed: list[str] = []
    session.on("Network.loadingFinished",
               lambda event: received.__setitem__(event["requestId"],
                                                  int(event["encodedDataLength"])))
    session.on("Network.loadingFailed", lambda event: failed.append(event["requestId"]))
    session.send("Network.enable")
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"{url} answered {response.status if response else 'nothing'}")
    page.wait_for_load_state("networkidle")
    page.close()
    return sum(received.values()), len(received)


def measure(servers: list, datasets: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    weights: dict[str, dict[str, dict]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for server in servers:
                for name, path in _pages(datasets).items():
                    context = browser.new_context(locale="fr-FR")
                    try:
                        first = _visit(context, server.url + path)
                        repeat = _visit(context, server.url + path)
                    finally:
                        context.close()
                    weights.setdefault(server.name, {})[name] = {"first": first, "repeat": repeat}
        finally:
            browser.close()
    return weights


def report(weights: dict) -> None:
    names = list(weights)
    print(f"{'page':<9}" + "".join(f"{n + ' first':>16}{n + ' repeat':>16}" for n in names))
    for page in PAGES:
        line = f"{page:<9}"
        for name in names:
            for visit in ("first", "repeat"):
                size, requests = weights[name][page][visit]
                line += f"{size / 1000:>9.1f} kB ({requests:>2})"
        print(line)
    print("(kB received by the browser, requests in brackets)")

    def total(name: str, visit: str) -> int:
        return sum(weights[name][page][visit][0] for page in PAGES)

    for a, b in (("portal", "today"), ("portal", "vanilla"), ("today", "vanilla")):
        if a in weights and b in weights:
            for visit in ("first", "repeat"):
                print(f"ratio {a}/{b}, {visit} visit (three pages): "
                      f"{total(a, visit) / max(total(b, visit), 1):.2f}")
    if "portal" in weights:
        worst = max(weights["portal"][page]["repeat"][0] for page in PAGES)
        print(f"portal: heaviest repeat visit {worst / 1000:.1f} kB "
              f"(goal: under {REPEAT_GOAL / 1000:.0f} kB)")
    if "portal" in weights and "today" in weights:
        print(f"portal: first visit {total('portal', 'first') / total('today', 'first'):.2f} "
              f"of today's (goal: at most {FIRST_GOAL:.2f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--publishers", type=int, default=page_cost.PUBLISHERS)
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--only", default="vanilla,today,portal")
    args = _scratch.arguments(parser, {"datasets": 6, "publishers": 6}, argv)

    if not args.keep_data:
        print(f"  creating {args.publishers} publishers and {args.datasets} datasets", flush=True)
        print(f"  catalog: {page_cost.build_data(args.datasets, args.publishers)}", flush=True)
    datasets, _publishers = page_cost._targets()
    with tempfile.TemporaryDirectory(prefix="bench-page-weight-") as folder:
        configs = page_cost._write_configs(Path(folder))
        today = Path(folder) / "today.ini"
        today.write_text(configs["portal"].read_text(encoding="utf-8")
                         + "ckanext.hautegaronne.compress_assets = false\n", encoding="utf-8")
        configs["today"] = today
        with _scratch.serving(configs, args.only.split(","), "bench-page-weight") as servers:
            print(f"  {len(servers)} servers up", flush=True)
            weights = measure(servers, datasets)
    report(weights)


if __name__ == "__main__":
    main()
