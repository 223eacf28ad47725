"""WSGI entry point for gunicorn: `gunicorn --chdir config wsgi:application`.

The configuration file comes from CKAN_INI (default: ckan.ini at the project root).
"""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI") or os.path.join(os.path.dirname(__file__), "..", "ckan.ini")
application = make_app(CKANConfigLoader(os.path.abspath(_ini)).get_config())
