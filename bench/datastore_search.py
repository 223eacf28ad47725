"""Benchmark: ``datastore_search`` on a loaded French table against a plain SQL SELECT.

A table of ``--rows`` rows (default 200,000) loaded as the jobs worker loads it (the portal's
COPY path, typing, full text, indexes: bench/datastore_load.py's file). In the same run,
``--rounds`` times each, on a page of 100 rows at a random offset:
  * filter:    ``datastore_search`` with ``filters={"Commune": ...}``, against
    ``SELECT * ... WHERE "Commune" = ... ORDER BY _id LIMIT 100 OFFSET n`` on the read-only
    connection (the same page, without CKAN's count, JSON and auth);
  * full text: ``datastore_search`` with ``q`` (French stemming), against the same page by
    ``_full_text @@ plainto_tsquery(...)``.
Prints p50 and p95 of each and their ratio to the SELECT's. Run with ``make bench
BENCH=bench/datastore_search.py [BENCH_ARGS="--rows 1000000 --rounds 100"]`` (it empties the
scratch database).
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import time
from pathlib import Path

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)
from datastore_load import COMMUNES, _write_csv, csv_resource

PAGE = 100


def _load(path: Path, resource_id: str) -> None:
    from ckanext.xloader import loader

    from ckanext.hautegaronne.tabular import fast_copy

    logger = logging.getLogger("bench.search")
    fields = fast_copy.load(str(path), resource_id, logger)
    loader.calculate_record_count(resource_id=resource_id, logger=logger)
    fast_copy.finish(resource_id, fields, logger)
    loader.create_column_indexes(fields=fields, resource_id=resource_id, logger=logger)


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = _scratch.arguments(parser, {"rows": 300, "rounds": 3})

    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_read_engine

    app = _scratch.app()
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        _scratch.reset_db()
        resource_id = csv_resource("bench-recherche")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "comptages.csv"
            _write_csv(path, args.rows)
            _load(path, resource_id)
        print(f"{args.rows} rows loaded; {args.rounds} rounds of a {PAGE}-row page")

        rng = random.Random(31)
        search = tk.get_action("datastore_search")
        table = '"' + resource_id + '"'
        errors: list[str] = []
        cases = {
            "filter": (lambda commune: {"filters": {"Commune": commune}},
                       f'SELECT * FROM {table} WHERE "Commune" = :value ORDER BY _id '
                       f"LIMIT {PAGE} OFFSET :offset"),
            "full text": (lambda commune: {"q": "route départementale " + commune.split("-")[0]},
                          f"SELECT * FROM {table} WHERE _full_text @@ plainto_tsquery(:value) "
                          f"ORDER BY _id LIMIT {PAGE} OFFSET :offset"),
        }
        engine = get_read_engine()
        for name, (api_args, sql) in cases.items():
            api_times, sql_times = [], []
            for _round in range(args.rounds):
                commune = rng.choice(COMMUNES)
                offset = rng.randint(0, max(args.rows // len(COMMUNES) - PAGE, 0))
                started = time.perf_counter()
                found = search({"ignore_auth": True}, dict(
                    api_args(commune), resource_id=resource_id, limit=PAGE, offset=offset,
                    sort="_id"))
                api_times.append(time.perf_counter() - started)
                value = commune if name == "filter" else api_args(commune)["q"]
                started = time.perf_counter()
                with engine.connect() as connection:
                    rows = connection.execute(sa.text(sql), {"value": value,
                                                             "offset": offset}).fetchall()
                sql_times.append(time.perf_counter() - started)
                if len(found["records"]) != len(rows):
                    errors.append(f"{name}: the API gave {len(found['records'])} rows, "
                                  f"SQL {len(rows)} ({commune}, offset {offset})")
            api50, api95 = _percentiles(api_times)
            sql50, sql95 = _percentiles(sql_times)
            print(f"  {name:9s}: datastore_search p50 {api50:7.1f} ms  p95 {api95:7.1f} ms | "
                  f"plain SELECT p50 {sql50:6.1f} ms  p95 {sql95:6.1f} ms")
            _scratch.fail_on_errors(errors)
            print(f"  ratio {name} datastore_search / SELECT: p50 {api50 / sql50:.2f}  "
                  f"p95 {api95 / sql95:.2f}")


if __name__ == "__main__":
    main()
