"""Registration: every action, auth function, validator and template helper of the plugin
comes from one concern's explicit dict; a name registered by two concerns stops CKAN at
start-up instead of the later one silently replacing the earlier one."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest

from ckanext.hautegaronne import registration, validation
from ckanext.hautegaronne.dataset import validators as dataset_validators
from ckanext.hautegaronne.plugin import HautegaronnePlugin
from ckanext.hautegaronne.publishers import validators as publisher_validators


def test_a_name_given_by_two_concerns_is_refused_naming_both():
    with pytest.raises(registration.DuplicateRegistration) as raised:
        registration.merge("validator", {"publishers": {"hautegaronne_text": validation.text},
                                         "dataset": {"hautegaronne_text": validation.text}})
    message = str(raised.value)
    assert "'hautegaronne_text'" in message
    assert "'publishers'" in message and "'dataset'" in message


def test_the_plugin_registers_each_name_once():
    registration.check()
    concerns = {"validation": validation.get_validators(),
                "publishers": publisher_validators.get_validators(),
                "dataset": dataset_validators.get_validators()}
    names = [name for entries in concerns.values() for name in entries]
    assert len(names) == len(set(names))
    assert registration.validators()["hautegaronne_text"] is validation.text


def test_a_duplicate_stops_the_start_up(monkeypatch):
    """CKAN asks for validators only when a schema first needs one: the plugin checks every
    registration when CKAN loads its configuration."""
    own = publisher_validators.get_validators()
    monkeypatch.setattr(publisher_validators, "get_validators", lambda: {
        **own, "hautegaronne_licence": dataset_validators.hautegaronne_licence})
    plugin = HautegaronnePlugin()
    with pytest.raises(registration.DuplicateRegistration, match="hautegaronne_licence"):
        plugin.update_config(tk.config)


@pytest.mark.usefixtures("with_plugins")
def test_ckan_sees_the_concerns_registrations():
    assert p.plugin_loaded("hautegaronne")
    assert tk.get_validator("hautegaronne_text") is validation.text
    assert tk.get_validator("hautegaronne_siren") is publisher_validators.hautegaronne_siren
    for helper in ("hautegaronne_logo_url", "hautegaronne_dataset_extent",
                   "hautegaronne_spatial_choices", "hautegaronne_publisher_catalog_url",
                   "hautegaronne_harvest_missing", "structured_data"):
        assert helper in tk.h, helper
    assert tk.h.hautegaronne_spatial_choices()[0]["value"] == "31"
    assert "dcat_catalog_show" in registration.actions()
