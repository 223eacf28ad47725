"""The dataset: what the portal adds to CKAN's ``package`` (schemas/dataset.yaml declares
its fields).

- ``validators``: the dataset schema's validators (controlled vocabularies, territory
  coverage, licences, dates, identifiers);
- ``structure``: a dataset whose structure is not the schema's becomes a French
  validation error instead of a server error;
- ``search_outage_guard``: saving a dataset while Solr is unreachable is refused with a
  French message, nothing saved;
- ``helpers``: the dataset page's template helpers.

Its DCAT form is the ``dcat`` package's; what standard CKAN clients read of it is the
``standard`` package's.
"""
