"""Checks for French public identifiers (SIREN, SIRET, INSEE commune code). Pure functions;
the SIREN and SIRET checksums are python-stdnum's."""

from __future__ import annotations

import re

from stdnum.fr import siren, siret

_INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


def _digits(value: object, length: int) -> bool:
    """``length`` ASCII digits, as typed (no spaces or dots: the validators compact first)."""
    return isinstance(value, str) and len(value) == length and value.isascii() and value.isdigit()


def is_valid_siren(value: str) -> bool:
    """True for a 9-digit SIREN whose check digit is right (python-stdnum)."""
    return _digits(value, 9) and siren.is_valid(value)


def is_valid_siret(value: str) -> bool:
    """True for a 14-digit SIRET, check digit and SIREN prefix included (python-stdnum,
    which knows La Poste's establishments' own rule)."""
    return _digits(value, 14) and siret.is_valid(value)


def is_valid_insee_code(value: str) -> bool:
    """True for a 5-character code officiel géographique (e.g. 31555, 2A004)."""
    return isinstance(value, str) and _INSEE_CODE.fullmatch(value) is not None
