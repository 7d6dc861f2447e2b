"""The self-service onboarding wizard of a tenant's admin (docs/onboarding/assistant.md)."""
