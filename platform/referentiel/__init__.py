"""Reference data: nomenclatures and effective-dated, bitemporal pay parameters (public schema)."""
