"""Harvesting publishers' existing DCAT catalogues into their own organisation.

* ``harvester``: the ``hautegaronne_dcat`` harvester (a ckanext-dcat ``DCATRDFHarvester``
  subclass): owner enforcement, no take-over, unchanged datasets left untouched, duplicate
  identifiers reported, disappeared datasets flagged then withdrawn;
* ``fetch``: safe HTTP fetching (http(s) only, no private addresses unless allowed, size,
  time and redirect limits);
* ``rdf``: safe RDF parsing (no XML entities, no remote JSON-LD contexts, triple limit);
* ``missing``: datasets that disappeared from their source;
* ``auth``: publishers' admins manage their own organisation's sources only.
"""
