"""Metadata quality: the data.europa.eu MQA score of a dataset, computed by the portal."""
