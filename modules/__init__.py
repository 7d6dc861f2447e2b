"""Tenant-schema business apps (personnel, actes, paie, credits, prevision, sync)."""
