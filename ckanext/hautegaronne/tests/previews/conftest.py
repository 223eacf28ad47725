"""Fixtures of the view tests: the DataStore and the loading services of tests/tabular."""
from ..tabular.conftest import (clean_datastore, loading_portal,  # noqa: F401
                                loading_services)
