"""Checks for French public identifiers (SIREN, SIRET, INSEE commune code). Pure functions."""

from __future__ import annotations

import re

_INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


def luhn_ok(digits: str) -> bool:
    """True if ``digits`` (ASCII digits only, non-empty) passes the Luhn checksum."""
    if not isinstance(digits, str) or not digits or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    """True for a 9-digit, Luhn-valid SIREN."""
    return isinstance(value, str) and len(value) == 9 and luhn_ok(value)


def is_valid_siret(value: str) -> bool:
    """True for a 14-digit SIRET, Luhn-valid over all 14 digits and with a valid SIREN prefix."""
    return isinstance(value, str) and len(value) == 14 and luhn_ok(value) and luhn_ok(value[:9])


def is_valid_insee_code(value: str) -> bool:
    """True for a 5-character code officiel géographique (e.g. 31555, 2A004)."""
    return isinstance(value, str) and _INSEE_CODE.fullmatch(value) is not None
