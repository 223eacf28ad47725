"""Validators of this concern, registered through IValidators in plugin.py."""
from __future__ import annotations


def get_validators() -> dict:
    return {}
