"""E-mail and web addresses: one rule each, whatever the form (a publisher's contact and
website, a dataset's contact point and schema URL, harvested or typed), with one French
message per field."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

EMAIL_VALIDATORS = ["hautegaronne_publisher_email", "hautegaronne_email"]
URL_VALIDATORS = ["hautegaronne_publisher_url", "hautegaronne_url"]

pytestmark = [pytest.mark.usefixtures("with_plugins")]


@pytest.fixture
def french(app):
    """A web request in the portal's default language (French)."""
    with app.flask_app.test_request_context():
        yield


@pytest.mark.parametrize("name", EMAIL_VALIDATORS)
@pytest.mark.parametrize("value,stored", [
    ("opendata@mairie-roques.fr", "opendata@mairie-roques.fr"),
    ("  sig@sicoval.fr ", "sig@sicoval.fr"),
    ("mailto:mairie@roques.example.org", "mairie@roques.example.org"),  # as DCAT writes it
    ("MAILTO:Open.Data+31@Haute-Garonne.fr", "Open.Data+31@Haute-Garonne.fr"),
    ("o'brien@ville.fr", "o'brien@ville.fr"),
    ("contact@mairie-saint-andré.fr", "contact@mairie-saint-andré.fr"),
])
def test_email_accepted(name, value, stored):
    assert tk.get_validator(name)(value) == stored


@pytest.mark.parametrize("name", EMAIL_VALIDATORS)
@pytest.mark.parametrize("value", [
    "mairie@", "mairie roques@x.fr", "<a@b.fr>", "a@b", "mairie-at-roques", "a@@b.fr",
    "a@b.fr>", "\"x\"@b.fr", "a@-b.fr", "a@b-.fr", "a@b..fr", "a@b.f", "a@b.fr,c@d.fr",
    "mailto:", "x@" + "a" * 250 + ".fr", "javascript:alert(1)@x.fr",
])
def test_email_refused_in_french(french, name, value):
    with pytest.raises(tk.Invalid) as error:
        tk.get_validator(name)(value)
    assert "Adresse électronique invalide" in error.value.error
    assert "opendata@mairie-roques.fr" in error.value.error  # an example to follow


@pytest.mark.parametrize("name", URL_VALIDATORS)
@pytest.mark.parametrize("value", [
    "https://www.mairie-roques.fr", "http://www.mairie-roques.fr/",
    "https://schema.data.gouv.fr/etalab/schema-amenagements-cyclables/",
    "HTTPS://Data.Example.org:8443/a?b=c#d", "https://www.mairie-saint-andré.fr/l'eau.csv",
])
def test_url_accepted(name, value):
    assert tk.get_validator(name)(f" {value} ") == value


@pytest.mark.parametrize("name", URL_VALIDATORS)
@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "www.roques.fr", "ftp://x.fr", "https://x", "https://localhost/",
    "schema.data.gouv.fr/x", "https://.x.fr", "https://x.fr/<script>", "https://x .fr",
    "https://user:secret@x.fr/", "https://x.fr:99999999/", "http://10.0.0.1/", "https:///x.fr",
    'https://x.fr/"onmouseover="alert(1)',
])
def test_url_refused_in_french(french, name, value):
    with pytest.raises(tk.Invalid) as error:
        tk.get_validator(name)(value)
    assert "Adresse web invalide" in error.value.error
    assert "https://" in error.value.error


@pytest.mark.parametrize("name", EMAIL_VALIDATORS + URL_VALIDATORS)
def test_empty_is_left_to_the_schema(name):
    for value in ("", None, tk.missing):
        assert tk.get_validator(name)(value) is value
