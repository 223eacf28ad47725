"""Shared helpers of the security tests."""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data

PASSWORD = data.PASSWORD


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class InlineCode(HTMLParser):
    """Inline code of a page: <style> contents, on* handler attributes,
    <script> elements without src that a browser would execute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self.style_attributes: list[str] = []
        self._in: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(value or "")
            if name == "style":
                self.style_attributes.append(value or "")
        if tag == "style" or (tag == "script" and "src" not in attributes and
                              attributes.get("type", "text/javascript") in
                              ("text/javascript", "module", "application/javascript")):
            self._in, self._buffer = tag, []

    def handle_data(self, text):
        if self._in:
            self._buffer.append(text)

    def handle_endtag(self, tag):
        if self._in == tag:
            (self.styles if tag == "style" else self.scripts).append("".join(self._buffer))
            self._in = None


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy!r}")


def token_headers(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html) or \
        re.search(r'<meta name="_csrf_token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(app, user: dict, password: str = PASSWORD):
    """Log in through the login form (cookie session). Returns the response."""
    page = app.get("/user/login")
    return app.post("/user/login", data={"login": user["name"], "password": password,
                                          "_csrf_token": csrf_token(page.get_data(as_text=True))},
                    follow_redirects=False)
