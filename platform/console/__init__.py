"""TGR operators' console: cross-tenant supervision, never tenant personal data."""
