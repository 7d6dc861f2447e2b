"""Background jobs of identity (platform-level: they run in the public schema)."""

import dramatiq

from identity import keycloak_events


@dramatiq.actor(queue_name="default", max_retries=0)
def keycloak_events_copy() -> None:
    """Sent by the scheduler every minute: failed logins and factor changes into the audit."""
    keycloak_events.events_copy()
