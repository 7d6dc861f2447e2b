"""Tenants: the Organisation model, domains, provisioning, lifecycle and tenant-aware jobs."""
