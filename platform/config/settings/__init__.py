"""Settings per environment: base, dev, test, prod."""
