"""Benchmarks cannot rot (issue 18): `make test` runs every benchmark once at its tiny size
(``--tiny``: a few datasets, one round, a few seconds of load), through `make bench`'s own
entry point (scripts/bench.sh, on the suite's scratch database and Solr core), and a run with
errors must fail instead of printing a ratio. The full sizes stay in `make bench`.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BENCHMARKS = sorted(path.relative_to(ROOT).as_posix()
                    for path in (ROOT / "bench").glob("[!_]*.py"))
RATIO = re.compile(r"ratio[^\n]*\d+\.\d\d", re.IGNORECASE)
SECTION = re.compile(r"^==> (?P<bench>\S+)\n(?P<text>.*?)^<== (?P=bench): exit (?P<exit>\d+)$",
                     re.MULTILINE | re.DOTALL)


@dataclass
class Run:
    exit: int
    output: str
    seconds: float

    def sections(self) -> dict[str, tuple[int, str]]:
        return {m["bench"]: (int(m["exit"]), m["text"]) for m in SECTION.finditer(self.output)}


def bench_sh(bench_args: str, benches: str | None = None) -> Run:
    """`make bench` as a user runs it (scripts/bench.sh), on the suite's services."""
    from ckan import model

    # The benchmarks empty the scratch database: this process must hold no connection
    # (an idle transaction would block their DROP TABLE).
    model.Session.remove()
    model.meta.engine.dispose()
    env = dict(os.environ, BENCH_ARGS=bench_args)
    env.pop("BENCH", None)
    if benches:
        env["BENCH"] = benches
    started = time.monotonic()
    done = subprocess.run(["bash", "scripts/bench.sh"], cwd=ROOT, env=env, timeout=1200,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Run(done.returncode, done.stdout, time.monotonic() - started)


@pytest.fixture(scope="module")
def tiny_run():
    run = bench_sh("--tiny")
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "benchmarks-tiny.txt").write_text(
        f"make bench BENCH_ARGS=--tiny: exit {run.exit} in {run.seconds:.0f} s\n\n{run.output}",
        encoding="utf-8")
    yield run
    from ckan import model

    model.Session.remove()


def test_there_are_benchmarks_to_run():
    assert {"bench/harvest_throughput.py", "bench/dcat_serialize.py"} <= set(BENCHMARKS)


@pytest.mark.parametrize("bench", BENCHMARKS)
def test_every_benchmark_has_a_tiny_size(bench):
    """A new benchmark without ``--tiny`` (bench/_scratch.arguments) fails here, by name."""
    done = subprocess.run([sys.executable, bench, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--tiny" in done.stdout, f"{bench} has no --tiny size: use _scratch.arguments()"


@pytest.mark.parametrize("bench", BENCHMARKS)
def test_every_benchmark_runs_at_its_tiny_size_and_prints_a_ratio(tiny_run, bench):
    sections = tiny_run.sections()
    assert bench in sections, f"make bench did not run {bench}:\n{tiny_run.output[-3000:]}"
    exit_code, text = sections[bench]
    assert exit_code == 0, f"{bench} --tiny failed:\n{text[-4000:]}"
    assert RATIO.search(text), f"{bench} --tiny printed no ratio:\n{text[-2000:]}"
    assert "ERROR" not in text


def test_make_bench_succeeds_when_every_benchmark_does(tiny_run):
    assert tiny_run.exit == 0, tiny_run.output[-3000:]
    assert set(tiny_run.sections()) == set(BENCHMARKS)


def test_a_benchmark_run_with_errors_exits_non_zero_and_says_why_instead_of_a_ratio():
    """The issue's run: both harvesters fed the same identifiers, the portal refuses every
    dataset of the second import as a duplicate. That run printed a ratio of 0.00 and exited
    0; it must fail, name the errors, and print no ratio."""
    run = bench_sh("--tiny --same-identifiers", "bench/harvest_throughput.py")
    exit_code, text = run.sections()["bench/harvest_throughput.py"]
    assert exit_code != 0 and run.exit != 0
    assert "ERROR: the benchmark run had errors; no ratio is printed" in text
    assert "portal: 0 added datasets, expected 5" in text
    assert "portal: 5 errored" in text
    assert not RATIO.search(text), text
