"""Nothing in the suite, the benchmarks or `make up` reads outside the repository (issue 18).

Two guards: at run time, the session's audit hook (tests/outside_reads.py, failing the session
in the conftest), proven here to catch a read beside the checkout, in the test process and in
the Python processes it starts; and a static scan of what the project runs (scripts, bench,
Makefile, configuration, the extension and its tests) for paths that leave the project root.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from . import outside_reads

ROOT = outside_reads.ROOT
SCANNED = ("scripts", "bench", "config", "ckanext", ".ci", "Makefile", "test.ini", "setup.py",
           "setup.cfg", "MANIFEST.in")
# Files the project runs or reads as configuration; web assets (templates, JS, CSS) hold URL
# paths, not file paths.
SCANNED_SUFFIXES = {".py", ".sh", ".ini", ".in", ".cfg", ".toml", ".yaml", ".yml", ".lua", ""}
NOT_SCANNED = ("ckanext/hautegaronne/tests/data/",  # copied third-party data
               "ckanext/hautegaronne/tests/outside_reads.py",  # watches the parent folder
               "ckanext/hautegaronne/tests/test_self_contained.py")  # holds the bad examples

# A path climbing from the file's own folder: `$(dirname "$0")/..`, `dirname(__file__), ".."`.
SHELL_FROM_FILE = re.compile(r'dirname\s+"?\$(?:0|\{BASH_SOURCE\[0\]\})"?\s*\)"?((?:/\.\.)+)')
PYTHON_FROM_FILE = re.compile(r"dirname\(__file__\)\)?((?:\s*,\s*[\"']\.\.[\"'])+)")
PARENTS_OF_FILE = re.compile(r"__file__.*\.parents\[(\d+)\]")
# The project root's own parent, however spelled.
ROOT_PARENT = re.compile(r"\b(?:ROOT|HG_ROOT|root)\s*(?:\.parent\b|/\s*[\"']\.\.[\"'])"
                         r"|\$\{?HG_ROOT\}?\"?/\.\.")
# Any other climbing path is relative to the working directory, the root: it leaves it
# ("../x", or ".." joined to a path; not an ellipsis "...", nor a test `".." in parts`).
CLIMBING = re.compile(r"(?<!\.)\.\./|[,/]\s*[\"']\.\.[\"']")


def leaving_paths(relative: str, text: str) -> list[str]:
    """The lines of a file (its path from the root, and its text) with a path leaving the root."""
    depth = len(Path(relative).parts) - 1  # folders between the root and the file
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        rest, bad = line, False
        for pattern in (SHELL_FROM_FILE, PYTHON_FROM_FILE):
            for match in pattern.finditer(line):
                bad |= match.group(1).count("..") > depth
            rest = pattern.sub("", rest)
        for match in PARENTS_OF_FILE.finditer(line):
            bad |= int(match.group(1)) > depth
        bad |= bool(ROOT_PARENT.search(rest) or CLIMBING.search(rest))
        bad |= str(ROOT.parent) + os.sep in line.replace(str(ROOT) + os.sep, "")
        if bad:
            found.append(f"{relative}:{number}: {line.strip()}")
    return found


def _scanned_files():
    for name in SCANNED:
        path = ROOT / name
        for file in ([path] if path.is_file() else sorted(path.rglob("*"))):
            relative = file.relative_to(ROOT).as_posix()
            if (file.is_file() and file.suffix in SCANNED_SUFFIXES
                    and "__pycache__" not in file.parts and "node_modules" not in file.parts
                    and not relative.startswith(NOT_SCANNED)):
                yield relative, file


def test_nothing_the_project_runs_names_a_path_outside_the_repository():
    files = list(_scanned_files())
    assert len(files) > 100 and ("scripts/lib.sh" in dict(files))
    found = []
    for relative, file in files:
        found += leaving_paths(relative, file.read_text(encoding="utf-8", errors="replace"))
    assert found == []


@pytest.mark.parametrize("relative, line", [
    ("ckanext/hautegaronne/tests/dcat/shacl.py",
     'return ROOT.parent / "shared" / "dcat-ap"'),
    ("ckanext/hautegaronne/tests/dcat/shacl.py",
     'SHAPES = Path(__file__).resolve().parents[5] / "shared"'),
    ("bench/harvest_throughput.py", 'FEED = "../shared/feed.ttl"'),
    ("scripts/test.sh", 'export HG_DCAT_AP_DIR="$HG_ROOT/../shared/dcat-ap"'),
    ("scripts/test.sh", 'SHAPES="$(dirname "$0")/../../shared/dcat-ap"'),
    ("config/wsgi.py", 'os.path.join(os.path.dirname(__file__), "..", "..", "x.ini")'),
    ("Makefile", "\tcp ../shared/dcat-ap/*.ttl var/"),
    ("test.ini", f"ckanext.x.path = {ROOT.parent}/shared/dcat-ap"),
])
def test_the_scan_finds_paths_leaving_the_root(relative, line):
    assert leaving_paths(relative, f"x = 1\n{line}\n") == [f"{relative}:2: {line.strip()}"]


@pytest.mark.parametrize("relative, line", [
    ("scripts/lib.sh", 'HG_ROOT="${HG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"'),
    (".ci/run", 'cd "$(dirname "$0")/.."'),
    ("config/wsgi.py", 'os.path.join(os.path.dirname(__file__), "..", "ckan.ini")'),
    ("ckanext/hautegaronne/tests/dcat/shacl.py", "ROOT = Path(__file__).resolve().parents[4]"),
    ("ckanext/hautegaronne/dcat/parse.py", "from .. import vocabularies"),
    ("bench/mixed_load.lua", "'x' .. 'y'"),
    ("test.ini", f"ckan.storage_path = {ROOT}/var/storage"),
])
def test_the_scan_accepts_paths_inside_the_root(relative, line):
    assert leaving_paths(relative, line) == []


def test_the_session_records_a_read_beside_the_checkout():
    probe = outside_reads.PARENT / f"hg-outside-probe-{uuid.uuid4().hex}" / "shapes.ttl"
    before = len(outside_reads.recorded)
    try:
        with pytest.raises(FileNotFoundError):
            open(probe, encoding="utf-8")
        assert outside_reads.recorded[before:] == [("open", str(probe))]
    finally:
        del outside_reads.recorded[before:]  # the deliberate read must not fail the session


def test_the_session_does_not_record_reads_in_the_checkout_or_elsewhere():
    before = len(outside_reads.recorded)
    (ROOT / "setup.cfg").read_text(encoding="utf-8")
    os.listdir(ROOT / "bench")
    Path(sys.executable).stat()
    open(os.devnull, encoding="utf-8").close()
    assert outside_reads.recorded[before:] == []
    assert not outside_reads.leaves_checkout(str(outside_reads.PARENT / ".cache" / "pip"))
    assert outside_reads.leaves_checkout(str(outside_reads.PARENT / "shared" / "dcat-ap"))
    assert outside_reads.leaves_checkout(str(outside_reads.PARENT / (ROOT.name + "-other")))


def test_python_processes_started_by_the_session_record_their_reads_too(tmp_path):
    """A benchmark or gunicorn started by a test inherits the hook (PYTHONPATH)."""
    log = tmp_path / "outside-reads.log"
    probe = outside_reads.PARENT / f"hg-outside-probe-{uuid.uuid4().hex}" / "feed.ttl"
    code = f"try:\n    open({str(probe)!r})\nexcept FileNotFoundError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=ROOT,
                   env=dict(os.environ, **{outside_reads.LOG_VARIABLE: str(log)}))
    assert [line.split(" ", 1)[1] for line in outside_reads.logged(log)] == [f"open {probe}"]
