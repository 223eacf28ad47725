"""Benchmark: loading a French CSV into the DataStore against a plain PostgreSQL COPY.

A CSV of ``--rows`` rows (default 1,000,000, about 100 MB) as French publishers export
them: semicolons, Windows-1252, decimal commas, dates as 31/12/2025, thousands separated by
no-break spaces. In the same run, on the scratch DataStore database:
  * floor:  ``COPY ... FROM STDIN (FORMAT csv, DELIMITER ';', ENCODING 'WIN1252')`` into a
    table of text columns: the physical floor;
  * portal: what the jobs worker does once the file is downloaded (tabular/load_job.py):
    the portal's COPY path (tabular/fast_copy.py: PostgreSQL decodes the file), row count,
    typing of French numbers and dates and the full-text column in one table rewrite
    (tabular/column_types.py), column indexes. Each step's time is printed.
Prints both times, their ratio, and the process's peak memory after each step (ru_maxrss),
to see whether the load's memory grows with the file. Run with ``make bench
BENCH=bench/datastore_load.py [BENCH_ARGS="--rows 100000"]`` (it empties the scratch database).
"""
from __future__ import annotations

import argparse
import logging
import random
import resource
import tempfile
import time
from pathlib import Path

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

COMMUNES = ["Bagnères-de-Luchon", "Saint-Gaudens", "Muret", "Villefranche-de-Lauragais",
            "Toulouse", "Épinet", "Lévignac", "Sainte-Foy-d'Aigrefeuille"]


def _write_csv(path: Path, rows: int) -> None:
    rng = random.Random(31)
    with open(path, "w", encoding="cp1252", newline="") as out:
        out.write("Commune;Code INSEE;Date de comptage;Véhicules/jour;Part poids lourds (%);"
                  "Observation\r\n")
        for n in range(rows):
            count = rng.randint(100, 99999)
            out.write(f"{rng.choice(COMMUNES)};31{n % 1000:03d};{rng.randint(1, 28):02d}/"
                      f"{rng.randint(1, 12):02d}/2025;{count // 1000}\u00a0{count % 1000:03d};"
                      f"{rng.randint(0, 99)},{rng.randint(0, 99):02d};"
                      f"Relevé n°{n} à l'été, route départementale\r\n")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _floor(path: Path) -> float:
    from ckanext.datastore.backend.postgres import get_write_engine

    engine = get_write_engine()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute('DROP TABLE IF EXISTS "bench_floor"')
        cursor.execute('CREATE TABLE "bench_floor" (a text, b text, c text, d text, e text, f text)')
        raw.commit()
        started = time.perf_counter()
        with open(path, "rb") as source:
            cursor.copy_expert("COPY \"bench_floor\" FROM STDIN WITH (FORMAT csv, DELIMITER ';', "
                               "HEADER true, ENCODING 'WIN1252')", source)
        raw.commit()
        elapsed = time.perf_counter() - started
        cursor.execute('DROP TABLE "bench_floor"')
        raw.commit()
        return elapsed
    finally:
        raw.close()


def _portal(path: Path, resource_id: str) -> float:
    from ckanext.xloader import loader

    from ckanext.hautegaronne.tabular import fast_copy

    logger = logging.getLogger("bench.load")
    started = time.perf_counter()
    fields = fast_copy.load(str(path), resource_id, logger)
    copied = time.perf_counter()
    loader.calculate_record_count(resource_id=resource_id, logger=logger)
    typed = fast_copy.finish(resource_id, fields, logger)
    typed_at = time.perf_counter()
    loader.create_column_indexes(fields=fields, resource_id=resource_id, logger=logger)
    elapsed = time.perf_counter() - started
    print(f"  typed columns: {typed}")
    print(f"  steps: COPY {copied - started:.1f} s, row count, typing and "
          f"full text {typed_at - copied:.1f} s, column indexes {elapsed - (typed_at - started):.1f} s")
    return elapsed


def csv_resource(name: str) -> str:
    """A commune's dataset on the scratch portal with one CSV resource (its id), to load."""
    import ckan.plugins.toolkit as tk

    from ckanext.hautegaronne.publishers import onboarding

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    org = onboarding.add(onboarding.resolve("31458")).name
    dataset = tk.get_action("package_create")({"user": site}, {
        "name": name, "title": "Comptages (bench)", "notes": "Bench.",
        "owner_org": org, "license_id": "lov2",
        "resources": [{"name": "Comptages", "url": "https://example.org/c.csv",
                       "format": "CSV"}]})
    return dataset["resources"][0]["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = _scratch.arguments(parser, {"rows": 200})

    import ckan.plugins.toolkit as tk

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        resource_id = csv_resource("bench-comptages")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "comptages.csv"
            _write_csv(path, args.rows)
            size_mb = path.stat().st_size / 1e6
            print(f"{args.rows} rows, {size_mb:.0f} MB (Windows-1252, semicolons)")
            before = _peak_mb()
            floor = _floor(path)
            print(f"  floor  (plain COPY into text): {floor:7.1f} s   peak memory {_peak_mb():.0f} MB")
            portal = _portal(path, resource_id)
            print(f"  portal (load + typing + indexes): {portal:7.1f} s   peak memory {_peak_mb():.0f} MB"
                  f" (was {before:.0f} MB before the loads)")
            loaded = tk.get_action("datastore_search")(
                {"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})["total"]
            _scratch.fail_on_errors(
                [] if loaded == args.rows else [f"{loaded} rows loaded instead of {args.rows}"])
            print(f"  ratio portal / floor: {portal / floor:.2f}")


if __name__ == "__main__":
    main()
