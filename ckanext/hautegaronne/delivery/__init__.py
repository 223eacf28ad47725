"""How the portal's static files travel: compressed, and cached by browsers as long as
their names allow (see assets.py). In production nginx serves the same files the same way
(docs/production.md); this layer makes the portal behave so wherever gunicorn answers
directly (`make up`, a server without the proxy's rules)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import assets


def install(app: Any) -> Any:
    """IMiddleware.make_middleware: wraps the Flask application's WSGI callable, outside
    CKAN's own response hooks (which would put back their caching headers)."""
    if not tk.config.get("ckanext.hautegaronne.compress_assets"):
        return app
    app.wsgi_app = assets.AssetDelivery(app.wsgi_app,
                                        webassets_url=tk.config.get("ckan.webassets.url"))
    return app
