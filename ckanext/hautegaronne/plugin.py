"""Plugin wiring for the Haute-Garonne portal.

Each concern lives in its own package (territory, publishers, dcat, harvest, standard,
tabular, reuses, theme, operations, security, monitoring); this file only connects them
to CKAN's interfaces. Actions, auth functions, validators and helpers are gathered in
``registration``.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.datastore.interfaces import IDatastore
from ckanext.xloader.interfaces import IXloader

from . import middleware, registration, security
from .conformity import hooks as conformity_hooks
from .conformity import views as conformity_views
from .dcat import licences as dcat_licences
from .dcat import profile as dcat_profile
from .dcat import views as dcat_views
from .harvest import guard as harvest_guard
from .monitoring import views as monitoring_views
from .publishers import bound as bound_sysadmins
from .publishers import views as publisher_views
from .publishing import views as publishing_views
from .previews import charts as preview_charts
from .previews import linked as linked_maps
from .previews import maps as preview_maps
from .reuses import views as reuse_views
from .standard import dataset as standard_dataset
from .tabular import column_types
from .tabular import exports as tabular_exports
from .tabular import geojson_export
from .tabular import settings as tabular_settings
from .tabular import status as tabular_status
from .theme import js_catalogue as theme_js_catalogue
from .theme import search as theme_search
from .theme import sitemap as theme_sitemap
from .theme import views as theme_views


@tk.blanket.config_declarations
@tk.blanket.cli
class HautegaronnePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(IDCATRDFHarvester, inherit=True)
    p.implements(IXloader, inherit=True)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "hautegaronne")
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = dcat_licences.licence_file_url()
        registration.check()
        dcat_profile.check_profiles_setting(config.get("ckanext.dcat.rdf.profiles"))
        bound_sysadmins.show_site_user_activity(config)
        tabular_settings.update_config(config)

    def update_config_schema(self, schema: dict) -> dict:
        return security.runtime_config_schema(schema)

    # IConfigurable (the JavaScript catalogue a server other than `ckan run` never builds)

    def configure(self, config: CKANConfig) -> None:
        theme_js_catalogue.build()

    # IValidators, ITemplateHelpers, IAuthFunctions, IActions (see registration.py)

    def get_validators(self) -> dict:
        return registration.validators()

    def get_helpers(self) -> dict:
        return registration.helpers()

    def get_auth_functions(self) -> dict:
        return registration.auth_functions()

    def get_actions(self) -> dict:
        return registration.actions()

    # IBlueprint

    def get_blueprint(self) -> list:
        return [*theme_views.get_blueprints(), *theme_sitemap.get_blueprints(),
                *dcat_views.get_blueprints(),
                *publisher_views.get_blueprints(),
                *monitoring_views.get_blueprints(), *reuse_views.get_blueprints(),
                *geojson_export.get_blueprints(), *publishing_views.get_blueprints(),
                *conformity_views.get_blueprints(), *linked_maps.get_blueprints()]

    # IMiddleware (every per-request hook, in the order middleware.py states)

    def make_middleware(self, app, config):
        return middleware.install(app)

    # IAuthenticator (login throttling; authentication itself stays CKAN's)

    def login(self):
        return security.throttle.guard_login()

    # ISignal

    def get_signal_subscriptions(self) -> dict:
        return security.signal_subscriptions()

    # IPackageController: CKAN's home search asks what the portal's home page shows;
    # package_show gives every key core returns, coverage where CKAN clients read it

    def before_dataset_search(self, search_params: dict) -> dict:
        return theme_search.before_dataset_search(search_params)

    def after_dataset_search(self, search_results: dict, search_params: dict) -> dict:
        return theme_search.after_dataset_search(search_results, search_params)

    def before_dataset_index(self, pkg_dict: dict) -> dict:
        return theme_search.before_dataset_index(pkg_dict)

    def after_dataset_show(self, context: dict, pkg_dict: dict) -> None:
        standard_dataset.complete_dataset(pkg_dict)

    # IFacets

    def dataset_facets(self, facets_dict, package_type: str):
        return theme_search.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type: str, package_type):
        return theme_search.organization_facets(facets_dict)

    # IDCATRDFHarvester (ckanext-dcat's stock harvesters fetch through the address guard)

    def before_download(self, url, harvest_job):
        return harvest_guard.before_download(url, harvest_job)

    def update_session(self, session):
        return harvest_guard.update_session(session)

    # IXloader (links go through the harvester's address guard before any download)

    def can_upload(self, resource_id: str) -> bool:
        return tabular_status.guard_link(resource_id)

    def after_upload(self, context: dict, resource_dict: dict, dataset_dict: dict) -> None:
        column_types.after_load(context, resource_dict["id"])

    # IResourceController (a new file or schema is checked for conformity)

    def after_resource_create(self, context: dict, resource: dict) -> None:
        conformity_hooks.resource_saved(resource)

    def after_resource_update(self, context: dict, resource: dict) -> None:
        conformity_hooks.resource_saved(resource)


class HautegaronneDatastorePlugin(p.SingletonPlugin):
    """The portal's DataStore hooks. A plugin of its own: CKAN requires `datastore` to be
    the first IDatastore plugin in ckan.plugins, and `hautegaronne` comes first of all."""
    p.implements(IDatastore, inherit=True)

    # IDatastore (spreadsheet exports neutralise formulas)

    def datastore_search(self, context: dict, data_dict: dict, fields_types: dict,
                         query_dict: dict) -> dict:
        return tabular_exports.neutralise_formulas(data_dict, fields_types, query_dict)


class HautegaronneTableMapView(p.SingletonPlugin):
    """Map of a DataStore table with coordinate columns (previews/maps.py)."""
    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict:
        return preview_maps.table_map_info()

    def can_view(self, data_dict: dict) -> bool:
        return preview_maps.can_view_table(data_dict)

    def setup_template_variables(self, context: dict, data_dict: dict) -> dict:
        return preview_maps.table_map_variables(data_dict)

    def view_template(self, context: dict, data_dict: dict) -> str:
        return "hautegaronne/views/map.html"


class HautegaronneLinkedMapView(p.SingletonPlugin):
    """Map of a GeoJSON linked from another site, fetched by the portal (previews/)."""
    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict:
        return preview_maps.linked_map_info()

    def can_view(self, data_dict: dict) -> bool:
        return preview_maps.can_view_linked(data_dict)

    def setup_template_variables(self, context: dict, data_dict: dict) -> dict:
        return preview_maps.linked_map_variables(data_dict)

    def view_template(self, context: dict, data_dict: dict) -> str:
        return "hautegaronne/views/map.html"


class HautegaronneChartView(p.SingletonPlugin):
    """Bar chart of a DataStore table (previews/charts.py)."""
    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict:
        return preview_charts.chart_info()

    def can_view(self, data_dict: dict) -> bool:
        return preview_charts.can_view(data_dict)

    def setup_template_variables(self, context: dict, data_dict: dict) -> dict:
        return preview_charts.variables(data_dict)

    def view_template(self, context: dict, data_dict: dict) -> str:
        return "hautegaronne/views/chart.html"

    def form_template(self, context: dict, data_dict: dict) -> str:
        return "hautegaronne/views/chart_form.html"
