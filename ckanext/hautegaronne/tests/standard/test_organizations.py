"""Every publisher is a CKAN organization to clients (organization_list without a type,
organization_show, organization_autocomplete, /organization), its kind in the field
``publisher_type``; each kind keeps its own form and rules."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan import model
from ckan.tests import factories, helpers

from ckanext.hautegaronne.publishers import onboarding

from ..dcat import factories as dcat_factories

# One publisher of each kind, created as any CKAN client creates an organisation.
PUBLISHERS = {
    "departement": {"name": "departement-haute-garonne",
                    "title": "Conseil départemental de la Haute-Garonne"},
    "etablissement": {"name": "archives", "title": "Archives départementales",
                      "siren": "223100017"},
    "epci": {"name": "sicoval-243100633", "title": "CA du Sicoval", "siren": "243100633"},
    "commune": {"name": "roques-31458", "title": "Roques", "insee_code": "31458"},
    "syndicat": {"name": "syndicat-eaux", "title": "Syndicat des eaux",
                 "siren": "200034007", "syndicat_nature": "SMO"},
}


def _create_all() -> dict[str, dict]:
    context = dcat_factories.sysadmin_context()
    return {kind: tk.get_action("organization_create")(
        dict(context), {"type": "organization", "publisher_type": kind, **fields})
        for kind, fields in PUBLISHERS.items()}


def _api(app, action: str, **params) -> object:
    return app.get(f"/api/3/action/{action}", query_string=params, status=200).json["result"]


@pytest.mark.usefixtures("clean_all")
def test_standard_calls_list_every_publisher_with_its_type(app):
    created = _create_all()
    names = sorted(fields["name"] for fields in PUBLISHERS.values())
    assert sorted(_api(app, "organization_list")) == names
    listed = {org["name"]: org for org in _api(app, "organization_list", all_fields="true")}
    assert {name: (org["type"], org["publisher_type"]) for name, org in listed.items()} == {
        fields["name"]: ("organization", kind) for kind, fields in PUBLISHERS.items()}
    shown = _api(app, "organization_show", id="roques-31458")
    assert (shown["type"], shown["publisher_type"], shown["population"], shown["siren"]) == (
        "organization", "commune", "5436", "213104581")
    assert [o["name"] for o in _api(app, "organization_autocomplete", q="sicov")] == [
        "sicoval-243100633"]
    # each kind keeps its reference data and rules
    assert created["epci"]["epci_nature"] == "CA"
    assert created["departement"]["insee_code"] == "31"
    assert "insee_code" not in created["syndicat"]
    # /organization lists every publisher; /producteurs too, by kind
    listing = app.get("/organization/", status=200).get_data(as_text=True)
    directory = app.get("/producteurs", status=200).get_data(as_text=True)
    for fields in PUBLISHERS.values():
        assert fields["title"] in listing and f'/organization/{fields["name"]}' in directory
    assert [o["name"] for o in onboarding.publishers(("commune",))] == ["roques-31458"]


@pytest.mark.usefixtures("clean_all")
def test_each_kind_keeps_its_own_rules():
    context = dcat_factories.sysadmin_context()
    with pytest.raises(tk.ValidationError) as refused:
        tk.get_action("organization_create")(dict(context), {
            "type": "organization", "publisher_type": "commune", "name": "x", "title": "X"})
    assert refused.value.error_dict["insee_code"] == [tk._("Missing value")]
    with pytest.raises(tk.ValidationError) as refused:
        tk.get_action("organization_create")(dict(context), {
            "type": "organization", "publisher_type": "syndicat", "name": "s", "title": "S"})
    assert "syndicat_nature" in refused.value.error_dict
    with pytest.raises(tk.ValidationError) as refused:
        tk.get_action("organization_create")(dict(context), {
            "type": "organization", "publisher_type": "mairie", "name": "m", "title": "M"})
    assert refused.value.error_dict["publisher_type"] == [tk._(
        "Unknown publisher type: choose département, affiliated body, EPCI, commune or "
        "syndicat.")]
    assert helpers.call_action("organization_list") == []
    # a field of another kind is not stored: an EPCI has no INSEE code of its own
    epci = tk.get_action("organization_create")(dict(context), {
        "type": "organization", "publisher_type": "epci", "name": "sicoval", "title": "Sicoval",
        "siren": "243100633", "insee_code": "31458", "syndicat_nature": "SMO"})
    assert "insee_code" not in epci and "syndicat_nature" not in epci
    # an update that does not send the kind keeps it
    tk.get_action("organization_update")(dict(context), {
        "id": "sicoval", "name": "sicoval", "title": "CA du Sicoval", "siren": "243100633"})
    updated = helpers.call_action("organization_show", id="sicoval")
    assert (updated["title"], updated["publisher_type"], updated["epci_nature"]) == (
        "CA du Sicoval", "epci", "CA")


@pytest.mark.usefixtures("clean_all")
def test_a_publisher_type_sent_as_the_ckan_type_is_understood():
    org = tk.get_action("organization_create")(dcat_factories.sysadmin_context(), {
        "type": "commune", "name": "roques-31458", "title": "Roques", "insee_code": "31458"})
    assert (org["type"], org["publisher_type"]) == ("organization", "commune")


@pytest.mark.usefixtures("clean_all")
def test_typed_creation_pages_post_to_the_standard_type(app):
    headers = {"Authorization": factories.SysadminWithToken()["token"]}
    page = app.get("/organization/new", headers=headers, status=200).get_data(as_text=True)
    assert "/organization/new?publisher_type=commune" in page
    assert 'name="insee_code"' not in page
    commune_form = app.get("/organization/new", query_string={"publisher_type": "commune"},
                           headers=headers, status=200).get_data(as_text=True)
    assert 'name="insee_code"' in commune_form and 'name="syndicat_nature"' not in commune_form
    syndicat_form = app.get("/organization/new", query_string={"publisher_type": "syndicat"},
                            headers=headers, status=200).get_data(as_text=True)
    assert 'name="syndicat_nature"' in syndicat_form and 'name="insee_code"' not in syndicat_form
    app.post("/organization/new", headers=headers, data={
        "publisher_type": "commune", "title": "Roques", "name": "roques-31458",
        "insee_code": "31458", "save": ""}, status=200)
    org = helpers.call_action("organization_show", id="roques-31458")
    assert (org["type"], org["publisher_type"], org["epci_siren"]) == (
        "organization", "commune", "200068641")


@pytest.mark.usefixtures("clean_all")
def test_former_addresses_move_for_good_to_organization(app):
    _create_all()
    response = app.get("/commune/roques-31458", follow_redirects=False)
    assert response.status_code == 301
    assert response.location.endswith("/organization/roques-31458")
    assert app.get("/epci/", follow_redirects=False).location.endswith("/organization/")


@pytest.mark.usefixtures("clean_all")
def test_migrate_makes_former_typed_publishers_organizations(cli):
    """Organisations of a portal where each publisher type was a CKAN type of its own."""
    created = _create_all()
    dataset = tk.get_action("package_create")(
        dcat_factories.sysadmin_context(), dcat_factories.dataset_fields(created["commune"]))
    for kind, org in created.items():  # as the former schemas stored them
        group = model.Group.get(org["id"])
        group.type = kind
        group.extras = {k: v for k, v in group.extras.items() if k != "publisher_type"}
    model.repo.commit()
    tk.get_action("package_patch")(dcat_factories.sysadmin_context(),
                                   {"id": dataset["id"]})  # reindexed with the former type
    assert helpers.call_action("organization_list") == []

    result = cli.invoke(ckan, ["hautegaronne", "publishers", "migrate"])
    assert result.exit_code == 0, result.output
    assert "5 organisations migrated" in result.output
    model.Session.remove()
    assert sorted(helpers.call_action("organization_list")) == sorted(
        fields["name"] for fields in PUBLISHERS.values())
    for kind, org in created.items():
        shown = helpers.call_action("organization_show", id=org["id"])
        assert (shown["type"], shown["publisher_type"]) == ("organization", kind)
    [found] = helpers.call_action("package_search", q=f"name:{dataset['name']}")["results"]
    assert found["organization"]["type"] == "organization"
    again = cli.invoke(ckan, ["hautegaronne", "publishers", "migrate"])
    assert "0 organisations migrated" in again.output


@pytest.mark.usefixtures("clean_all")
def test_organization_list_counts_datasets_not_harvest_sources(app):
    """A harvest source is a package of type harvest that its publisher owns: CKAN clients
    read package_count as the publisher's datasets, as /producteurs shows them."""
    created = _create_all()
    commune = created["commune"]
    context = dcat_factories.sysadmin_context()
    for private in (False, False, True):
        tk.get_action("package_create")(dict(context), dcat_factories.dataset_fields(
            commune, private=private))
    tk.get_action("harvest_source_create")(dict(context), {
        "name": "catalogue-roques", "title": "Catalogue de Roques", "frequency": "MANUAL",
        "url": "https://data.roques.example.org/catalog.rdf",
        "source_type": "hautegaronne_dcat", "owner_org": commune["id"]})

    def counts(headers=None) -> dict:
        listed = app.get("/api/3/action/organization_list", headers=headers,
                         query_string={"all_fields": "true"}, status=200).json["result"]
        return {org["name"]: org["package_count"] for org in listed}

    assert counts()["roques-31458"] == 2  # anonymous: the public datasets
    assert counts()["archives"] == 0
    member = factories.User()
    tk.get_action("organization_member_create")(dict(context), {
        "id": commune["id"], "username": member["name"], "role": "member"})
    token = factories.APIToken(user=member["name"])["token"]
    assert counts({"Authorization": token})["roques-31458"] == 3  # its private one too
    assert _api(app, "organization_show", id="roques-31458")["package_count"] == 2
    directory = app.get("/producteurs", status=200).get_data(as_text=True)
    assert "roques-31458" in directory
