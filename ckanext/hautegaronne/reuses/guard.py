"""Guards of the public forms (reuse proposals, contact): a honeypot field, a
minimum fill time carried by a signed timestamp, and a per-address rate limit
counted in Redis. No third-party service is involved.

CSRF is the portal's own (security/csrf.py): the forms carry h.csrf_input()."""
from __future__ import annotations

import logging
import math
import time

from itsdangerous import BadSignature, URLSafeTimedSerializer
from flask import request

import ckan.plugins.toolkit as tk
from ckan.lib import redis as ckan_redis

log = logging.getLogger(__name__)

HONEYPOT_FIELD = "site_web"  # a field humans never see; bots fill every input
STARTED_FIELD = "form_started"
_SALT = "hautegaronne-public-form"
_MAX_AGE = 24 * 3600


class Refused(Exception):
    """A submission refused by a guard: `message` is for the visitor, `status`
    for the response, `retry_after` in seconds (rate limit only)."""

    def __init__(self, message: str, status: int = 400, retry_after: int = 0):
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(tk.config.get("SECRET_KEY"), salt=_SALT)


def started_token() -> str:
    """The value of the form's hidden STARTED_FIELD, signed so that a bot
    cannot backdate it."""
    return _serializer().dumps(time.time())


def check(form_name: str, form) -> None:
    """Raise Refused unless this submission of `form_name` passes every guard.
    The rate limit counts accepted-looking submissions only, so a visitor who
    corrects a mistake is not locked out by the guards themselves."""
    if form.get(HONEYPOT_FIELD):
        raise Refused(tk._("Your message could not be accepted."))
    try:
        started = float(_serializer().loads(form.get(STARTED_FIELD, ""), max_age=_MAX_AGE))
    except (BadSignature, TypeError, ValueError):
        raise Refused(tk._("This form has expired. Reload the page and send it again."))
    minimum = tk.config.get("ckanext.hautegaronne.forms.min_fill_seconds")
    if time.time() - started < minimum:
        raise Refused(tk._("This form was sent too quickly. Check it and send it again."))
    _count(form_name)


def _key(form_name: str) -> str:
    return (f"hautegaronne:{tk.config.get('ckan.site_id')}:form:{form_name}:"
            f"{request.remote_addr or 'unknown'}")


def release(form_name: str) -> None:
    """Take back the count of a submission that could not be delivered (e.g. no mail
    server): the visitor is not held to a message that never left."""
    try:
        redis = ckan_redis.connect_to_redis()
        if int(redis.decr(_key(form_name))) <= 0:
            redis.delete(_key(form_name))
    except Exception:  # noqa: BLE001 - Redis down: nothing was counted either
        log.exception("Form rate limit: could not release a submission of %s", form_name)


def _count(form_name: str) -> None:
    limit = tk.config.get("ckanext.hautegaronne.forms.max_per_hour")
    key = _key(form_name)
    try:
        redis = ckan_redis.connect_to_redis()
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 3600, nx=True)
        count, _ = pipe.execute()
        if int(count) > limit:
            wait = max(redis.ttl(key), 1)
            raise Refused(tk.ungettext(
                "Too many messages sent from your connection. Try again in %(num)d minute.",
                "Too many messages sent from your connection. Try again in %(num)d minutes.",
                math.ceil(wait / 60)), status=429, retry_after=wait)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - Redis down: the form stays usable
        log.exception("Form rate limit: could not count a submission of %s", form_name)
