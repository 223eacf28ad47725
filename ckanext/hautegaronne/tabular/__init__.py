"""The data itself: resources loaded into CKAN's DataStore by ckanext-xloader, their
views and their data API. Wired in plugin.py."""
