"""What each search result costs to show (the search page lists 20 of them, the publisher
page too): the work per result that does not change between two requests is done once per
process.

- ``markdown_extract`` (core's helper, chained): the plain-text extract of a dataset's
  description under its title. Core renders the whole Markdown text and cleans the HTML
  for every result of every page, a few milliseconds each, the largest part of the search
  page's own work at 10,000 datasets (bench/page_cost.py). The extract only depends on
  the text and the length: kept per process (bounded, by a digest of the text), the
  helper still computes it the first time, so the extract shown is core's.
- ``hautegaronne_result_date``: a result's "Updated on" date. ``h.render_datetime`` formats
  every date through flask-babel (a quarter of a millisecond each); a date without hours
  only depends on the day in the portal's time zone and the page's language, so it is
  formatted once per day and language, by ``h.render_datetime`` itself.
"""
from __future__ import annotations

import datetime
import hashlib
import threading
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["markdown_extract", "hautegaronne_result_date", "get_helpers"]

# Enough for every description of a catalogue of 10,000 datasets; an extract is at most
# a few hundred characters, and the key a 16-byte digest.
EXTRACTS_KEPT = 16384
DATES_KEPT = 4096


class _Bounded:
    """A small least-recently-used dict, safe between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_extracts = _Bounded(EXTRACTS_KEPT)
_dates = _Bounded(DATES_KEPT)


@tk.chained_helper
def markdown_extract(next_helper, text: str, extract_length: int = 190) -> Any:
    """Core's extract of a Markdown text, computed once per text and length."""
    if not text or not isinstance(text, str):
        return next_helper(text, extract_length=extract_length)
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
           len(text), extract_length)
    extract = _extracts.get(key)
    if extract is None:
        extract = next_helper(text, extract_length=extract_length)
        _extracts.put(key, extract)
    return extract


def _display_timezone() -> datetime.tzinfo:
    return tk.h.get_display_timezone()


def hautegaronne_result_date(value: Any) -> str:
    """A date as ``h.render_datetime(value)`` shows it (the day, in the portal's time zone
    and the page's language), formatted once per day and language."""
    if isinstance(value, str):
        try:
            moment = tk.h.date_str_to_datetime(value)
        except (TypeError, ValueError):
            return ""
    elif isinstance(value, datetime.datetime):
        moment = value
    else:
        return ""
    if moment.tzinfo is None:  # CKAN's dates are UTC
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    local = moment.astimezone(_display_timezone())
    key = (local.date(), tk.h.lang())
    text = _dates.get(key)
    if text is None:
        text = tk.h.render_datetime(local)
        _dates.put(key, text)
    return text


def get_helpers() -> dict:
    return {"markdown_extract": markdown_extract,
            "hautegaronne_result_date": hautegaronne_result_date}
