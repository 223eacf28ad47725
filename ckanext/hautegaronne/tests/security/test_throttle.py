"""Login throttling against the real Redis: after too many failures an
account (or a client address) is refused, even with the right password, with
a French message; a success clears the account's failures."""
from __future__ import annotations

import pytest

from ckan.lib import redis as ckan_redis

from ckanext.hautegaronne.tests.browser import data

from .helpers import log_in

BLOCKED = "Trop de tentatives de connexion échouées"


@pytest.fixture
def throttle(clean_db):
    """Counters of this site only, emptied before and after the test."""
    redis = ckan_redis.connect_to_redis()

    def clear():
        for key in redis.scan_iter("hautegaronne:*:login-failures:*"):
            redis.delete(key)
    clear()
    yield redis
    clear()


def _attempt(app, user, password, ip="198.51.100.1"):
    return log_in(app, {"name": user}, password) if ip is None else \
        app.post("/user/login", data={"login": user, "password": password},
                 environ_base={"REMOTE_ADDR": ip}, follow_redirects=False)


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(app, throttle):
    user = data.user()
    for _ in range(5):
        response = _attempt(app, user["name"], "wrong password")
        assert response.status_code == 200  # CKAN's "login failed" page
        assert BLOCKED not in response.get_data(as_text=True)
    refused = _attempt(app, user["name"], data.PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert BLOCKED in page and "Réessayez dans 15 minutes" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # the e-mail address names the same account
    assert _attempt(app, user["email"], data.PASSWORD).status_code == 429
    # from another address too: the account is what is protected
    assert _attempt(app, user["name"], data.PASSWORD, ip="198.51.100.2").status_code == 429
    # other accounts are not affected
    other = data.user()
    assert _attempt(app, other["name"], data.PASSWORD).status_code == 302
    app.get("/user/_logout")
    # the window ends: the counter's key expires
    keys = list(throttle.scan_iter("hautegaronne:*:login-failures:user:" + user["name"]))
    assert len(keys) == 1 and 0 < throttle.ttl(keys[0]) <= 15 * 60
    throttle.delete(keys[0])
    assert _attempt(app, user["name"], data.PASSWORD, ip="198.51.100.3").status_code == 302


def test_a_successful_login_clears_the_account_failures(app, throttle):
    user = data.user()
    for _ in range(4):
        _attempt(app, user["name"], "wrong password")
    assert _attempt(app, user["name"], data.PASSWORD).status_code == 302
    app.get("/user/_logout")
    # five new failures are needed again
    for _ in range(4):
        assert _attempt(app, user["name"], "wrong password").status_code == 200
    assert _attempt(app, user["name"], data.PASSWORD).status_code == 302


def test_an_address_guessing_many_accounts_is_locked(app, throttle):
    users = [data.user() for _ in range(5)]
    for user in users:
        for _ in range(4):  # under each account's limit
            _attempt(app, user["name"], "wrong password", ip="203.0.113.9")
    # 20 failures from one address: even a right password from it is refused
    assert _attempt(app, users[0]["name"], data.PASSWORD, ip="203.0.113.9").status_code == 429
    # the same account from elsewhere is not
    assert _attempt(app, users[0]["name"], data.PASSWORD, ip="203.0.113.10").status_code == 302


@pytest.mark.ckan_config("ckanext.hautegaronne.login_throttle.max_failures", "2")
@pytest.mark.ckan_config("ckanext.hautegaronne.trusted_proxies", "1")
def test_limits_are_configurable_and_the_client_address_comes_from_the_proxy(app, throttle):
    user = data.user()
    for _ in range(2):
        app.post("/user/login", data={"login": user["name"], "password": "nope"},
                 headers={"X-Forwarded-For": "192.0.2.44"}, follow_redirects=False)
    assert list(throttle.scan_iter("hautegaronne:*:login-failures:ip:192.0.2.44"))
    assert _attempt(app, user["name"], data.PASSWORD).status_code == 429
