"""Identifier checks: SIREN, SIRET, INSEE commune codes."""

import pytest
from stdnum.luhn import is_valid as luhn_ok

from ckanext.hautegaronne.territory.identifiers import (
    is_valid_insee_code,
    is_valid_siren,
    is_valid_siret,
)


@pytest.mark.parametrize(
    "siren",
    [
        "223100017",  # Département de la Haute-Garonne
        "213105554",  # Toulouse
        "213104581",  # Roques
        "243100518",  # Toulouse Métropole
        "243100633",  # Sicoval
        "200068641",  # Le Muretain Agglo
    ],
)
def test_valid_siren(siren):
    assert is_valid_siren(siren)


@pytest.mark.parametrize(
    "siren",
    [
        "213105555",  # wrong checksum
        "223100018",  # wrong checksum
        "21310555",  # 8 digits
        "2131055540",  # 10 digits
        "21310555A",  # letter
        "213 105 554",  # spaces are not normalised here
        "213.105.554",
        "",
        None,
        213105554,  # not a string
        "２１３１０５５５４",  # full-width digits
    ],
)
def test_invalid_siren(siren):
    assert not is_valid_siren(siren)


@pytest.mark.parametrize(
    "siret",
    [
        # Synthetic: a real SIREN + NIC "0001x", x chosen so that the 14 digits are Luhn-valid.
        "21310555400017",
        "22310001700019",
        "24310051800014",
    ],
)
def test_valid_siret(siret):
    assert luhn_ok(siret)
    assert is_valid_siret(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "21310555400018",  # wrong checksum
        "2131055540001",  # 13 digits
        "213105554000170",  # 15 digits
        "2131055540001A",  # letter
        "213105554",  # a SIREN is not a SIRET
        "",
        None,
    ],
)
def test_invalid_siret(siret):
    assert not is_valid_siret(siret)


def test_siret_needs_valid_siren_prefix():
    # Luhn-valid over 14 digits but the first 9 are not a valid SIREN.
    siret = next(
        f"123456789{n:05d}" for n in range(100) if luhn_ok(f"123456789{n:05d}")
    )
    assert not luhn_ok("123456789")
    assert not is_valid_siret(siret)


def test_la_poste_establishments_have_their_own_siret_rule():
    # La Poste's establishments share one SIREN (356000000); their SIRET are checked by the
    # sum of their digits (a multiple of 5), not by Luhn. Synthetic NIC.
    assert not luhn_ok("35600000000001")
    assert is_valid_siret("35600000000001")


@pytest.mark.parametrize(
    "code", ["31555", "31458", "01001", "2A004", "2B033", "97411", "21231", "31001"]
)
def test_valid_insee_code(code):
    assert is_valid_insee_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "20004",  # Corsica has 2A/2B, not 20
        "2C004",
        "2a004",  # lower case
        "3155",  # too short
        "315555",  # too long
        "31555\n",
        "AB123",
        "",
        None,
        31555,
    ],
)
def test_invalid_insee_code(code):
    assert not is_valid_insee_code(code)
