"""Static files travel compressed and are cached by browsers as long as their names allow;
pages themselves are never compressed by the portal (BREACH)."""
from __future__ import annotations

import gzip
import re

import pytest

from ckanext.hautegaronne.delivery import assets

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def asset_urls(app, clean_db):
    """The style sheets and scripts the home page links to."""
    html = app.get("/").body
    urls = re.findall(r'(?:href|src)="(/webassets/[^"]+\.(?:css|js))"', html)
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls), urls
    return urls


def test_versioned_assets_are_gzipped_and_cacheable_for_a_year(app, asset_urls):
    sizes = {"plain": 0, "packed": 0}
    for url in asset_urls:
        plain = app.get(url)
        packed = app.get(url, headers=GZIP)
        assert plain.status_code == packed.status_code == 200, url
        assert "Content-Encoding" not in plain.headers, url
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert gzip.decompress(packed.get_data()) == plain.get_data(), url
        assert int(packed.headers["Content-Length"]) == len(packed.get_data())
        assert len(packed.get_data()) < len(plain.get_data()), url
        sizes["plain"] += len(plain.get_data())
        sizes["packed"] += len(packed.get_data())
        for response in (plain, packed):
            cache = response.headers["Cache-Control"]
            assert "max-age=31536000" in cache and "immutable" in cache, (url, cache)
            assert "no-cache" not in cache
            vary = [v.strip() for v in response.headers.getlist("Vary") for v in v.split(",")]
            assert "Accept-Encoding" in vary, (url, vary)
    assert sizes["packed"] < sizes["plain"] / 3, sizes


def test_a_browser_revalidating_a_gzipped_asset_gets_a_304(app, asset_urls):
    url = next(u for u in asset_urls if u.endswith(".css"))
    etag = app.get(url, headers=GZIP).headers["ETag"]
    assert etag.startswith("W/")
    again = app.get(url, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert not again.get_data()


def test_pages_are_not_compressed_by_the_portal(app, clean_db):
    for url in ("/", "/dataset/", "/api/3/action/status_show"):
        response = app.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url
        assert "immutable" not in response.headers.get("Cache-Control", ""), url


def test_public_files_are_compressed_but_still_revalidated(app, clean_db):
    """Public files have no versioned name: CKAN's revalidation stays (a new logo shows at
    once), the portal only compresses them."""
    url = "/hautegaronne/wordmark.svg"
    plain = app.get(url)
    packed = app.get(url, headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert "immutable" not in packed.headers.get("Cache-Control", "")
    again = app.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("header, accepted", [
    ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False), ("br", False),
])
def test_accept_encoding_is_read_as_http_defines_it(header, accepted):
    assert assets.accepts_gzip({"HTTP_ACCEPT_ENCODING": header}) is accepted


def test_only_versioned_names_are_immutable():
    assert assets.cache_control("/webassets/base/1a2b3c4d_main.css", "/webassets") == assets.IMMUTABLE
    assert assets.cache_control("/webassets/vendor/webfonts/fa-solid-900.woff2",
                                "/webassets") == assets.DAILY
    assert assets.cache_control("/base/images/logo.svg", "/webassets") is None


def _static_app(body: bytes, content_type: str = "application/javascript"):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", content_type),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app


def _call(app, path: str = "/dataset/x/resource/y/download/big.js") -> tuple[dict, bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path,
                         "HTTP_ACCEPT_ENCODING": "gzip"}, start_response))
    return answer, body


def test_a_large_file_is_passed_on_as_it_is_not_read_into_memory():
    """A resource uploaded as a 3 MB script: no buffering, no compression."""
    big = b"var x = 1;\n" * (3 * 1024 * 1024 // 11)
    answer, body = _call(assets.AssetDelivery(_static_app(big)))
    assert "Content-Encoding" not in answer["headers"]
    assert body == big
    answer, body = _call(assets.AssetDelivery(_static_app(big[:100_000])))
    assert answer["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == big[:100_000]
