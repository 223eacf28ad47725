"""Monitoring: the health endpoint that load balancers and supervision poll."""
