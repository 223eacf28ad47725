"""Everything the portal does on every request, installed in one place and in this order
(``install``, the plugin's ``IMiddleware.make_middleware``; no module installs a hook when
it is imported, tests/test_middleware.py checks it).

1. The database listener: a request whose connection failed is flagged, so that its API
   answer becomes a 503 (operations/views.py). Once per process.
2. Before each request, in this order, each able to answer instead of the view:
   CKAN's generic pages of the reuse group type sent to the portal's own (reuses/views.py);
   CSRF on every cookie-authorised write (security/csrf.py); JSONP refused
   (security/jsonp.py); a DCAT feed refused while the search index is incomplete
   (operations/index_guard.py); an action API call with parameters core would fail on
   (logic/malformed_calls.py).
3. After each request, in this order (all before CKAN's own after-request hook):
   the search outage's answers (operations/search_outage.py); the database outage's API
   answers and the end of the request's session (operations/views.py); the DCAT answers'
   charset (dcat/views.py); the security headers, last, so that every answer gets them,
   the ones replaced above included (security/headers.py).
4. Error handlers: search engine down (503 page or feed message), database down (503),
   a catalogue query Solr cannot read (400), an action's refusal a view lets through (403),
   an API call whose structure CKAN's validation refuses with DataError (409).
5. Configuration of the Flask application: the tracking beacons exempt from Flask-WTF's
   check, the remember-me cookie SameSite=Lax.
6. WSGI wrappers, outermost last: Secure cookies over HTTPS, then the trusted proxies'
   headers (security/transport.py), then static files compressed and versioned assets
   cached for a year (delivery/), outside CKAN's response hooks, which would put back their
   caching headers.

Login throttling is not a per-request hook: CKAN calls it on logins (the plugin's
``IAuthenticator.login`` and ``ISignal``, security/throttle.py). The health endpoint
``/sante`` is a view (monitoring/views.py).
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import DataError
from ckan.lib.search import SolrConnectionError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import delivery
from .dcat import views as dcat_views
from .dcat.actions import CatalogQueryError
from .logic import malformed_calls
from .operations import index_guard, search_outage
from .operations import views as database_outage
from .publishers import views as publisher_views
from .reuses import views as reuse_views
from .security import csrf, headers, jsonp, transport


def before_request_hooks() -> list[Callable]:
    """In the order they run."""
    return [malformed_calls.check_request, reuse_views.generic_reuse_pages,
            csrf.enforce_csrf, jsonp.refuse_jsonp, index_guard.guard_feed,
            malformed_calls.check_api_call]


def after_request_hooks() -> list[Callable]:
    """In the order they run (Flask runs them last registered first)."""
    return [search_outage.answer, database_outage.unavailable_answers,
            dcat_views.declare_charset, headers.make_after_request()]


def error_handlers() -> list[tuple[type, Callable]]:
    return [
        (search_outage.SearchEngineUnavailable, search_outage.unavailable_page),
        (SolrConnectionError, search_outage.unavailable_page),
        *((error, database_outage.database_unavailable)
          for error in database_outage.DATABASE_ERRORS),
        (CatalogQueryError, dcat_views.malformed_catalog_query),
        (tk.NotAuthorized, publisher_views.refused),
        (DataError, malformed_calls.dictization_error),
    ]


def listen_to_the_database() -> None:
    if not event.contains(Engine, "handle_error", database_outage.note_database_failure):
        event.listen(Engine, "handle_error", database_outage.note_database_failure)


def install(app: Any) -> Any:
    """Installs the hooks above on CKAN's Flask application, in the order stated."""
    listen_to_the_database()
    for hook in before_request_hooks():
        app.before_request(hook)
    for hook in reversed(after_request_hooks()):
        app.after_request(hook)
    for error, handler in error_handlers():
        app.register_error_handler(error, handler)
    csrf.exempt_beacons(app)
    # CKAN declares REMEMBER_COOKIE_SAMESITE's default as the string "None", which
    # Flask-Login writes as SameSite=None: the remember-me cookie would go with cross-site
    # requests. Lax, like the session cookie, unless set.
    if app.config.get("REMEMBER_COOKIE_SAMESITE") in (None, "None"):
        app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    transport.install(app, tk.config.get("ckanext.hautegaronne.trusted_proxies"))
    delivery.install(app)
    return app
