"""Self-service onboarding wizard and national rollout tooling."""
