"""Benchmark of `ckan hautegaronne publishers add --all` on an empty portal, and of its re-run.

Targets (issue "Publishers"): the 605 organisations (586 communes, 18 EPCI, the
département) in under a minute, the re-run in under ten seconds. Ratios are given against
baselines measured in the same run, on the same database:
  * create baseline: 605 minimal `organization_create` calls (generic type, name and title,
    no schema extras, no reference data), in process;
  * show baseline: 605 `organization_show` calls on the onboarded organisations.
The command itself runs as users run it (a `ckan` subprocess: start-up included).

`--code CODE` onboards that one publisher (`publishers add CODE`) instead of `--all`, without
the targets; `--tiny`: the département alone (make test). A failed command, or a count of
organisations other than expected, prints why and exits non-zero instead of printing a ratio.

Run with `make bench` (scripts/bench.sh points CKAN at the scratch test database).
It empties that database: never point it at the dev database.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import _scratch  # the scratch portal shared by the benchmarks (bench/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
CKAN = str(Path(sys.executable).parent / "ckan")


def _app():
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config_path = os.environ.get("CKAN_INI", str(ROOT / "test.ini"))
    return make_app(load_config(config_path))


def _reset_db() -> None:
    from ckan.cli.db import _run_migrations
    from ckan.tests.helpers import reset_db

    reset_db()
    for plugin in ("activity", "harvest"):
        _run_migrations(plugin)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _cli(*args: str) -> float:
    seconds, done = _timed(lambda: subprocess.run(
        [CKAN, "-c", os.environ.get("CKAN_INI", str(ROOT / "test.ini")),
         "hautegaronne", "publishers", *args],
        capture_output=True, text=True))
    if done.returncode != 0:
        _scratch.fail_on_errors([f"publishers {' '.join(args)} failed "
                                 f"(exit {done.returncode}):\n{done.stderr[-2000:]}"])
    print(f"   publishers {' '.join(args)}: {done.stdout.strip().splitlines()[-1]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", help="onboard this publisher (INSEE code or SIREN) only")
    args = _scratch.arguments(parser, {"code": "31"}, argv)
    command = [args.code] if args.code else ["--all"]
    if "/ckan?" in os.environ.get("CKAN_SQLALCHEMY_URL", "") or \
            os.environ.get("CKAN_SQLALCHEMY_URL", "").rstrip("/").endswith("/ckan"):
        sys.exit("refusing to run against the dev database")
    app = _app()
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckanext.hautegaronne.publishers import onboarding

        count = 1 if args.code else len(onboarding.territory_entities())
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        _reset_db()
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        create_baseline, _ = _timed(lambda: [
            tk.get_action("organization_create")(
                {"user": site_user}, {"name": f"baseline-{i}", "title": f"Baseline {i}"})
            for i in range(count)])

        _reset_db()
    add_all = _cli("add", *command)
    rerun = _cli("add", *command)

    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckanext.hautegaronne.publishers import onboarding

        names = [row["name"] for row in onboarding.publishers()]
        if len(names) != count:
            _reset_db()
            _scratch.fail_on_errors([f"{len(names)} organisations onboarded, expected {count}"])
        show_baseline, _ = _timed(lambda: [
            tk.get_action("organization_show")({"ignore_auth": True}, {"id": name}) for name in names])
        _reset_db()

    label = " ".join(command)
    targets = ("", "") if args.code else (" (target < 60 s)", " (target < 10 s)")
    print(f"publishers add {label} ({count} organisations, empty portal): {add_all:6.1f} s"
          f"{targets[0]}, ratio {add_all / create_baseline:.2f} to {count} plain organization_create "
          f"({create_baseline:.1f} s)")
    print(f"publishers add {label}, re-run (nothing to do):      {rerun:6.1f} s"
          f"{targets[1]}, ratio {rerun / show_baseline:.2f} to {count} organization_show "
          f"({show_baseline:.1f} s)")
    if not args.code and (add_all >= 60 or rerun >= 10):
        sys.exit("target missed")


if __name__ == "__main__":
    main()
