"""Onboarding the territory's publishers: `ckan hautegaronne publishers add|sync|list`."""
from __future__ import annotations

import json
from importlib import resources

import pytest

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.hautegaronne import territory as ref
from ckanext.hautegaronne.demo import publishers as demo_publishers
from ckanext.hautegaronne.publishers import onboarding

from . import helpers as h


def _publisher_names(publisher_type: str) -> list[str]:
    return [row["name"] for row in onboarding.publishers((publisher_type,))]


def _run(cli, *args):
    return cli.invoke(ckan, ["hautegaronne", "publishers", *args])


@pytest.mark.usefixtures("clean_db")
class TestAdd:
    def test_add_a_commune_by_insee_code_with_its_official_data(self, cli):
        result = _run(cli, "add", "31458")
        assert result.exit_code == 0, result.output
        org = helpers.call_action("organization_show", id="roques-31458")
        assert (org["type"], org["publisher_type"], org["title"], org["insee_code"], org["siren"],
                org["population"], org["epci_siren"]) == (
            "organization", "commune", "Roques", "31458", "213104581", "5436", "200068641")
        # no member until its first administrator is appointed
        assert helpers.call_action("member_list", id=org["id"], object_type="user") == []

    def test_add_an_epci_or_the_departement_by_siren(self, cli):
        assert _run(cli, "add", "243100518").exit_code == 0
        assert _run(cli, "add", "223100017").exit_code == 0
        epci = helpers.call_action("organization_show", id="toulouse-metropole-243100518")
        assert (epci["publisher_type"], epci["epci_nature"], epci["title"]) == (
            "epci", "METRO", "Toulouse Métropole")
        dep = helpers.call_action("organization_show", id="departement-haute-garonne")
        assert dep["adms_type"].endswith("/RegionalAuthority")

    def test_add_is_idempotent_and_keeps_a_chosen_title(self, cli):
        _run(cli, "add", "31458")
        helpers.call_action("organization_patch", context={"user": h.site_context()["user"]},
                            id="roques-31458", title="Mairie de Roques")
        result = _run(cli, "add", "31458")
        assert "unchanged" in result.output
        assert helpers.call_action("organization_show", id="roques-31458")["title"] == "Mairie de Roques"
        assert len(_publisher_names("commune")) == 1

    @pytest.mark.parametrize("code", ["99999", "75056", "31016", "123456789", ""])
    def test_unknown_code_exits_2_with_a_clear_message(self, cli, code):
        result = _run(cli, "add", code)
        assert result.exit_code == 2
        assert code in result.output
        assert _publisher_names("commune") == []

    def test_add_all_creates_every_publisher_then_changes_nothing(self, cli):
        result = _run(cli, "add", "--all")
        assert result.exit_code == 0, result.output
        assert "605 created, 0 updated, 0 unchanged" in result.output
        assert len(_publisher_names("commune")) == 586
        assert len(_publisher_names("epci")) == 18
        result = _run(cli, "add", "--all")
        assert "0 created, 0 updated, 605 unchanged" in result.output

    def test_the_help_says_what_add_all_creates(self, cli):
        data = ref.territory()
        assert len(onboarding.territory_entities()) == 1 + len(data.epcis) + len(data.communes)
        result = _run(cli, "add", "--help")
        help_text = " ".join(result.output.split())
        assert (f"All {len(onboarding.territory_entities())} publishers of the territory: the "
                f"département, its {len(data.epcis)} EPCI and its {len(data.communes)} "
                f"communes") in help_text, help_text

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


@pytest.fixture
def new_vintage(tmp_path, monkeypatch):
    """Point the reference data at an edited copy of the packaged file (a new COG vintage),
    through the territory's own loader; the packaged data come back afterwards."""
    def apply(edit) -> None:
        raw = json.loads(resources.files(ref).joinpath("data", ref.DATA_FILE)
                         .read_text(encoding="utf-8"))
        edit(raw)
        raw["meta"]["vintage"] = "COG 2027"
        path = tmp_path / ref.DATA_FILE
        path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        loaded = ref.load(path)
        monkeypatch.setattr(ref, "territory", lambda: loaded)
        ref.clear_caches()

    yield apply
    monkeypatch.undo()
    ref.clear_caches()


@pytest.mark.usefixtures("clean_all")
def test_sync_follows_a_renamed_commune_without_a_new_organisation(cli, new_vintage, app):
    roques = h.onboard("31458")
    dataset = h.dataset(roques)
    toulouse = h.onboard("31555")
    helpers.call_action("organization_patch", context=h.site_context(), id=toulouse["id"],
                        title="Mairie de Toulouse")

    def rename(raw):
        raw["communes"]["31458"]["name"] = "Roques-sur-Garonne"
        raw["communes"]["31555"]["name"] = "Toulouse-Capitole"
    new_vintage(rename)
    assert ref.search("roques sur garonne")[0]["code"] == "31458"

    result = _run(cli, "sync")
    assert result.exit_code == 0, result.output
    assert "roques-31458" in result.output and "Roques-sur-Garonne" in result.output
    org = helpers.call_action("organization_show", id=roques["id"])
    # the same organisation, at the same address, under the new official name
    assert (org["name"], org["title"], org["official_name"], org["insee_code"], org["siren"]) == (
        "roques-31458", "Roques-sur-Garonne", "Roques-sur-Garonne", "31458", "213104581")
    assert helpers.call_action("package_show", id=dataset["id"])["owner_org"] == roques["id"]
    # a title chosen by the publisher is kept; the official name follows the COG
    org = helpers.call_action("organization_show", id=toulouse["id"])
    assert (org["name"], org["title"], org["official_name"]) == (
        "toulouse-31555", "Mairie de Toulouse", "Toulouse-Capitole")
    assert sorted(_publisher_names("commune")) == [
        "roques-31458", "toulouse-31555"]
    # nothing left to do; onboarding the renamed commune again finds its organisation
    assert _run(cli, "sync").output.strip() == ""
    assert "unchanged" in _run(cli, "add", "31458").output
    assert len(_publisher_names("commune")) == 2
    # the "Ajouter une collectivité" page knows it is already a publisher
    fragment = app.get("/producteurs/ajouter", query_string={"q": "roques sur", "partial": 1},
                       headers={"Authorization": factories.SysadminWithToken()["token"]}
                       ).get_data(as_text=True)
    assert "Déjà producteur" in fragment and "/organization/roques-31458" in fragment


@pytest.mark.usefixtures("clean_db")
def test_demo_publishers_are_onboarded_idempotently():
    first = list(demo_publishers.load())
    second = list(demo_publishers.load())
    assert len(first) == len(second) == 9
    names = {o["name"]: o for o in helpers.call_action("organization_list", all_fields=True)}
    assert set(names) == {
        "departement-haute-garonne", "archives-departementales-haute-garonne",
        "musee-resistance-deportation-haute-garonne", "laboratoire-departemental-31-eva",
        "sicoval-243100633", "le-muretain-agglo-200068641", "toulouse-metropole-243100518",
        "roques-31458", "toulouse-31555"}
    archives = helpers.call_action("organization_show", id="archives-departementales-haute-garonne")
    assert (archives["siren"], archives.get("siret"), archives["adms_type"]) == (
        "223100017", None, "http://purl.org/adms/publishertype/LocalAuthority")
