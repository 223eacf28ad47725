"""Benchmark: serializing the DCAT catalog with the portal's profile against the stock one.

The catalog of 1,000 datasets is serialized in pages of 100 (Turtle), in one run, by
  * stock:  ckanext-dcat's RDFSerializer with ``euro_dcat_ap_3`` alone;
  * portal: the portal's serializer (Hydra paging) with ``hautegaronne_dcat_ap`` (the
    configured profile, ``euro_dcat_ap_3`` extended), which carries more: publisher SIREN/ADMS type/e-mail, French theme
    labels, the territory polygon, licences linked to the EU list...
The 1,000 datasets are the demo datasets (``ckan hautegaronne demo``, with their real
publishers) as ``package_show`` returns them, repeated with distinct ids and spread over the
territory's communes. Each variant runs 5 times, alternating; the best time counts.
``--profile`` prints the portal variant's cProfile (cumulative time). ``--no-collector``
disables Python's cyclic garbage collector for the whole run, for both variants: the portal's
serializer pauses it while it builds a page (the stock one does not), and this compares the
two on the work they do alone. ``--datasets``, ``--per-page``, ``--rounds`` change the sizes;
``--tiny``: 6 datasets in pages of 3, one round (make test). A run whose serializers did not
write every dataset prints why and exits non-zero instead of printing a ratio.

Run with ``make bench`` (scratch test database; it empties that database).
"""
from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import pstats
import time
import uuid

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

TOTAL, PER_PAGE, ROUNDS = 1000, 100, 5


def _datasets(total: int) -> list[dict]:
    import ckan.plugins.toolkit as tk

    from ckanext.hautegaronne import demo, territory
    from ckanext.hautegaronne.dcat import spatial

    list(demo.load())
    names = [fields["name"] for _, fields, _ in demo.datasets.datasets()]
    shown = [tk.get_action("package_show")({}, {"id": name}) for name in names]
    communes = sorted(territory.territory().communes)
    result = []
    for index in range(total):
        dataset = copy.deepcopy(shown[index % len(shown)])
        dataset["id"] = str(uuid.UUID(int=index + 1))
        dataset["name"] = f"{dataset['name']}-{index}"
        dataset["identifier"] = f"{dataset['name']}@data.haute-garonne.fr"
        if index % 3:  # two thirds cover a commune, the others their publisher's territory
            dataset["spatial_coverage"] = [spatial.coverage(communes[index % len(communes)])]
        for resource in dataset["resources"]:
            resource["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, dataset["id"] + resource["name"]))
        result.append(dataset)
    return result


def _serialize(pages: list[list[dict]], profiles: list[str], portal: bool,
               written: list | None = None) -> int:
    """Serializes every page; returns the size in bytes. ``written``: receives the URIs of
    the datasets each page holds (a check, outside the measured runs)."""
    import rdflib
    from ckanext.dcat.processors import RDFSerializer

    from ckanext.hautegaronne.dcat import serializer

    total = sum(len(page) for page in pages)
    size = 0
    for number, page in enumerate(pages, 1):
        info = serializer.paging_info(total, number, "http://bench.invalid/catalog.ttl", {})
        cls = serializer.HydraRDFSerializer if portal else RDFSerializer
        output = cls(profiles=profiles).serialize_catalog({}, page, _format="ttl",
                                                          pagination_info=info)
        size += len(output)
        if written is not None:
            graph = rdflib.Graph().parse(data=output, format="turtle")
            written += list(graph.subjects(rdflib.RDF.type,
                                           rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))
    return size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=TOTAL)
    parser.add_argument("--per-page", type=int, default=PER_PAGE)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--profile", action="store_true",
                        help="print the portal variant's cProfile")
    parser.add_argument("--no-collector", action="store_true",
                        help="disable the cyclic garbage collector for both variants")
    args = _scratch.arguments(parser, {"datasets": 6, "per_page": 3, "rounds": 1}, argv)

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        datasets = _datasets(args.datasets)
        pages = [datasets[i:i + args.per_page] for i in range(0, args.datasets, args.per_page)]
        variants = {"stock": (["euro_dcat_ap_3"], False),
                    "portal": (["hautegaronne_dcat_ap"], True)}
        errors = []
        for name, (profiles, portal) in variants.items():  # (also a warm-up)
            written = []
            _serialize(pages, profiles, portal, written)
            if len(set(written)) != args.datasets:
                errors.append(f"{name}: {len(set(written))} datasets serialized "
                              f"instead of {args.datasets}")
        _scratch.fail_on_errors(errors)
        if args.no_collector:
            gc.disable()
        best = {name: float("inf") for name in variants}
        sizes = {}
        for _ in range(args.rounds):
            for name, (profiles, portal) in variants.items():
                start = time.perf_counter()
                sizes[name] = _serialize(pages, profiles, portal)
                best[name] = min(best[name], time.perf_counter() - start)
        for name in variants:
            print(f"   {name:6s}: {best[name]:6.2f} s for {args.datasets} datasets in pages of "
                  f"{args.per_page} (Turtle, {sizes[name] / 1e6:.1f} MB)")
        print(f"   ratio portal / stock: {best['portal'] / best['stock']:.2f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            _serialize(pages, *variants["portal"])
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(30)
            stats.print_stats("hautegaronne", 25)


if __name__ == "__main__":
    main()
