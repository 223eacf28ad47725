"""Hardening: security headers, HTTPS detection and cookie flags, CSRF on
every cookie-authorised request, login throttling, health endpoint."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import csrf, headers, jsonp, throttle, transport


def install(app: Any) -> Any:
    """IMiddleware.make_middleware: hooks on the Flask application."""
    app.after_request(headers.make_after_request())
    app.before_request(csrf.enforce_csrf)
    app.before_request(jsonp.refuse_jsonp)
    csrf.exempt_beacons(app)
    transport.install(app, tk.config.get("ckanext.hautegaronne.trusted_proxies"))
    # CKAN declares REMEMBER_COOKIE_SAMESITE's default as the string "None",
    # which Flask-Login writes as SameSite=None: the remember-me cookie would
    # go with cross-site requests. Lax, like the session cookie, unless set.
    if app.config.get("REMEMBER_COOKIE_SAMESITE") in (None, "None"):
        app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    return app


# Runtime-editable options (config_option_update, /ckan-admin/config) that only the
# configuration file may set: the site's address makes every feed IRI, every reset and
# invitation link; changed at runtime by a sysadmin, it would send publishers' feeds and
# users' reset keys to a host of its choosing.
FILE_ONLY_OPTIONS = ("ckan.site_url",)


def runtime_config_schema(schema: dict) -> dict:
    """IConfigurer.update_config_schema: CKAN's runtime-editable options less FILE_ONLY_OPTIONS."""
    for key in FILE_ONLY_OPTIONS:
        schema.pop(key, None)
    return schema


def signal_subscriptions() -> dict:
    return {
        tk.signals.failed_login: [throttle.record_failure],
        tk.signals.user_logged_in: [throttle.clear_account],
    }
