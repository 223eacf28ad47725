"""Fixtures of the reuses tests: the département, a commune with a dataset, users,
and a real SMTP server on loopback (aiosmtpd) that CKAN's mailer sends to."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from ckan.lib import redis as ckan_redis
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(ckan_config, monkeypatch):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "portail@example.org")
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.contact_email", "equipe@example.org")
    yield handler
    controller.stop()


@pytest.fixture
def form_counters():
    """This site's form counters in Redis, emptied before and after the test."""
    redis = ckan_redis.connect_to_redis()

    def clear():
        for key in redis.scan_iter("hautegaronne:*:form:*"):
            redis.delete(key)
    clear()
    yield redis
    clear()


@pytest.fixture
def portal(clean_all, form_counters):
    """The département (with an editor), a commune with a public dataset and an editor."""
    departement = data.commune("31")
    commune = data.commune("31555")
    dataset = data.published_dataset(commune)
    return {"departement": departement, "moderator": data.editor_of(departement),
            "commune": commune, "commune_editor": data.editor_of(commune), "dataset": dataset}


def token(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}
