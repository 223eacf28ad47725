"""Plugin wiring for the Haute-Garonne portal.

Each concern lives in its own package (territory, publishers, dcat, theme);
this file only connects them to CKAN's interfaces.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckanext.datastore.interfaces import IDatastore
from ckanext.xloader.interfaces import IXloader

from .dcat import actions as dcat_actions
from .dcat import licences as dcat_licences
from .dcat import validators as dataset_validators
from .dcat import views as dcat_views
from .harvest import auth as harvest_auth
from .logic import structure
from .monitoring import views as monitoring_views
from .operations import actions as operations_actions
from .operations import views as operations_views
from .publishers import auth as publisher_auth
from .publishers import validators as publisher_validators
from .publishers import views as publisher_views
from . import security
from .tabular import auth as tabular_auth
from .tabular import settings as tabular_settings
from .tabular import status as tabular_status
from .tabular import column_types
from .tabular import exports as tabular_exports
from .theme import search as theme_search
from .theme import views as theme_views


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
class HautegaronnePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IXloader, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "hautegaronne")
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = dcat_licences.licence_file_url()
        tabular_settings.update_config(config)

    # IValidators

    def get_validators(self) -> dict:
        return {**publisher_validators.get_validators(), **dataset_validators.get_validators()}

    # IAuthFunctions

    def get_auth_functions(self) -> dict:
        publisher_rules = publisher_auth.get_auth_functions()
        return {**publisher_rules, **harvest_auth.get_auth_functions(publisher_rules),
                **tabular_auth.get_auth_functions()}

    # IBlueprint

    def get_blueprint(self) -> list:
        return [*theme_views.get_blueprints(), *dcat_views.get_blueprints(),
                *publisher_views.get_blueprints(), *operations_views.get_blueprints(),
                *monitoring_views.get_blueprints()]

    # IActions

    def get_actions(self) -> dict:
        return structure.guard({**dcat_actions.get_actions(), **operations_actions.get_actions()})

    # IMiddleware

    def make_middleware(self, app, config):
        return security.install(app)

    # IAuthenticator (login throttling; authentication itself stays CKAN's)

    def login(self):
        return security.throttle.guard_login()

    # ISignal

    def get_signal_subscriptions(self) -> dict:
        return security.signal_subscriptions()

    # IPackageController (CKAN's home search asks what the portal's home page shows)

    def before_dataset_search(self, search_params: dict) -> dict:
        return theme_search.before_dataset_search(search_params)

    def after_dataset_search(self, search_results: dict, search_params: dict) -> dict:
        return theme_search.after_dataset_search(search_results, search_params)

    # IXloader (links go through the harvester's address guard before any download)

    def can_upload(self, resource_id: str) -> bool:
        return tabular_status.guard_link(resource_id)

    def after_upload(self, context: dict, resource_dict: dict, dataset_dict: dict) -> None:
        column_types.after_load(resource_dict["id"])


class HautegaronneDatastorePlugin(p.SingletonPlugin):
    """The portal's DataStore hooks. A plugin of its own: CKAN requires `datastore` to be
    the first IDatastore plugin in ckan.plugins, and `hautegaronne` comes first of all."""
    p.implements(IDatastore, inherit=True)

    # IDatastore (spreadsheet exports neutralise formulas)

    def datastore_search(self, context: dict, data_dict: dict, fields_types: dict,
                         query_dict: dict) -> dict:
        return tabular_exports.neutralise_formulas(data_dict, fields_types, query_dict)
