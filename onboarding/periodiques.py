"""Periodic jobs of the rollout, found by the scheduler (tenants.scheduler.modules_schedule)."""

from onboarding import actors

# Every minute: a claim takes a schema in milliseconds, a clone refills it in about a second.
PERIODIQUES = [("pool_refill", 60, actors.pool_refill)]
