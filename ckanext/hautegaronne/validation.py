"""E-mail and web addresses: one rule each, shared by the publishers' fields (contact,
website) and the datasets' fields (contact point, schema URL), typed in a form, sent to the
API or harvested. Registered under the names the schemas use (``hautegaronne_publisher_email``
and ``hautegaronne_publisher_url`` for organisations, ``hautegaronne_email`` and
``hautegaronne_url`` for datasets).

* an e-mail address: one ``@`` between a local part (letters, digits and the usual
  ``.!#$%&'*+/=?^_`{|}~-`` signs) and a domain name; a ``mailto:`` prefix, as DCAT writes
  contact points, is removed; at most 254 characters;
* a web address: ``http://`` or ``https://``, a domain name, an optional port, then a path,
  query or fragment without spaces, ``<``, ``>``, ``"`` or backquotes. No user name or
  password, no bare host (``localhost``) or IP address: a public web address.

A domain name: labels of letters (accented ones included: internationalised names), digits
and inner hyphens, at least two of them, the last one (the top-level domain) of letters.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["email", "web_address", "is_email", "is_web_address"]

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOMAIN = rf"(?:{_LABEL}\.)+[^\W\d_]{{2,63}}"
_EMAIL = re.compile(rf"[\w.!#$%&'*+/=?^`{{|}}~-]+@{_DOMAIN}")
_WEB_ADDRESS = re.compile(rf"https?://{_DOMAIN}(?::\d{{1,5}})?(?:[/?#][^\s<>\"`]*)?",
                          re.IGNORECASE)
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
MAX_EMAIL = 254


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == ""


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


def is_web_address(text: str) -> bool:
    if _WEB_ADDRESS.fullmatch(text) is None:
        return False
    port = re.match(r"[a-z]+://[^/?#:]+:(\d+)", text, re.IGNORECASE)
    return port is None or int(port.group(1)) <= 65535


def email(value: Any) -> Any:
    """An e-mail address (a ``mailto:`` prefix removed); empty values are left to the
    schema's other validators."""
    if _empty(value):
        return value
    text = str(value).strip()
    if _MAILTO.match(text):
        text = text[len("mailto:"):]
    if not is_email(text):
        raise tk.Invalid(tk._('Invalid e-mail address: "{value}" (expected e.g. '
                              'opendata@mairie-roques.fr).').format(value=_shown(value)))
    return text


def web_address(value: Any) -> Any:
    """A public web address starting with http:// or https://."""
    if _empty(value):
        return value
    text = str(value).strip()
    if not is_web_address(text):
        raise tk.Invalid(tk._('Invalid web address: "{value}"; enter a full address '
                              'starting with https:// (e.g. https://www.mairie-roques.fr).')
                         .format(value=_shown(value)))
    return text
