"""Append-only, hash-chained audit log: one chain per schema (tenant or platform)."""
