"""Every per-request hook is installed by middleware.py, once, in the order it states; no
module installs one as a side effect of being imported."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ckanext.hautegaronne import middleware
from ckanext.hautegaronne.operations import views as database_outage

PACKAGE = Path(middleware.__file__).parent
# Flask's and SQLAlchemy's ways of installing a hook (called or used as decorators).
HOOK_NAMES = {"before_app_request", "after_app_request", "app_errorhandler", "before_request",
              "after_request", "register_error_handler", "errorhandler", "teardown_request",
              "teardown_app_request", "listens_for", "listen"}


def _ours(functions) -> list:
    return [f for f in functions if f.__module__.startswith("ckanext.hautegaronne.")]


def test_hooks_run_in_the_stated_order(app):
    flask_app = app.flask_app
    before = flask_app.before_request_funcs[None]
    assert _ours(before) == middleware.before_request_hooks()
    # Flask runs the after-request functions last registered first.
    ran = _ours(reversed(flask_app.after_request_funcs[None]))
    assert [f.__qualname__ for f in ran] == [
        f.__qualname__ for f in middleware.after_request_hooks()]
    assert ran[-1].__module__.endswith("security.headers"), "security headers come last"
    # All of them before CKAN's own after-request hook (registered first, runs last).
    assert flask_app.after_request_funcs[None][0].__name__ == "ckan_after_request"


def test_error_handlers_are_installed(app):
    handlers = app.flask_app.error_handler_spec[None][None]
    for error, handler in middleware.error_handlers():
        assert handlers[error] is handler, error


class _CountingFlags:
    """Stands for flask.g in the listener: counts the flags it sets."""

    def __init__(self):
        object.__setattr__(self, "count", 0)

    def __setattr__(self, name, value):
        object.__setattr__(self, "count", self.count + 1)


def test_the_database_listener_is_installed_once(app, monkeypatch):
    middleware.listen_to_the_database()  # as a second application's start-up would
    flags = _CountingFlags()
    monkeypatch.setattr(database_outage, "g", flags)
    engine = sqlalchemy.create_engine("sqlite://")
    with app.flask_app.test_request_context(), engine.connect() as connection:
        with pytest.raises(sqlalchemy.exc.OperationalError):
            connection.execute(sqlalchemy.text("SELECT * FROM missing_table"))
    assert event.contains(Engine, "handle_error", database_outage.note_database_failure)
    assert flags.count == 1


def test_no_other_module_installs_a_hook():
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "tests" or relative == Path("middleware.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.attr if isinstance(node, ast.Attribute)
                    else node.id if isinstance(node, ast.Name) else None)
            if name in HOOK_NAMES:
                found.append(f"{relative}:{node.lineno}: {name}")
    assert found == []
