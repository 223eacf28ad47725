"""DCAT-AP 3.0.1 SHACL validation for the tests.

The official shapes and EU vocabularies are the repository's copies in ``tests/data/dcat-ap/``
(see PROVENANCE.md there); the vocabularies are merged into the data graph before validation
(pyshacl checks class constraints on the data graph only).
"""
from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import rdflib
from pyshacl import validate

ROOT = Path(__file__).resolve().parents[4]
DCAT_AP_DIR = Path(__file__).resolve().parents[1] / "data" / "dcat-ap"
SHAPE_FILES = ("dcat-ap-3.0.1-SHACL.ttl", "dcat-ap-3.0.1-ranges.ttl")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@functools.cache
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in SHAPE_FILES:
        graph.parse(DCAT_AP_DIR / name)
    # The 3.0.1 ranges file lists property shapes it never defines (e.g. one of
    # dcat:DistributionShape): pyshacl refuses such a reference, which constrains nothing.
    for shape, _, prop in list(graph.triples((None, SH.property, None))):
        if (prop, None, None) not in graph:
            graph.remove((shape, SH.property, prop))
    return graph


@functools.cache
def hvd_shapes(release: str) -> rdflib.Graph:
    """The DCAT-AP HVD shapes of a release (``3.0.0`` or ``2.2.0``), all constraints
    (``hvd-SHACL-full.ttl``: base, ranges and usage notes). They target every dataset of
    the graph: validate a graph of high-value datasets only."""
    return rdflib.Graph().parse(DCAT_AP_DIR / "hvd" / release / "hvd-SHACL-full.ttl")


@functools.cache
def vocabularies() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((DCAT_AP_DIR / "vocabularies").iterdir()):
        graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    return graph


def violations(data: rdflib.Graph, shape_graph: rdflib.Graph | None = None) -> list[dict]:
    """The SHACL violations of a graph (warnings and infos are not violations)."""
    merged = rdflib.Graph()
    for triple in vocabularies():
        merged.add(triple)
    for triple in data:
        merged.add(triple)
    _, report, _ = validate(merged, shacl_graph=shapes() if shape_graph is None else shape_graph, inference="none",
                            abort_on_first=False, allow_warnings=True)
    found = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append({
            "focus": str(report.value(result, SH.focusNode)),
            "path": str(report.value(result, SH.resultPath)),
            "message": str(report.value(result, SH.resultMessage)),
            "component": str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        })
    return found


def summary(found: list[dict]) -> Counter:
    """Violations counted by (property path, constraint component)."""
    return Counter((v["path"], v["component"]) for v in found)
