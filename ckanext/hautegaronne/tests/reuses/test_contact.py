"""Contact forms: to the open-data team and to a dataset's publisher, sent through
CKAN's SMTP settings to a real SMTP server on loopback; addresses stay hidden."""
from __future__ import annotations

import html

import pytest

import ckan.plugins.toolkit as tk

from ckanext.hautegaronne.reuses import guard

VISITOR = "camille@example.net"


def message(**overrides) -> dict:
    form = {"name": "Camille", "email": VISITOR, "subject": "Données des collèges",
            "message": "Bonjour, les effectifs 2025 seront-ils publiés ?",
            guard.STARTED_FIELD: guard.started_token()}
    form.update(overrides)
    return form


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_the_open_data_team_receives_the_message(app, portal, inbox):
    page = app.get("/contact").body
    assert "Contacter l'équipe open data" in page
    response = app.post("/contact", data=message(), follow_redirects=False)
    assert response.status_code == 302
    [received] = inbox.to("equipe@example.org")
    assert "Données des collèges" in received["Subject"]
    assert received["Reply-To"] == VISITOR
    assert "les effectifs 2025" in received.get_content()


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_dataset_publisher_is_reached_without_showing_its_address(app, portal, inbox):
    from ckanext.hautegaronne.tests.browser import data
    tk.get_action("organization_patch")(
        dict(data.site_context(), ignore_auth=True), {"id": portal["commune"]["id"], "contact_email": "opendata@mairie.example"})
    url = f"/dataset/{portal['dataset']['name']}/contact"
    page = app.get(url).body
    assert "Contacter le producteur" in page
    assert "opendata@mairie.example" not in page
    assert app.post(url, data=message(), follow_redirects=False).status_code == 302
    [received] = inbox.to("opendata@mairie.example")
    assert portal["dataset"]["title"] in received["Subject"]
    assert inbox.to("equipe@example.org") == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_publisher_without_contact_is_reached_through_its_admins(app, portal, inbox):
    from ckanext.hautegaronne.tests.browser import data
    admin = data.user(email="maire@commune.example")
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": portal["commune"]["id"], "username": admin["name"], "role": "admin"})
    app.post(f"/dataset/{portal['dataset']['name']}/contact", data=message())
    assert len(inbox.to("maire@commune.example")) == 1


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_bad_input_and_bots_send_nothing(app, portal, inbox):
    response = app.post("/contact", data=message(email="pas-une-adresse", message=""))
    assert response.status_code == 400
    assert "Indiquez une adresse électronique valide" in response.body
    assert "Écrivez votre message" in response.body
    assert app.post("/contact", data=message(site_web="x")).status_code == 400
    assert inbox.messages == []


def _form_count(redis) -> int:
    return sum(int(redis.get(key) or 0) for key in redis.scan_iter("hautegaronne:*:form:contact:*"))


@pytest.fixture
def default_install(ckan_config, monkeypatch, inbox):
    """The settings a default install has: no sender (smtp.mail_from), no team address."""
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "")
    monkeypatch.setitem(ckan_config, "ckanext.hautegaronne.contact_email", "")
    return inbox


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_message_that_cannot_be_sent_is_a_french_503_and_is_not_counted(
        app, portal, default_install, form_counters):
    # no team address, no sender: the visitor is told, nothing is counted against them
    response = app.post("/contact", data=message(), follow_redirects=False)
    assert response.status_code == 503
    assert "Votre message n'a pas pu être envoyé" in html.unescape(response.body)
    assert "les effectifs 2025" in response.body  # what they wrote is kept
    assert _form_count(form_counters) == 0
    # a publisher reachable through its contact address, but no sender configured
    from ckanext.hautegaronne.tests.browser import data
    tk.get_action("organization_patch")(
        dict(data.site_context(), ignore_auth=True),
        {"id": portal["commune"]["id"], "contact_email": "opendata@mairie.example"})
    response = app.post(f"/dataset/{portal['dataset']['name']}/contact", data=message(),
                        follow_redirects=False)
    assert response.status_code == 503
    assert "Votre message n'a pas pu être envoyé" in html.unescape(response.body)
    assert _form_count(form_counters) == 0
    assert default_install.messages == []


def test_every_mailer_failure_is_a_mail_error(ckan_config, monkeypatch, inbox):
    from ckanext.hautegaronne.reuses import mail
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "")
    with pytest.raises(mail.MailError):
        mail.send("quelqu.un@example.org", "Objet", "Texte")
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "portail@example.org")
    with pytest.raises(mail.MailError):
        mail.send("", "Objet", "Texte")
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:9")  # nothing listens
    with pytest.raises(mail.MailError):
        mail.send("quelqu.un@example.org", "Objet", "Texte")


def test_the_contact_link_is_shown_only_for_a_reachable_publisher(app, portal):
    from ckanext.hautegaronne.tests.browser import data
    dataset_url = f"/dataset/{portal['dataset']['name']}"
    contact_url = f"{dataset_url}/contact"
    # the commune has an editor but no contact e-mail and no admin: its form is a 404
    assert app.get(contact_url, status=404)
    assert contact_url not in app.get(dataset_url).body
    admin = data.user(email="maire@commune.example")
    tk.get_action("organization_member_create")(
        dict(data.site_context(), ignore_auth=True),
        {"id": portal["commune"]["id"], "username": admin["name"], "role": "admin"})
    assert contact_url in app.get(dataset_url).body
    assert app.get(contact_url).status_code == 200
