"""Static files compressed and cached by browsers.

CKAN serves its web assets (``/webassets/...``) and public files with
``Cache-Control: no-cache`` and uncompressed: a first visit moved 1.6 MB for a text page,
and every later page asked again for each file. This WSGI layer, outside CKAN's response
hooks:

* gzips style sheets, scripts, SVG and fonts that are not compressed already, for clients
  that accept it (``Vary: Accept-Encoding``); the compressed bodies are kept in memory by
  path and validator, so a file is compressed once per worker;
* marks web assets with a versioned name (``<8 hex digits>_main.css``: the name changes
  with the content) as cacheable for a year and immutable; other web assets (fonts and
  images that style sheets reach by relative paths) for a day.

HTML and API answers are never compressed here: they may carry a CSRF token or an API
token next to text an attacker chooses, which compression would leak (BREACH).
"""
from __future__ import annotations

import gzip
import itertools
import re
from collections import OrderedDict
from typing import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

ONE_YEAR = 365 * 24 * 3600
ONE_DAY = 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
DAILY = f"public, max-age={ONE_DAY}"
# CKAN's webassets names: the first 8 hex digits of the bundle's hash, then its name.
VERSIONED_NAME = re.compile(r"/[0-9a-f]{8}_[^/]+$")
COMPRESSIBLE_TYPES = frozenset({
    "text/css", "text/javascript", "application/javascript", "application/x-javascript",
    "image/svg+xml", "font/ttf", "font/otf", "application/vnd.ms-fontobject",
    "application/x-font-ttf", "application/font-sfnt",
})
# Above, a file is passed on as it is: a resource uploaded as SVG or JavaScript must not be
# read into memory (the largest web asset, CKAN's vendor bundle, is about 0.5 MB).
MAX_SIZE = 2 * 1024 * 1024
MIN_SIZE = 512  # below, gzip saves less than its own overhead is worth
CACHE_ENTRIES = 256


def cache_control(path: str, webassets_url: str) -> str | None:
    """The Cache-Control of a static file at ``path``; None: CKAN's answer stands
    (public files: revalidated with their ETag)."""
    if not path.startswith(webassets_url.rstrip("/") + "/"):
        return None
    return IMMUTABLE if VERSIONED_NAME.search(path) else DAILY


def accepts_gzip(environ: dict) -> bool:
    for coding in environ.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in names]


def _vary_on_encoding(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One Vary header, CKAN's values (``Cookie``) plus Accept-Encoding."""
    values = [v.strip() for k, value in headers if k.lower() == "vary" for v in value.split(",")]
    values = [v for v in values if v] + ["Accept-Encoding"]
    return _without(headers, "vary") + [("Vary", ", ".join(dict.fromkeys(values)))]


class AssetDelivery:
    def __init__(self, app: Callable, webassets_url: str = "/webassets") -> None:
        self.app = app
        self.webassets_url = webassets_url or "/webassets"
        self._compressed: OrderedDict[tuple, bytes] = OrderedDict()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=list(headers), exc_info=exc_info)
            return lambda data: answer.setdefault("written", []).append(data)

        body = self.app(environ, capture)
        status, headers = answer["status"], answer["headers"]
        caching = cache_control(path, self.webassets_url)
        if caching and status[:3] in ("200", "304"):
            headers = _without(headers, "cache-control", "expires", "pragma")
            headers.append(("Cache-Control", caching))
        content_type = (_header(headers, "content-type") or "").split(";")[0].strip().lower()
        length = _header(headers, "content-length")
        if (content_type in COMPRESSIBLE_TYPES and status.startswith("200")
                and length is not None and length.isdigit() and int(length) <= MAX_SIZE
                and environ["REQUEST_METHOD"] == "GET" and not answer.get("written")
                and _header(headers, "content-encoding") is None):
            headers = _vary_on_encoding(headers)
            if accepts_gzip(environ):
                return self._gzipped(path, status, headers, body, start_response, answer)
        start_response(status, headers, answer["exc_info"])
        if answer.get("written"):  # a legacy write() before the iterable
            return ClosingIterator(itertools.chain(answer["written"], body),
                                   getattr(body, "close", None))
        return body

    def _gzipped(self, path, status, headers, body, start_response, answer) -> list[bytes]:
        validator = _header(headers, "etag") or (
            _header(headers, "last-modified"), _header(headers, "content-length"))
        key = (path, validator)
        compressed = self._compressed.get(key)
        if compressed is None:
            try:
                raw = b"".join(body)
            finally:
                getattr(body, "close", lambda: None)()
            if len(raw) < MIN_SIZE:
                headers = _without(headers, "content-length")
                headers.append(("Content-Length", str(len(raw))))
                start_response(status, headers, answer["exc_info"])
                return [raw]
            compressed = gzip.compress(raw, compresslevel=9, mtime=0)
            self._compressed[key] = compressed
            while len(self._compressed) > CACHE_ENTRIES:
                self._compressed.popitem(last=False)
        else:
            getattr(body, "close", lambda: None)()
        self._compressed.move_to_end(key)
        etag = _header(headers, "etag")
        headers = _without(headers, "content-length", "etag")
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(compressed)))]
        if etag:  # another representation: a weak validator, as nginx does
            headers.append(("ETag", etag if etag.startswith("W/") else "W/" + etag))
        start_response(status, headers, answer["exc_info"])
        return [compressed]
