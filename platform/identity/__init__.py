"""Identity: Keycloak OIDC login, the platform's user record, Keycloak administration."""
