"""DCAT: the dataset schema's validators, the licence list and the DCAT-AP profile."""
