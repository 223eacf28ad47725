"""Marking strings for the extension's translation catalogue."""
from __future__ import annotations


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (babel's ``N_`` keyword): it is
    translated where it is shown."""
    return message
