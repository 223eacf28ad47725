"""Conformity of tabular resources to the national data schemas (schema.data.gouv.fr):
the schema catalogue, validation jobs with frictionless, French reports, badges."""
