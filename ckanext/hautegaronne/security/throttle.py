"""Login throttling: failed logins are counted in Redis per account and per
client address over a window; past the limit, further attempts are refused
with a French message, even with the right password, until the window ends.

- failures are counted from CKAN's `failed_login` signal (sent by its
  authenticator with the login as typed), per account (a user name and its
  e-mail address count as one account; an unknown login counts on its own)
  and per client IP (request.remote_addr: behind a reverse proxy, set
  ckanext.hautegaronne.trusted_proxies so that it is the client's address);
- a successful login (`user_logged_in`) clears the account's counter, not the
  address's: an attacker holding one valid account cannot reset the counter of
  the address from which they guess other passwords;
- the check runs before CKAN verifies the password (IAuthenticator.login), so
  a refused attempt costs no password hash and is not counted again;
- the window starts at the first failure (the key expires then); if Redis is
  unreachable, logins are not throttled (logged), the portal stays usable.
"""
from __future__ import annotations

import logging
import math

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import redis as ckan_redis
from flask import Response, make_response, request

log = logging.getLogger(__name__)


def _settings() -> tuple[int, int, int]:
    return (tk.config.get("ckanext.hautegaronne.login_throttle.max_failures"),
            tk.config.get("ckanext.hautegaronne.login_throttle.max_failures_per_ip"),
            tk.config.get("ckanext.hautegaronne.login_throttle.window_minutes") * 60)


def _prefix() -> str:
    return f"hautegaronne:{tk.config.get('ckan.site_id')}:login-failures"


def account_key(login: str | None) -> str:
    """The account a login names: the user's name for a user name or e-mail
    address, the login itself (lower case) otherwise."""
    login = (login or "").strip()
    user = model.User.by_name(login) or (model.User.by_email(login) if "@" in login else None)
    return f"{_prefix()}:user:{user.name if user else login.lower()}"


def address_key(ip: str | None = None) -> str:
    return f"{_prefix()}:ip:{ip or request.remote_addr or 'unknown'}"


def record_failure(sender, **kwargs) -> None:
    """`failed_login` listener (sender: the login as typed)."""
    limit, ip_limit, window = _settings()
    try:
        pipe = ckan_redis.connect_to_redis().pipeline()
        for key in (account_key(sender), address_key()):
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
        pipe.execute()
    except Exception:  # noqa: BLE001 - Redis down: do not break the login page
        log.exception("Login throttle: could not record a failed login")


def clear_account(sender, **kwargs) -> None:
    """`user_logged_in` listener: the account's failures are forgotten."""
    user = kwargs.get("user")
    if user is None or not getattr(user, "name", None):
        return
    try:
        ckan_redis.connect_to_redis().delete(f"{_prefix()}:user:{user.name}")
    except Exception:  # noqa: BLE001
        log.exception("Login throttle: could not clear the failures of %s", user.name)


def seconds_blocked(login: str | None, ip: str | None = None) -> int:
    """Seconds left before this login from this address may be tried again
    (0: it may be tried now)."""
    limit, ip_limit, _window = _settings()
    keys = [(account_key(login), limit), (address_key(ip), ip_limit)]
    try:
        redis = ckan_redis.connect_to_redis()
        counts = redis.mget([key for key, _ in keys])
        wait = 0
        for (key, max_failures), count in zip(keys, counts):
            if count is not None and int(count) >= max_failures:
                wait = max(wait, redis.ttl(key), 1)
        return wait
    except Exception:  # noqa: BLE001
        log.exception("Login throttle: could not read the failure counters")
        return 0


def guard_login() -> Response | None:
    """IAuthenticator.login: refuse a login form submitted while its account
    or address is blocked, before any password is checked."""
    if request.method != "POST":
        return None
    wait = seconds_blocked(request.form.get("login"))
    if not wait:
        return None
    minutes = max(1, math.ceil(wait / 60))
    # flask-babel formats %(num)d itself
    tk.h.flash_error(tk.ungettext(
        "Too many failed login attempts. Try again in %(num)d minute.",
        "Too many failed login attempts. Try again in %(num)d minutes.",
        minutes))
    response = make_response(tk.render("user/login.html", {}))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response
