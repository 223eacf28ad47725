"""Conformity checks: rows per second of the portal's check of a CSV file against a Table
Schema (conformity/validate.py, the function the background job runs) against frictionless's
own command line (`frictionless validate --schema`) on the same file in the same run, and the
peak memory (RSS) of each process. Goal: ratio >= 1.0 (the portal adds no overhead).

The file follows the tests' hand-written comptage des mobilités schema
(ckanext/hautegaronne/tests/conformity/site/): UTF-8, commas, every row conforming, so that
both read every row. Each side runs in a process of its own (peak RSS = that process's)."""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _scratch

SCHEMA = (_scratch.ROOT / "ckanext/hautegaronne/tests/conformity/site/schemas/"
          "comptage-mobilites/0.2.0/schema.json")
ROW = "S{n},Pont Neuf,2025-06-01T08:00:00,velo,entrant,{c},43.6,1.44\n"
PORTAL = """
import json, resource, sys, time
from ckan.cli import load_config
load_config(sys.argv[4])
from ckanext.hautegaronne.conformity import validate
started = time.monotonic()
report = validate.validate_file(sys.argv[1], "CSV", json.load(open(sys.argv[2])),
    max_rows=int(sys.argv[3]), max_seconds=10**6, max_errors=100)
print(json.dumps({"seconds": time.monotonic() - started, "status": report["status"],
                  "rows": report["rows"],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def write_file(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("id_site,nom_site,date_heure,mode,sens,comptage,lat,lon\n")
        for n in range(rows):
            out.write(ROW.format(n=n % 500, c=n % 997))


def child(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and output of a child process."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    seconds = time.monotonic() - started
    # the largest of the children so far: exact for the first child (the CLI)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, peak // 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = _scratch.arguments(parser, {"rows": 2000})
    errors: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    try:
        data = workdir / "comptages.csv"
        write_file(data, args.rows)
        print(f"file: {args.rows} rows, {data.stat().st_size / 1e6:.1f} MB", flush=True)
        ini = str(Path(__import__("os").environ.get("CKAN_INI", _scratch.ROOT / "test.ini")))
        cli = str(Path(sys.executable).parent / "frictionless")
        shutil.copy(SCHEMA, workdir / "schema.json")
        # relative paths: the CLI refuses absolute ones as "not safe"
        cli_seconds, cli_rss, cli_out = child(
            [cli, "validate", "--schema", "schema.json", "--json", data.name], workdir)
        cli_report = json.loads(cli_out)
        if not cli_report.get("valid"):
            errors.append("frictionless CLI: the file is not valid: " + cli_out[:500])
        portal_seconds, _rss, portal_out = child(
            [sys.executable, "-c", PORTAL, str(data), str(SCHEMA), str(args.rows), ini], workdir)
        portal = json.loads(portal_out.strip().splitlines()[-1])
        if portal["status"] != "conforming" or portal["rows"] != args.rows:
            errors.append(f"portal: {portal}")
        _scratch.fail_on_errors(errors)
        # like with like: each side's validation time as it measures it (the CLI's report
        # stats, the portal's around validate_file), process start-up apart
        cli_validation = float(cli_report["stats"]["seconds"])
        cli_rate = args.rows / cli_validation
        portal_rate = args.rows / portal["seconds"]
        print(f"frictionless CLI: {cli_validation:.1f} s (validation), {cli_rate:,.0f} rows/s, "
              f"process {cli_seconds:.1f} s, peak RSS {cli_rss} MB")
        print(f"portal check:     {portal['seconds']:.1f} s (validation), {portal_rate:,.0f} "
              f"rows/s, process {portal_seconds:.1f} s, peak RSS {portal['rss_mb']} MB")
        print(f"ratio portal/CLI rows per second: {portal_rate / cli_rate:.2f} (goal >= 1.00)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
