"""Benchmark: loading a French CSV into the DataStore against a plain PostgreSQL COPY.

A CSV of ``--rows`` rows (default 1,000,000, about 100 MB) as French publishers export
them: semicolons, Windows-1252, decimal commas, dates as 31/12/2025, thousands separated by
no-break spaces. In the same run, on the scratch DataStore database:
  * floor:  ``COPY ... FROM STDIN (FORMAT csv, DELIMITER ';', ENCODING 'WIN1252')`` into a
    table of text columns: the physical floor;
  * portal: what the jobs worker does once the file is downloaded (tabular/load_job.py
    ``load_file``): the portal's COPY path (tabular/fast_copy.py: PostgreSQL decodes the
    file), typing of French numbers and dates in one table rewrite (column_types), row
    count, publication (task status, default views, Solr reindex): the table is then usable
    (typed, filters, sort, table view); then the full-text stage (tabular/full_text.py,
    a background job in production, run right after here): ``_full_text`` by batches and
    the full-text indexes. Each phase's time is printed.
Prints the floor, the time to a usable table and to a complete full text with their ratios
to the floor, at two file sizes (a tenth of ``--rows``, then ``--rows``), and the process's
peak memory after each (ru_maxrss), to see whether the load's memory grows with the file. Run with ``make bench
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


def _portal(path: Path, resource_id: str) -> dict:
    """What the jobs worker does once the file is downloaded (load_job.load_file), the
    full-text stage run right after instead of by a second job; each phase's seconds."""
    from ckanext.hautegaronne.tabular import load_job

    import ckan.plugins.toolkit as tk

    logger = logging.getLogger("bench.load")
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    job_input = {"resource_id": resource_id, "task_created": None,
                 "original_url": resource["url"], "load_id": f"bench-{path.stat().st_size}"}
    load_job._save_task(resource_id, "pending", {"job_id": None}, error={})
    timings: dict = {}
    load_job.load_file(str(path), resource, job_input, logger, file_hash=job_input["load_id"],
                       timings=timings, full_text_now=True)
    return timings


USABLE_PHASES = ("COPY (PostgreSQL decodes the file)", "typing of numbers and dates (one rewrite)",
                 "row count (ANALYZE)", "publication (status, views, search index)")
FULL_TEXT_PHASES = ("full text (background)",)


def _check(resource_id: str, rows: int) -> list[str]:
    """What a run must have produced: every row, typed, published, its full text complete."""
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine

    from ckanext.hautegaronne.tabular import full_text

    errors = []
    found = tk.get_action("datastore_search")(
        {"ignore_auth": True}, {"resource_id": resource_id, "limit": 0, "q": "route"})
    if found["total"] != rows:
        errors.append(f"{found['total']} rows found by full text instead of {rows}")
    types = {f["id"]: f["type"] for f in found["fields"]}
    if types.get("Date de comptage") != "date" or types.get("Part poids lourds (%)") != "numeric":
        errors.append(f"columns not typed: {types}")
    if not tk.get_action("resource_show")({"ignore_auth": True},
                                          {"id": resource_id}).get("datastore_active"):
        errors.append("the resource is not datastore_active")
    if (full_text.state(resource_id) or {}).get("state") != full_text.COMPLETE:
        errors.append(f"full-text stage not complete: {full_text.state(resource_id)}")
    with get_write_engine().connect() as connection:
        empty = connection.execute(sa.text(
            f'SELECT count(*) FROM "{resource_id}" WHERE _full_text IS NULL')).scalar()
    if empty:
        errors.append(f"{empty} rows without full text")
    return errors


def _run(rows: int, resource_id: str, tmp: str) -> dict:
    path = Path(tmp) / f"comptages-{rows}.csv"
    _write_csv(path, rows)
    size_mb = path.stat().st_size / 1e6
    print(f"{rows} rows, {size_mb:.0f} MB (Windows-1252, semicolons)")
    floor = _floor(path)
    print(f"  floor  (plain COPY into text): {floor:7.1f} s")
    timings = _portal(path, resource_id)
    for phase, seconds in timings.items():
        print(f"  phase {phase}: {seconds:.1f} s")
    usable = sum(timings.get(phase, 0) for phase in USABLE_PHASES)
    complete = usable + sum(timings.get(phase, 0) for phase in FULL_TEXT_PHASES)
    _scratch.fail_on_errors(_check(resource_id, rows))
    path.unlink()
    return {"rows": rows, "mb": size_mb, "floor": floor, "usable": usable,
            "complete": complete, "peak": _peak_mb()}


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

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        before = _peak_mb()
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            # the smaller file first: the peak memory of the process can only grow, so a
            # flat load shows the same peak after the larger one
            for index, rows in enumerate((max(args.rows // 10, 20), args.rows)):
                results.append(_run(rows, csv_resource(f"bench-comptages-{index}"), tmp))
        print(f"peak worker memory: {before:.0f} MB before the loads, "
              + ", ".join(f"{r['peak']:.0f} MB after {r['rows']} rows ({r['mb']:.0f} MB)"
                          for r in results)
              + (" (flat)" if results[-1]["peak"] <= results[0]["peak"] * 1.1 else " (GROWS)"))
        for r in results:
            print(f"{r['rows']} rows: COPY baseline {r['floor']:.1f} s; usable table "
                  f"{r['usable']:.1f} s (ratio usable / COPY: {r['usable'] / r['floor']:.2f}); "
                  f"full text complete {r['complete']:.1f} s (ratio complete / COPY: "
                  f"{r['complete'] / r['floor']:.2f})")
        large = results[-1]
        print(f"  ratio usable table / floor: {large['usable'] / large['floor']:.2f}")
        print(f"  ratio full text complete / floor: {large['complete'] / large['floor']:.2f}")


if __name__ == "__main__":
    main()
