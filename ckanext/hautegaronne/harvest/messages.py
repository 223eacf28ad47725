"""Translation of the harvester's messages, which are stored in the job reports.

Workers run outside a web request: the messages are translated with the portal's default
locale (French) when an application context exists, and kept in English otherwise.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def _(message: str) -> str:
    try:
        return tk._(message)
    except (RuntimeError, TypeError, AttributeError, KeyError):
        return message
