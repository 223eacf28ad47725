"""Plugin wiring for the Haute-Garonne portal.

Each concern lives in its own module; this file only connects them to CKAN.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
class HautegaronnePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "hautegaronne")
