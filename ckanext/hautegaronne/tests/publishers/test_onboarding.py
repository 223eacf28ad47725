"""Onboarding the territory's publishers: `ckan hautegaronne publishers add|sync|list`."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.hautegaronne.demo import publishers as demo_publishers
from ckanext.hautegaronne.publishers import onboarding

from . import helpers as h


def _run(cli, *args):
    return cli.invoke(ckan, ["hautegaronne", "publishers", *args])


@pytest.mark.usefixtures("clean_db")
class TestAdd:
    def test_add_a_commune_by_insee_code_with_its_official_data(self, cli):
        result = _run(cli, "add", "31458")
        assert result.exit_code == 0, result.output
        org = helpers.call_action("organization_show", id="roques-31458")
        assert (org["type"], org["title"], org["insee_code"], org["siren"], org["population"],
                org["epci_siren"]) == ("commune", "Roques", "31458", "213104581", "5436", "200068641")
        # no member until its first administrator is appointed
        assert helpers.call_action("member_list", id=org["id"], object_type="user") == []

    def test_add_an_epci_or_the_departement_by_siren(self, cli):
        assert _run(cli, "add", "243100518").exit_code == 0
        assert _run(cli, "add", "223100017").exit_code == 0
        epci = helpers.call_action("organization_show", id="toulouse-metropole-243100518")
        assert (epci["type"], epci["epci_nature"], epci["title"]) == ("epci", "METRO", "Toulouse Métropole")
        dep = helpers.call_action("organization_show", id="departement-haute-garonne")
        assert dep["adms_type"].endswith("/RegionalAuthority")

    def test_add_is_idempotent_and_keeps_a_chosen_title(self, cli):
        _run(cli, "add", "31458")
        helpers.call_action("organization_patch", context={"user": h.site_context()["user"]},
                            id="roques-31458", title="Mairie de Roques")
        result = _run(cli, "add", "31458")
        assert "unchanged" in result.output
        assert helpers.call_action("organization_show", id="roques-31458")["title"] == "Mairie de Roques"
        assert len(helpers.call_action("organization_list", type="commune")) == 1

    @pytest.mark.parametrize("code", ["99999", "75056", "31016", "123456789", ""])
    def test_unknown_code_exits_2_with_a_clear_message(self, cli, code):
        result = _run(cli, "add", code)
        assert result.exit_code == 2
        assert code in result.output
        assert helpers.call_action("organization_list", type="commune") == []

    def test_add_all_creates_every_publisher_then_changes_nothing(self, cli):
        result = _run(cli, "add", "--all")
        assert result.exit_code == 0, result.output
        assert "605 created, 0 updated, 0 unchanged" in result.output
        assert len(helpers.call_action("organization_list", type="commune", limit=1000)) == 586
        assert len(helpers.call_action("organization_list", type="epci")) == 18
        result = _run(cli, "add", "--all")
        assert "0 created, 0 updated, 605 unchanged" in result.output

    def test_list_shows_who_is_onboarded_with_dataset_counts(self, cli):
        _run(cli, "add", "31458")
        h.dataset(h.onboard("31458"))
        result = _run(cli, "list")
        assert "roques-31458" in result.output and "1 publishers" in result.output
        assert onboarding.publishers()[0]["dataset_count"] == 1


@pytest.mark.usefixtures("clean_all")
def test_sync_keeps_a_merged_commune_and_links_it_to_the_commune_nouvelle(cli):
    """An organisation onboarded under an older COG, for the former commune 31016, which
    the reference data now show merged into Boutx (31085)."""
    old = h.onboard("31458")
    group = model.Group.get(old["id"])
    group.extras = {**group.extras, "insee_code": "31016"}
    model.repo.commit()
    dataset = h.dataset(old)

    result = _run(cli, "sync")
    assert result.exit_code == 0, result.output
    assert "31016" in result.output and "boutx-31085" in result.output
    kept = helpers.call_action("organization_show", id=old["id"])
    assert kept["state"] == "active" and kept["merged_into"] == "boutx-31085"
    assert helpers.call_action("package_show", id=dataset["id"])["owner_org"] == old["id"]
    assert helpers.call_action("organization_show", id="boutx-31085")["insee_code"] == "31085"
    # a second run has nothing left to do
    assert _run(cli, "sync").output.strip() == ""


@pytest.mark.usefixtures("clean_db")
def test_demo_publishers_are_onboarded_idempotently():
    first = list(demo_publishers.load())
    second = list(demo_publishers.load())
    assert len(first) == len(second) == 9
    names = {o["name"]: o for t in ("departement", "etablissement", "epci", "commune")
             for o in helpers.call_action("organization_list", type=t, all_fields=True)}
    assert set(names) == {
        "departement-haute-garonne", "archives-departementales-haute-garonne",
        "musee-resistance-deportation-haute-garonne", "laboratoire-departemental-31-eva",
        "sicoval-243100633", "le-muretain-agglo-200068641", "toulouse-metropole-243100518",
        "roques-31458", "toulouse-31555"}
    archives = helpers.call_action("organization_show", id="archives-departementales-haute-garonne")
    assert (archives["siren"], archives.get("siret"), archives["adms_type"]) == (
        "223100017", None, "http://purl.org/adms/publishertype/LocalAuthority")
