"""Hardening: security headers, HTTPS detection and cookie flags, CSRF on
every cookie-authorised request, login throttling. The per-request hooks are installed
by middleware.py."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import throttle


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
