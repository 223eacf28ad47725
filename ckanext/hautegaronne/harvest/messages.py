"""Translation of the harvester's messages, which are stored in the job reports.

The reports are data: they are written once, by the gather and fetch consumers (command-line
processes, outside any web request, where ``tk._`` would fall back to English), and read by
the publishers' admins. They are written in the portal's default language
(``ckan.locale_default``, French), whatever process writes them, from the extension's own
catalogue (every harvester message is in the ``ckanext-hautegaronne`` domain).
"""
from __future__ import annotations

import functools
from pathlib import Path

import ckan.plugins.toolkit as tk
from babel.support import NullTranslations, Translations

DOMAIN = "ckanext-hautegaronne"
I18N = Path(__file__).resolve().parents[1] / "i18n"


@functools.lru_cache(maxsize=None)
def translations(locale: str) -> NullTranslations:
    """The extension's catalogue for ``locale`` (loaded once per process)."""
    return Translations.load(str(I18N), [locale], DOMAIN)


def _(message: str) -> str:
    locale = tk.config.get("ckan.locale_default") or "en"
    return translations(locale).gettext(message)


def ui(message: str) -> str:
    """A string shown, not stored (the harvester's title in the source form): the reader's
    language in a web request, the default language elsewhere."""
    try:
        return tk._(message)
    except (RuntimeError, TypeError, AttributeError, KeyError):
        return _(message)
