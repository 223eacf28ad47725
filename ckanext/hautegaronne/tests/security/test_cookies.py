"""Cookies over HTTPS: Secure, HttpOnly and SameSite on the session cookie
(which also carries the CSRF token) and the remember-me cookie, whether the
portal is reached directly over HTTPS or behind a reverse proxy that
terminates TLS and says so with X-Forwarded-Proto."""
from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from ckanext.hautegaronne.tests.browser import data

from .helpers import csrf_token


def _cookies(response) -> dict[str, str]:
    """Set-Cookie headers of a response, by cookie name."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookies[next(iter(SimpleCookie(header)))] = header
    return cookies


def _attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def _log_in(app, user, **request):
    page = app.get("/user/login", **request)
    return app.post("/user/login", data={
        "login": user["name"], "password": data.PASSWORD, "remember": "63072000",
        "_csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=False, **request)


def _assert_flags(response, secure: bool):
    cookies = _cookies(response)
    # the session (new after login) and Flask-Login's remember-me cookie
    assert {"ckan", "remember_token"} <= set(cookies), cookies
    for name, header in cookies.items():
        attributes = _attributes(header)
        assert ("secure" in attributes) is secure, header
        assert "httponly" in attributes, header
        assert "samesite=lax" in attributes, header


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")
def test_cookies_are_secure_when_the_portal_is_reached_over_https(app, clean_db):
    user = data.user()
    # over HTTPS, Flask-WTF also checks that the form came from the portal
    response = _log_in(app, user, base_url="https://test.ckan.net",
                       headers={"Referer": "https://test.ckan.net/user/login"})
    assert response.status_code == 302
    _assert_flags(response, secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.ckan_config("ckanext.hautegaronne.trusted_proxies", "1")
@pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")
def test_cookies_are_secure_behind_a_tls_proxy(app, clean_db):
    """nginx terminates TLS and forwards plain HTTP with X-Forwarded-Proto."""
    user = data.user()
    response = _log_in(app, user, headers={"X-Forwarded-Proto": "https",
                                           "X-Forwarded-For": "203.0.113.7",
                                           "Referer": "https://test.ckan.net/user/login"})
    assert response.status_code == 302
    _assert_flags(response, secure=True)
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")
def test_forwarded_headers_are_ignored_without_a_trusted_proxy(app, clean_db):
    """Reached directly (trusted_proxies = 0), a client cannot claim HTTPS;
    over plain HTTP the cookies stay usable (no Secure) but keep HttpOnly and
    SameSite."""
    user = data.user()
    response = _log_in(app, user, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    _assert_flags(response, secure=False)
    assert "Strict-Transport-Security" not in response.headers
