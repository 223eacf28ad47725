"""Operating the portal: search-index recovery, backups and restores, outages."""
from __future__ import annotations

from typing import Any

from ckan.lib.search import SolrConnectionError

from . import index_guard, search_outage


def install(app: Any) -> Any:
    """Hooks on every request while search is down or its index incomplete (called from
    the plugin's make_middleware, with the other per-request hooks)."""
    app.before_request(index_guard.guard_feed)
    app.after_request(search_outage.answer)
    app.register_error_handler(search_outage.SearchEngineUnavailable,
                               search_outage.unavailable_page)
    app.register_error_handler(SolrConnectionError, search_outage.unavailable_page)
    return app
