"""Run at start-up by every Python process a test session starts (the tests' conftest puts
this folder first on PYTHONPATH): installs the outside-reads audit hook of
``tests/outside_reads.py``, reporting to HG_OUTSIDE_READS_LOG, then runs the sitecustomize
this one shadows (Debian's), if any. Loaded by file path: importing the ckanext package here
would slow every process down."""
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if os.environ.get("HG_OUTSIDE_READS_LOG"):
    _load("_hg_outside_reads", os.path.join(os.path.dirname(_HERE), "outside_reads.py")).install(
        log=os.environ["HG_OUTSIDE_READS_LOG"])

for _entry in sys.path:
    _candidate = os.path.join(_entry or os.getcwd(), "sitecustomize.py")
    if os.path.abspath(_entry or os.getcwd()) != _HERE and os.path.isfile(_candidate):
        _load("_shadowed_sitecustomize", _candidate)
        break
