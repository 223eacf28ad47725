"""Reuses (réutilisations): what people build with the portal's data.

A published reuse is a CKAN group of type `reutilisation` (scheming schema
schemas/group/reutilisation.yaml) whose members are the datasets it uses:
groups never appear in package_search, package_list nor the DCAT feeds.
A proposal from the public waits in its own table (model.py) until the
département's editors publish or decline it; the proposer's e-mail stays there.
"""
REUSE_TYPE = "reutilisation"
