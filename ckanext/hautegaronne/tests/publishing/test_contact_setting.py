"""The editorial pages' contact address comes from the configuration, which `make up`
writes from CONTACT_EMAIL and tells how to set."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def _configure():
    spec = importlib.util.spec_from_file_location("hg_configure", ROOT / "scripts" / "configure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_contact_address_comes_from_contact_email(monkeypatch):
    configure = _configure()
    monkeypatch.setenv("CONTACT_EMAIL", "opendata@haute-garonne.fr")
    assert configure.contact_email() == "opendata@haute-garonne.fr"
    monkeypatch.delenv("CONTACT_EMAIL")
    assert configure.contact_email() == "opendata@example.invalid"
    template = (ROOT / "config" / "ckan.ini.in").read_text(encoding="utf-8")
    assert "ckanext.hautegaronne.contact_email = ${CONTACT_EMAIL}" in template
    assert "CONTACT_EMAIL=" in (ROOT / "scripts" / "up.sh").read_text(encoding="utf-8")


@pytest.mark.ckan_config("ckanext.hautegaronne.contact_email", "opendata@haute-garonne.fr")
def test_editorial_pages_show_the_configured_address(app):
    for url in ("/mentions-legales", "/accessibilite", "/donnees-personnelles"):
        html = app.get(url).get_data(as_text=True)
        assert "mailto:opendata@haute-garonne.fr" in html, url
        assert "example.invalid" not in html, url
