"""`make up` after a code change: the background workers are restarted, not left running
the previous code. An outside session updated a running portal with `make up`; the jobs
worker kept the old modules and every DataStore load failed from then on.

What is under test is the supervision in scripts/ (lib.sh, jobs-worker.sh), so the worker
it supervises is a stand-in `ckan` that records which "code" it started with."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SCRIPTS = ROOT / "scripts"


def _stand_in_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    ckan = venv / "bin" / "ckan"
    ckan.write_text('#!/usr/bin/env bash\n'
                    'cat "$HG_CODE_VERSION_FILE" >> "$HG_STARTS_FILE"\n'
                    'exec sleep 600\n')
    ckan.chmod(0o755)
    return venv


def _workers(tmp_path: Path, command: str) -> None:
    env = {**os.environ, "HG_VAR": str(tmp_path / "var"), "HG_VENV": str(tmp_path / "venv"),
           "HG_CODE_VERSION_FILE": str(tmp_path / "code"), "HG_STARTS_FILE": str(tmp_path / "starts"),
           "JOBS_INI": str(tmp_path / "ckan.ini")}
    subprocess.run(["bash", str(SCRIPTS / "jobs-worker.sh"), command], env=env, check=True,
                   capture_output=True, timeout=60)


def _starts(tmp_path: Path, count: int) -> list[str]:
    path = tmp_path / "starts"
    for _ in range(100):
        lines = path.read_text().split() if path.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.1)
    return lines


def test_restart_runs_the_current_code_where_start_keeps_the_running_worker(tmp_path):
    _stand_in_venv(tmp_path)
    (tmp_path / "code").write_text("v1\n")
    try:
        _workers(tmp_path, "start")
        assert _starts(tmp_path, 1) == ["v1"]
        (tmp_path / "code").write_text("v2\n")
        _workers(tmp_path, "start")  # already running: nothing new starts
        time.sleep(1)
        assert _starts(tmp_path, 1) == ["v1"]
        _workers(tmp_path, "restart")  # what make up runs
        assert _starts(tmp_path, 2) == ["v1", "v2"]
    finally:
        _workers(tmp_path, "stop")
    pids = list((tmp_path / "var" / "run").glob("jobs-worker-*.pid"))
    assert pids == []


def test_make_up_restarts_the_workers():
    up = (SCRIPTS / "up.sh").read_text()
    assert 'jobs-worker.sh" restart' in up and 'harvest-workers.sh" restart' in up
