"""The scratch portal that every benchmark runs on: the test configuration and
the database `scripts/bench.sh` points CKAN_* at (never the dev database); and
what every benchmark shares: its ``--tiny`` size and how a run with errors ends."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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
