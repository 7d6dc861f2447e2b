"""Hosts and URL confs the console tests use."""

APEX = "indimaj.localhost:8765"
TENANT_A_HOST = "test-a.indimaj.localhost:8765"
PUBLIC = "config.urls_public"
