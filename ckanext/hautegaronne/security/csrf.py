"""CSRF protection on every request that a browser's cookie can authorise.

CKAN 2.12 exempts a view from Flask-WTF's CSRF check when the request was not
authenticated by the session cookie (an API token, or an anonymous visitor):
ckan_before_request calls csrf.exempt() on the view, which Flask-WTF keeps in a
process-wide set. After one anonymous visit to a form's page (GET /dataset/new,
/user/edit...), that view stays exempt for every later request served by the
worker, logged-in users' POSTs included: a forged cross-site form would pass.

This hook runs after Flask-WTF's own check and validates the token again,
ignoring exemptions, unless:
- Flask-WTF already validated it for this request (g.csrf_valid);
- the user was authenticated by an API token (Authorization header), which a
  cross-site form cannot send;
- the request is an anonymous call of the action API (no ambient authority to
  abuse; anonymous API clients carry no token).
Forms of anonymous visitors (login, registration, password reset) keep their
token check: a forged login form would log the victim into another account.
"""
from __future__ import annotations

from flask import current_app, g, request

from ckan.common import current_user

# Page-view beacons (CKAN's tracking.js posts every page view to /_tracking without a
# token): a forged one only counts a view, as visiting the page does.
BEACON_VIEWS = ("ckanext.hautegaronne.theme.views.tracking",)
BEACON_ENDPOINTS = frozenset({"hautegaronne_pages.tracking"})


def exempt_beacons(app) -> None:
    """Flask-WTF's own check skips the beacons (logged-in visitors' views counted too)."""
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for view in BEACON_VIEWS:
            csrf.exempt(view)


def enforce_csrf() -> None:
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED") or not config.get("WTF_CSRF_CHECK_DEFAULT", True):
        return
    if request.method not in config["WTF_CSRF_METHODS"] or not request.endpoint:
        return
    if g.get("csrf_valid") or request.endpoint in BEACON_ENDPOINTS:
        return
    authenticated = current_user.is_authenticated
    if authenticated and g.get("login_via_auth_header"):
        return  # API token
    if not authenticated and request.blueprint == "api":
        return
    # raises CSRFError: CKAN's error handler answers 400
    current_app.extensions["csrf"].protect()
