"""Proposing a reuse through the public form, and its moderation by the
département's editors, against the real database, Solr, Redis and an SMTP server."""
from __future__ import annotations

import html

import json
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.reuses import guard
from ckanext.hautegaronne.reuses.model import ReuseProposal

from .conftest import token

PROPOSER = "lea.martin@example.net"


def proposal_form(dataset: dict, **overrides) -> dict:
    form = {"title": "Carte du trafic à Toulouse", "reuse_type": "visualization",
            "description": "Une carte interactive des comptages routiers.",
            "url": "https://carte-trafic.example.net/", "author": "Association Données 31",
            "image_url": "", "datasets": f"https://portail.example/dataset/{dataset['name']}",
            "proposer_email": PROPOSER, guard.STARTED_FIELD: guard.started_token()}
    form.update(overrides)
    return form


def propose(app, dataset, **overrides):
    return app.post("/reutilisations/proposer", data=proposal_form(dataset, **overrides),
                    follow_redirects=False)


def pending_proposals() -> list[ReuseProposal]:
    return ReuseProposal.pending()


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_proposal_waits_unseen_until_moderated(app, portal):
    response = propose(app, portal["dataset"])
    assert response.status_code == 302
    [proposal] = pending_proposals()
    assert proposal.datasets == [portal["dataset"]["name"]]
    assert proposal.proposer_email == PROPOSER

    # nowhere public: the list, the dataset page, the API
    assert "Carte du trafic" not in app.get("/reutilisations").body
    assert "Carte du trafic" not in app.get(f"/dataset/{portal['dataset']['name']}").body
    assert tk.get_action("group_list")({}, {"type": "reutilisation"}) == []
    anonymous = app.get("/api/3/action/hautegaronne_reuse_proposal_list", status=403)
    assert PROPOSER not in anonymous.body
    editor = app.get("/api/3/action/hautegaronne_reuse_proposal_list",
                     headers=token(portal["commune_editor"]), status=403)
    assert PROPOSER not in editor.body
    assert app.get("/reutilisations/moderation", status=403)


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_bad_input_is_refused_in_french_and_nothing_is_saved(app, portal):
    response = propose(app, portal["dataset"], title="", url="javascript:alert(1)",
                       proposer_email="pas-une-adresse", datasets="jeu-inexistant")
    assert response.status_code == 400
    body = response.body
    assert "Indiquez le titre de la réutilisation" in body
    assert "Indiquez une adresse web commençant par http:// ou https://" in body
    assert "Indiquez une adresse électronique valide" in body
    assert "Ces jeux de données ne sont pas sur le portail : jeu-inexistant" in body
    assert pending_proposals() == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_private_dataset_cannot_be_named(app, portal):
    from ckanext.hautegaronne.tests.browser import data
    private = data.published_dataset(portal["commune"], name="budget-interne", private=True)
    response = propose(app, portal["dataset"], datasets=private["name"])
    assert response.status_code == 400
    assert pending_proposals() == []


def test_spam_guards_refuse_bots(app, portal):
    # sent as soon as served (the default minimum fill time is 3 s)
    too_fast = propose(app, portal["dataset"])
    assert too_fast.status_code == 400
    assert "Ce formulaire a été envoyé trop vite" in too_fast.body
    # a forged or missing start time
    forged = propose(app, portal["dataset"], **{guard.STARTED_FIELD: "1700000000"})
    assert forged.status_code == 400
    assert "Ce formulaire a expiré" in forged.body
    assert pending_proposals() == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_the_honeypot_refuses_bots(app, portal):
    response = propose(app, portal["dataset"], **{guard.HONEYPOT_FIELD: "https://spam.example"})
    assert response.status_code == 400
    assert pending_proposals() == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
