"""Ownership rules: chained auth functions, registered in plugin.py."""
from __future__ import annotations


def get_auth_functions() -> dict:
    return {}
