"""What users see while a service is down.

- Solr down while a dataset is saved: the action raises ``dataset.search_outage_guard.SearchUnavailable`` (a
  validation error: the forms show its French message above the form and keep the input);
  the API answers 503 with ``Retry-After`` instead of 409, since the request itself was fine.
- PostgreSQL down or restarting: pages answer a French 503 page (self-contained: rendering
  the site's templates would query the database again) and the API a French 503 JSON error,
  instead of a 500. The next request gets a fresh connection (``sqlalchemy.pool_pre_ping``).
"""
from __future__ import annotations

import html
import json
import logging

import sqlalchemy.exc
from flask import Response, g, has_request_context, request

import ckan.plugins.toolkit as tk
from ckan import model

__all__ = ["note_database_failure", "database_unavailable", "DATABASE_ERRORS",
           "unavailable_answers"]

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"


def database_unavailable_message() -> str:
    return tk._("The portal's database is temporarily unavailable (maintenance or restart). "
                "Please try again in a few moments.")


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or "/api/" in path[:8]


def note_database_failure(context) -> None:
    """Flags the request whose database connection failed (a refused or lost connection),
    so that the API's generic 500 becomes a 503 (``unavailable_answers``). A failed
    pre-ping is not a failure: the pool reconnects."""
    if context.is_pre_ping or not has_request_context():
        return
    if context.is_disconnect or isinstance(context.sqlalchemy_exception,
                                           sqlalchemy.exc.OperationalError):
        g.hautegaronne_database_unavailable = True


def _unavailable_page() -> Response:
    site = html.escape(tk.config.get("ckan.site_title") or "")
    title = html.escape(tk._("Service temporarily unavailable"))
    retry = html.escape(tk._("Try again"))
    body = (f'<!DOCTYPE html>\n<html lang="{html.escape(_lang())}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title} - {site}</title></head>"
            f"<body><main><h1>{title}</h1><p>{html.escape(database_unavailable_message())}</p>"
            f'<p><a href="{html.escape(request.url)}">{retry}</a></p>'
            f"</main></body></html>\n")
    return Response(body, status=503, content_type="text/html; charset=utf-8",
                    headers={"Retry-After": RETRY_AFTER_SECONDS})


def _lang() -> str:
    try:
        return tk.h.lang() or "fr"
    except Exception:  # no locale resolved yet
        return "fr"


def _api_unavailable(message: str) -> Response:
    body = {"success": False, "error": {"__type": "Service Unavailable", "message": message}}
    return Response(json.dumps(body, ensure_ascii=False), status=503,
                    content_type="application/json;charset=utf-8",
                    headers={"Retry-After": RETRY_AFTER_SECONDS})


def _reset_session() -> None:
    """Ends the request's database session. When the connection died meanwhile (the server
    restarted after the page was built), the rollback that closing does fails: the
    connection is then discarded instead, so that the answer stands and CKAN's own
    ``Session.remove()`` (run after this hook) has nothing left to fail on."""
    try:
        model.Session.remove()
    except sqlalchemy.exc.DBAPIError as error:
        log.warning("database connection lost at the end of a request: %s", error)
        try:
            model.Session().invalidate()  # the same session: close() did not complete
        except sqlalchemy.exc.SQLAlchemyError:
            log.debug("invalidating the session failed", exc_info=True)
        model.Session.registry.clear()


# Connection errors (refused, cut, server starting or shutting down). Other database errors
# (bad data, a session left unusable by one) are bugs: they stay 500s.
# (These hooks are installed by middleware.py.)
DATABASE_ERRORS = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)


def database_unavailable(error: Exception):
    log.error("database unavailable: %s", error)
    _reset_session()
    if _is_api(request.path):
        return _api_unavailable(database_unavailable_message())
    return _unavailable_page()


def unavailable_answers(response: Response) -> Response:
    # Runs before CKAN's own after-request hook (registered earlier, run later).
    _reset_session()
    if not _is_api(request.path):
        return response
    if getattr(g, "hautegaronne_database_unavailable", False) and response.status_code == 500:
        # The API view turns every unexpected error into a generic 500.
        return _api_unavailable(database_unavailable_message())
    if getattr(g, "hautegaronne_search_unavailable", False) and response.status_code == 409:
        try:
            payload = json.loads(response.get_data(as_text=True))
            payload["error"]["__type"] = "Service Unavailable"
        except (ValueError, KeyError, TypeError):
            return response
        response.set_data(json.dumps(payload, ensure_ascii=False))
        response.status_code = 503
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response