@pytest.mark.ckan_config("ckanext.hautegaronne.forms.max_per_hour", "2")
def test_proposals_are_rate_limited_per_address(app, portal, form_counters):
    for n in range(2):
        assert propose(app, portal["dataset"], title=f"Réutilisation {n}").status_code == 302
    refused = propose(app, portal["dataset"], title="Encore une")
    assert refused.status_code == 429
    assert "Trop de messages envoyés depuis votre connexion" in refused.body
    assert int(refused.headers["Retry-After"]) > 0
    assert len(pending_proposals()) == 2
    # another address is not blocked
    other = app.post("/reutilisations/proposer", data=proposal_form(portal["dataset"]),
                     environ_base={"REMOTE_ADDR": "198.51.100.7"}, follow_redirects=False)
    assert other.status_code == 302


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_the_departement_publishes_a_proposal(app, portal, inbox):
    propose(app, portal["dataset"], image_url="https://carte-trafic.example.net/apercu.png")
    [proposal] = pending_proposals()
    moderator = token(portal["moderator"])

    listed = app.get("/api/3/action/hautegaronne_reuse_proposal_list", headers=moderator).json
    assert [p["proposer_email"] for p in listed["result"]] == [PROPOSER]
    page = app.get("/reutilisations/moderation", headers=moderator)
    assert "Carte du trafic à Toulouse" in page.body

    response = app.post(f"/reutilisations/moderation/{proposal.id}", data={"decision": "publish"},
                        headers=moderator, follow_redirects=False)
    assert response.status_code == 302
    [reuse] = tk.get_action("group_list")({}, {"type": "reutilisation", "all_fields": True})
    shown = tk.get_action("group_show")({}, {"id": reuse["name"], "include_datasets": True})
    assert shown["url"] == "https://carte-trafic.example.net/"
    assert shown["reuse_type"] == "visualization"
    assert shown["image_url"] == "https://carte-trafic.example.net/apercu.png"
    assert [p["name"] for p in shown["packages"]] == [portal["dataset"]["name"]]
    api = app.get(f"/api/3/action/group_show?id={reuse['name']}").body
    assert PROPOSER not in api
    assert PROPOSER not in app.get(f"/api/3/action/group_activity_list?id={reuse['name']}").body

    # the reuse page, its schema.org CreativeWork, the dataset page, the public list
    page = app.get(f"/reutilisations/{reuse['name']}").body
    assert PROPOSER not in page
    json_ld = json.loads(re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert json_ld["@type"] == "CreativeWork"
    assert json_ld["url"] == "https://carte-trafic.example.net/"
    assert json_ld["isBasedOn"][0]["name"] == portal["dataset"]["title"]
    assert "Carte du trafic à Toulouse" in app.get(f"/dataset/{portal['dataset']['name']}").body
    assert "Carte du trafic à Toulouse" in app.get("/reutilisations").body

    # the proposer is told, by e-mail
    [told] = inbox.to(PROPOSER)
    assert "est publiée" in told.get_content()
    # a proposal is moderated once
    again = tk.get_action("hautegaronne_reuse_proposal_list")(
        {"user": portal["moderator"]["name"]}, {})
    assert again == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_declining_needs_a_reason_told_to_the_proposer(app, portal, inbox):
    propose(app, portal["dataset"])
    [proposal] = pending_proposals()
    moderator = token(portal["moderator"])
    app.post(f"/reutilisations/moderation/{proposal.id}", data={"decision": "decline"},
             headers=moderator)
    assert len(pending_proposals()) == 1

    app.post(f"/reutilisations/moderation/{proposal.id}",
             data={"decision": "decline", "reason": "Le lien ne fonctionne pas."},
             headers=moderator)
    assert pending_proposals() == []
    assert tk.get_action("group_list")({}, {"type": "reutilisation"}) == []
    [told] = inbox.to(PROPOSER)
    assert "Le lien ne fonctionne pas." in told.get_content()


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_only_the_departement_editors_moderate(app, portal):
    propose(app, portal["dataset"])
    [proposal] = pending_proposals()
    bound_sysadmin = factories.Sysadmin()
    for user in (portal["commune_editor"], bound_sysadmin):
        app.post(f"/reutilisations/moderation/{proposal.id}", data={"decision": "publish"},
                 headers=token(user), status=403)
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("hautegaronne_reuse_proposal_publish")(
                {"user": user["name"]}, {"id": proposal.id})
    assert len(pending_proposals()) == 1


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
@pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")
def test_a_sysadmin_with_the_override_moderates(app, portal):
    propose(app, portal["dataset"])
    [proposal] = pending_proposals()
    tk.get_action("hautegaronne_reuse_proposal_publish")(
        {"user": factories.Sysadmin()["name"]}, {"id": proposal.id})
    assert pending_proposals() == []


def test_nobody_creates_a_reuse_without_moderation(app, portal):
    """CKAN lets any signed-in user create a group: not a reuse, which would skip moderation."""
    for user in (portal["commune_editor"], factories.Sysadmin()):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("group_create")({"user": user["name"]}, {
                "type": "reutilisation", "name": "sans-moderation", "title": "Sans modération",
                "description": "d", "url": "https://example.net/", "reuse_type": "idea",
                "author": "A", "reuse_date": "2026-12-01"})
    assert tk.get_action("group_list")({}, {"type": "reutilisation"}) == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_reuse_titled_like_a_page_gets_its_own_address(app, portal):
    propose(app, portal["dataset"], title="Proposer")
    [proposal] = pending_proposals()
    reuse = tk.get_action("hautegaronne_reuse_proposal_publish")(
        {"user": portal["moderator"]["name"]}, {"id": proposal.id})
    assert reuse["name"] == "reutilisation-proposer"
    assert "Proposer" in app.get("/reutilisations/reutilisation-proposer").body


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_the_moderator_is_not_told_the_proposer_knows_when_the_mail_failed(
        app, portal, inbox, ckan_config, monkeypatch):
    propose(app, portal["dataset"])
    [proposal] = pending_proposals()
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "")  # a default install: no sender
    response = app.post(f"/reutilisations/moderation/{proposal.id}",
                        data={"decision": "decline", "reason": "Hors sujet."},
                        headers=token(portal["moderator"]))
    page = html.unescape(response.body)
    assert pending_proposals() == []  # the decision is kept
    assert "son auteur en reçoit le motif" not in page
    assert "n'a pas pu être prévenu" in page
    assert inbox.messages == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
@pytest.mark.parametrize("image_url", [
    "http://127.0.0.1:18777/secret.csv", "https://127.0.0.1/logo.png", "https://localhost/a.png",
    "https://10.0.0.3/a.png", "http://images.example.org/carte.png",
    "https://[::1]/a.png"])
def test_the_image_must_be_a_public_https_address(app, portal, image_url):
    response = propose(app, portal["dataset"], image_url=image_url)
    assert response.status_code == 400
    assert "Donnez l&#39;adresse https:// publique d&#39;une image" in response.body \
        or "Donnez l'adresse https:// publique d'une image" in html.unescape(response.body)
    assert pending_proposals() == []


@pytest.mark.ckan_config("ckanext.hautegaronne.forms.min_fill_seconds", "0")
def test_a_public_https_image_is_accepted(app, portal):
    assert propose(app, portal["dataset"],
                   image_url="https://images.example.org/carte.png").status_code == 302
    [proposal] = pending_proposals()
    assert proposal.image_url == "https://images.example.org/carte.png"
