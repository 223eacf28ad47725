#!/usr/bin/env python3
"""Build the portal's resource formats, ckanext/hautegaronne/dcat/data/file_types.csv, from the
EU file-type vocabulary (see dcat/data/README.md for provenance and licence).

Inputs (both in the repository):

* the SKOS export of the EU Vocabularies authority table *file types* (Publications Office),
  ckanext/hautegaronne/tests/data/dcat-ap/vocabularies/filetypes-skos.rdf: every concept
  that is not deprecated, with its code, file extensions and media type;
* the project's table dcat/data/file_types_curated.csv: for each code, the French label
  (the export has none), the flags of data.europa.eu's MQA (machine-readable,
  non-proprietary), the other names a person types, and where given the label stored in a
  resource's ``format``, the media type and the extensions, which then replace the export's.
  It also lists the codes of the current EU table that the export predates (GeoJSON...).

The output lists the curated table's rows in its order (the first type wins a shared
extension or name). A concept of the export missing from the curated table, or a code of the
curated table that the export lacks without a media type and extensions of its own, stops
the build. The output is deterministic: ``--check`` rebuilds it in memory and exits 1 when
the committed file differs, byte for byte.

Run with the project's virtualenv (rdflib): ``.venv/bin/python scripts/build_file_types.py``.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext" / "hautegaronne"
SOURCE = PACKAGE / "tests" / "data" / "dcat-ap" / "vocabularies" / "filetypes-skos.rdf"
CURATED = PACKAGE / "dcat" / "data" / "file_types_curated.csv"
OUTPUT = PACKAGE / "dcat" / "data" / "file_types.csv"
COLUMNS = ("code", "label", "label_fr", "media_type", "extensions", "aliases",
           "machine_readable", "non_proprietary")

AT = rdflib.Namespace("http://publications.europa.eu/ontology/authority/")
DC = rdflib.Namespace("http://purl.org/dc/elements/1.1/")


def exported_types(source: Path) -> dict[str, dict]:
    """The export's concepts in use, by code: extensions and media type."""
    graph = rdflib.Graph().parse(source, format="xml")
    found = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        code = graph.value(concept, AT["authority-code"])
        if code is None or str(graph.value(concept, AT.deprecated)) == "true":
            continue
        extensions: list[str] = []
        media_types: list[str] = []
        for mapped in sorted(graph.objects(concept, AT["op-mapped-code"]),
                             key=lambda m: str(graph.value(m, AT["legacy-code"]))):
            kind = str(graph.value(mapped, DC.source))
            value = str(graph.value(mapped, AT["legacy-code"]))
            if kind == "file-extension":
                extensions += [e.lstrip(".").lower() for e in value.split()]
            elif kind == "manifestation-type-cellar":
                media_types += [m.split(";")[0].strip() for m in value.split(",")]
        found[str(code)] = {
            "extensions": list(dict.fromkeys(e for e in extensions if e)),
            "media_type": min(media_types, key=len) if media_types else "",
        }
    return found


def build(source: Path = SOURCE, curated: Path = CURATED) -> str:
    exported = exported_types(source)
    rows = list(csv.DictReader(curated.read_text(encoding="utf-8").splitlines()))
    problems = []
    missing = sorted(set(exported) - {row["code"] for row in rows})
    if missing:
        problems.append(f"no French label (curated row) for {', '.join(missing)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        code = row["code"]
        concept = exported.get(code)
        if concept is None and not (row["media_type"] and row["extensions"]):
            problems.append(f"{code}: not in the export, give its media type and extensions")
            continue
        concept = concept or {"extensions": [], "media_type": ""}
        if not row["label_fr"]:
            problems.append(f"{code}: no French label")
        writer.writerow((
            code,
            row["label"] or code,
            row["label_fr"],
            row["media_type"] or concept["media_type"],
            row["extensions"] or " ".join(concept["extensions"]),
            row["aliases"],
            row["machine_readable"],
            row["non_proprietary"],
        ))
    if problems:
        raise SystemExit("build_file_types: " + "; ".join(problems))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed file differs from a rebuild")
    args = parser.parse_args()
    text = build()
    if args.check:
        if OUTPUT.read_bytes() != text.encode("utf-8"):
            print(f"{OUTPUT.relative_to(ROOT)} differs from a rebuild: run "
                  f"scripts/build_file_types.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_bytes(text.encode("utf-8"))
    print(f"{OUTPUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} file types")
    return 0


if __name__ == "__main__":
    sys.exit(main())
