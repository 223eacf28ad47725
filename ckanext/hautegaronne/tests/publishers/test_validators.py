"""Bad input is refused with a French message per field, by the API and the form;
nothing is saved. Derived fields come from the reference data, never from the input."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.hautegaronne.publishers import onboarding
from ckanext.hautegaronne.publishers import validators as v

HOSTILE = 'Bonjour <script>alert("x")</script>'


class TestIdentifierValidators:
    def test_siren_accepts_spaces_and_checks_luhn(self):
        assert v.hautegaronne_siren("213 104 581") == "213104581"
        with pytest.raises(tk.Invalid):
            v.hautegaronne_siren("213104582")
        with pytest.raises(tk.Invalid):
            v.hautegaronne_siren("21310458")

    def test_insee_code_must_be_a_current_commune_of_the_31(self):
        assert v.hautegaronne_insee_commune("31458", {}) == "31458"
        for code in ("75056", "31999", "3145", "31016"):  # Paris, none, too short, former commune
            with pytest.raises(tk.Invalid):
                v.hautegaronne_insee_commune(code, {})

    @pytest.mark.parametrize("value", ["XX", "SIVU", "metropole"])
    def test_unknown_epci_nature(self, value):
        with pytest.raises(tk.Invalid):
            v.hautegaronne_epci_nature(value)

    # e-mail and web addresses: the portal's shared rule (tests/test_validation.py)

    @pytest.mark.parametrize("value", [
        HOSTILE, "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "a\x00b",
        "<!-- x -->", "</p>", "<?php echo 1; ?>", "<svg/onload=alert(1)>",
        "[x]( JavaScript:alert(1))", "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))", "[x](javascript&#58;alert(1))",
        "![logo](data:image/svg+xml;base64,PHN2Zz4=)", "[x](vbscript:msgbox(1))",
        "[x]: javascript:alert(1)", "voir data:text/html,<b>x</b>",
        "voir data:text/html;base64,PHNjcmlwdD4=", "javascript:alert(1)",
        '" onmouseover="alert(1)', "x onerror=alert(1)", "x onfocus='alert(1)'",
    ])
    def test_hostile_text(self, value):
        with pytest.raises(tk.Invalid):
            v.hautegaronne_safe_text(value)

    @pytest.mark.parametrize("text", [
        "**Roques** : 5 436 habitants < 10 000, voir [le site](https://www.mairie-roques.fr).",
        "open data : les données publiques de la commune",
        "Open data : les données ; data : voir plus bas",
        "Les données (data : tableaux, cartes) sont mises à jour chaque mois.",
        "Métadonnées : voir la fiche. Big data : non.",
        "Communes < 3 500 habitants et population > 10 000",
        "x < y et y > z",
        "« Ouverture des données » : c’est l’engagement de la mairie d’Aucamville.",
        "L’EPCI « Le Muretain Agglo » publie ses délibérations.",
        "Nous contacter : [écrire](mailto:opendata@mairie-roques.fr) ou [le site](/producteurs).",
        "Horaires : 8 h 30 – 12 h ; tél. : 05 61 00 00 00",
        "onze communes ; ils ont = 11 jeux de données",
        "Le javascript : un langage. Vbscript : obsolète.",
        "Le guide [Data](https://guides.etalab.gouv.fr/data/) explique la démarche.",
    ])
    def test_ordinary_french_passes(self, text):
        assert v.hautegaronne_safe_text(text) == text


def _publisher_names(publisher_type: str) -> list[str]:
    """The active publishers of one type (all are CKAN organizations)."""
    return [row["name"] for row in onboarding.publishers((publisher_type,))]


@pytest.mark.usefixtures("clean_db")
class TestApi:
    def _create(self, app, data):
        sysadmin = factories.SysadminWithToken()
        return app.post("/api/action/organization_create", json=data,
                        headers={"Authorization": sysadmin["token"]}, status=409).json

    def test_bad_commune_is_refused_field_by_field_in_french(self, app):
        error = self._create(app, {
            "type": "commune", "name": "roques-31458", "title": "Roques",
            "insee_code": "75056", "siret": "21310458100019",
            "contact_email": "mairie@", "website": "javascript:alert(1)", "description": HOSTILE,
        })["error"]
        assert error["__type"] == "Validation Error"
        assert "31" in error["insee_code"][0] and "Haute-Garonne" in error["insee_code"][0]
        assert "n'est pas valide" in error["siret"][0]
        assert "Adresse électronique invalide" in error["contact_email"][0]
        assert "https://" in error["website"][0]
        assert "HTML" in error["description"][0]
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("organization_show", id="roques-31458")

    def test_ordinary_french_description_is_saved(self, app):
        description = ("Open data : les données de Roques (commune < 10 000 habitants), "
                       "« ouvertes par défaut » ; c’est [notre démarche](https://www.mairie-roques.fr).")
        sysadmin = factories.SysadminWithToken()
        response = app.post("/api/action/organization_create", headers={
            "Authorization": sysadmin["token"]}, json={
            "type": "commune", "name": "roques-31458", "title": "Roques", "insee_code": "31458",
            "description": description}, status=200).json
        assert response["result"]["description"] == description

    def test_wrong_siren_checksum(self, app):
        error = self._create(app, {"type": "epci", "name": "sicoval", "title": "Sicoval",
                                   "siren": "243100634", "epci_nature": "CA"})["error"]
        assert error["siren"] == ["Ce numéro SIREN n'est pas valide : sa clé de contrôle est fausse. "
                                  "Recopiez-le depuis l'annuaire de l'INSEE."]
        assert _publisher_names("epci") == []

    def test_unknown_epci_nature(self, app):
        error = self._create(app, {"type": "epci", "name": "ccx", "title": "CC X",
                                   "siren": "200034957", "epci_nature": "XYZ"})["error"]
        assert "Nature d'intercommunalité inconnue" in error["epci_nature"][0]

    def test_derived_fields_are_read_from_the_reference_not_typed(self):
        org = helpers.call_action(
            "organization_create", context={"user": factories.Sysadmin()["name"]},
            type="commune", name="roques-31458", title="Roques", insee_code="31458",
            population="1", epci_siren="243100633", publisher_type="departement",
            adms_type="http://example.org/x")
        assert org["population"] == "5436"
        assert org["epci_siren"] == "200068641"  # Le Muretain Agglo, not the Sicoval
        assert org["siren"] == "213104581"
        assert org["publisher_type"] == "commune"
        assert org["adms_type"] == "http://purl.org/adms/publishertype/LocalAuthority"

    def test_epci_nature_filled_and_checked_against_the_reference(self, app):
        org = helpers.call_action("organization_create", context={"user": factories.Sysadmin()["name"]},
                                  type="epci", name="sicoval-243100633", title="CA du Sicoval",
                                  siren="243100633")
        assert org["epci_nature"] == "CA"
        error = self._create(app, {"type": "epci", "name": "tm", "title": "TM", "siren": "243100518",
                                   "epci_nature": "CC"})["error"]
        assert "METRO" in error["epci_nature"][0]

    def test_departement_is_a_regional_authority(self):
        org = helpers.call_action("organization_create", context={"user": factories.Sysadmin()["name"]},
                                  type="departement", name="departement-haute-garonne",
                                  title="Conseil départemental de la Haute-Garonne")
        assert org["adms_type"] == "http://purl.org/adms/publishertype/RegionalAuthority"
        assert (org["siren"], org["insee_code"], org["population"]) == ("223100017", "31", "1471468")

    # a bound sysadmin does not stay a member of the organisation it creates: the operator
    # creating and correcting publishers by hand has the override
    @pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")
    def test_update_with_bad_input_saves_nothing(self, app):
        sysadmin = factories.SysadminWithToken()
        helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                            type="commune", name="roques-31458", title="Roques", insee_code="31458",
                            contact_email="mairie@roques.example.org")
        response = app.post("/api/action/organization_patch",
                            json={"id": "roques-31458", "title": "Roques (31)", "contact_email": "x"},
                            headers={"Authorization": sysadmin["token"]}, status=409)
        assert "contact_email" in response.json["error"]
        org = helpers.call_action("organization_show", id="roques-31458")
        assert (org["title"], org["contact_email"]) == ("Roques", "mairie@roques.example.org")


@pytest.mark.usefixtures("clean_db")
class TestWebForm:
    def test_commune_form_shows_french_errors_and_saves_nothing(self, app):
        sysadmin = factories.SysadminWithToken()
        response = app.post("/organization/new", data={
            "publisher_type": "commune", "title": "Roques", "name": "roques-31458", "insee_code": "31999",
            "siren": "213104582", "contact_email": "pas-un-courriel",
            "description": HOSTILE, "save": "",
        }, headers={"Authorization": sysadmin["token"]})
        body = response.get_data(as_text=True)
        assert "Aucune commune de la Haute-Garonne n&#39;a ce code INSEE" in body or \
            "Aucune commune de la Haute-Garonne n'a ce code INSEE" in body
        assert "clé de contrôle est fausse" in body
        assert "Adresse électronique invalide" in body
        assert "HTML" in body
        assert _publisher_names("commune") == []

    def test_commune_form_creates_the_commune(self, app):
        sysadmin = factories.SysadminWithToken()
        app.post("/organization/new", data={
            "publisher_type": "commune", "title": "Roques", "name": "roques-31458", "insee_code": "31458",
            "contact_email": "mairie@roques.example.org", "save": "",
        }, headers={"Authorization": sysadmin["token"]})
        org = helpers.call_action("organization_show", id="roques-31458")
        assert (org["type"], org["publisher_type"], org["population"], org["siren"]) == (
            "organization", "commune", "5436", "213104581")


def _sysadmin_headers() -> dict:
    return {"Authorization": factories.SysadminWithToken()["token"]}


def _create(app, headers, data, status=200) -> dict:
    return app.post("/api/action/organization_create", json=data, headers=headers,
                    status=status).json


@pytest.mark.usefixtures("clean_db")
class TestIdentifiersAreUnique:
    """An INSEE code, SIREN or SIRET already used by another organisation is refused, per
    field, in French, and nothing is saved; the département's organisations (the Conseil
    départemental, services published apart, affiliated bodies) share its SIREN."""

    def test_a_commune_onboarded_twice_is_refused(self, app):
        headers = _sysadmin_headers()
        _create(app, headers, {"type": "commune", "name": "roques-31458", "title": "Roques",
                               "insee_code": "31458"})
        error = _create(app, headers, {"type": "commune", "name": "mairie-de-roques",
                                       "title": "Mairie de Roques", "insee_code": "31458"},
                        status=409)["error"]
        assert error["insee_code"] == [
            "La commune de ce code INSEE publie déjà sur le portail : Roques."]
        assert error["siren"][0].startswith("Ce numéro SIREN est déjà celui de Roques")
        assert _publisher_names("commune") == ["roques-31458"]

    def test_a_siren_is_unique_outside_the_departement(self, app):
        headers = _sysadmin_headers()
        _create(app, headers, {"type": "epci", "name": "sicoval-243100633",
                               "title": "CA du Sicoval", "siren": "243100633"})
        error = _create(app, headers, {"type": "syndicat", "name": "syndicat-sicoval",
                                       "title": "Syndicat", "syndicat_nature": "SIVU",
                                       "siren": "243 100 633"}, status=409)["error"]
        assert set(error) == {"siren", "__type"}
        assert "CA du Sicoval" in error["siren"][0]
        # an affiliated body cannot borrow the SIREN of an EPCI either
        error = _create(app, headers, {"type": "etablissement", "name": "office-sicoval",
                                       "title": "Office", "siren": "243100633"},
                        status=409)["error"]
        assert "CA du Sicoval" in error["siren"][0]
        assert _publisher_names("syndicat") == []
        assert _publisher_names("etablissement") == []

    def test_the_departement_and_its_affiliated_bodies_share_its_siren(self, app):
        headers = _sysadmin_headers()
        _create(app, headers, {"type": "departement", "name": "departement-haute-garonne",
                               "title": "Conseil départemental de la Haute-Garonne",
                               "siret": "22310001700001"})
        for name in ("archives-departementales-haute-garonne", "musee-resistance"):
            _create(app, headers, {"type": "etablissement", "name": name, "title": name,
                                   "siren": "223100017"})
        # ... but not with a syndicat, which is a legal entity of its own
        error = _create(app, headers, {"type": "syndicat", "name": "sivu-31",
                                       "title": "SIVU", "syndicat_nature": "SIVU",
                                       "siren": "223100017"}, status=409)["error"]
        assert "Conseil départemental de la Haute-Garonne" in error["siren"][0]
        # a SIRET names one establishment: unique everywhere
        error = _create(app, headers, {"type": "etablissement", "name": "laboratoire",
                                       "title": "Laboratoire", "siren": "223100017",
                                       "siret": "22310001700001"}, status=409)["error"]
        assert error["siret"] == [
            "Ce numéro SIRET est déjà celui de Conseil départemental de la Haute-Garonne : "
            "chaque établissement publie sous une seule organisation."]
        assert len(_publisher_names("etablissement")) == 2

    # a bound sysadmin does not stay a member of the organisation it creates: the operator
    # creating and correcting publishers by hand has the override
    @pytest.mark.ckan_config("ckanext.hautegaronne.sysadmin_override", "true")
    def test_update_refused_and_nothing_saved_but_resaving_itself_is_fine(self, app):
        headers = _sysadmin_headers()
        _create(app, headers, {"type": "departement", "name": "departement-haute-garonne",
                               "title": "Conseil départemental de la Haute-Garonne",
                               "siret": "22310001700001"})
        _create(app, headers, {"type": "etablissement", "name": "archives", "title": "Archives",
                               "siren": "223100017", "siret": "22310001700019"})
        response = app.post("/api/action/organization_patch", headers=headers, status=409,
                            json={"id": "archives", "title": "Archives (31)",
                                  "siret": "22310001700001"})
        assert "siret" in response.json["error"]
        org = helpers.call_action("organization_show", id="archives")
        assert (org["title"], org["siret"]) == ("Archives", "22310001700019")
        app.post("/api/action/organization_patch", headers=headers,
                 json={"id": "archives", "title": "Archives départementales"})
        assert helpers.call_action("organization_show", id="archives")["title"] == \
            "Archives départementales"

    def test_the_form_shows_the_french_message_and_saves_nothing(self, app):
        headers = _sysadmin_headers()
        _create(app, headers, {"type": "epci", "name": "sicoval-243100633",
                               "title": "CA du Sicoval", "siren": "243100633"})
        response = app.post("/organization/new", headers=headers, data={
            "publisher_type": "syndicat", "title": "Syndicat des eaux", "name": "syndicat-des-eaux",
            "syndicat_nature": "SIVU", "siren": "243100633", "save": ""})
        body = response.get_data(as_text=True).replace("&#39;", "'")
        assert "Ce numéro SIREN est déjà celui de CA du Sicoval" in body
        assert _publisher_names("syndicat") == []
