"""Background jobs of the rollout: keeping the warm pool of pre-cloned schemas full."""

import dramatiq

from tenants import pool


@dramatiq.actor(queue_name="default", max_retries=0, time_limit=60 * 60 * 1000)
def pool_refill() -> None:
    """Clone the template until the pool holds its target of ready schemas (ADR 0005).

    Platform-wide, not a tenant job: it works in the public catalog only. Sent by the scheduler;
    schemas cloned from an older template are dropped first. Two runs at once are harmless
    (each counts ready schemas first; at worst the pool briefly holds a few more).
    """
    pool.pool_discard_stale()
    pool.pool_fill()
