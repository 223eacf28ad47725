"""How the portal knows it is served over HTTPS, and what follows for cookies.

Behind a reverse proxy that terminates TLS (nginx), the application sees plain
HTTP from the proxy. With ckanext.hautegaronne.trusted_proxies = N (the number
of proxies in front of gunicorn, usually 1), the X-Forwarded-Proto and
X-Forwarded-For headers set by the last N proxies are trusted (werkzeug's
ProxyFix): the request's scheme becomes https and its remote address the
client's, which the login throttle counts. Left at 0 (the default, right for a
portal reached directly), those headers are ignored, so that a client cannot
forge its address or scheme.

Every cookie the portal sets on a response to an HTTPS request (CKAN's session
cookie, which holds the CSRF token, Flask-Login's remember-me cookie, and any
plugin's) is flagged Secure, whatever SESSION_COOKIE_SECURE and
REMEMBER_COOKIE_SECURE say; HttpOnly and SameSite=Lax come from the
configuration (SESSION_COOKIE_HTTPONLY, REMEMBER_COOKIE_HTTPONLY and
SESSION_COOKIE_SAMESITE default to them; REMEMBER_COOKIE_SAMESITE, whose CKAN
default writes 'SameSite=None', is made Lax by middleware.install unless set).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix


class SecureCookies:
    """WSGI middleware: add the Secure attribute to every Set-Cookie of a
    response to a request made over HTTPS (as seen after ProxyFix)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            flagged = []
            for name, value in headers:
                if name.lower() == "set-cookie" and not _has_secure(value):
                    value = value + "; Secure"
                flagged.append((name, value))
            return start_response(status, flagged, exc_info) if exc_info else \
                start_response(status, flagged)

        return self.app(environ, secure_start_response)


def _has_secure(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


def install(flask_app, trusted_proxies: int) -> None:
    """Wrap the Flask application's WSGI callable (ProxyFix outermost, so that
    SecureCookies sees the client's scheme)."""
    flask_app.wsgi_app = SecureCookies(flask_app.wsgi_app)
    if trusted_proxies > 0:
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=trusted_proxies,
                                      x_proto=trusted_proxies)
