"""Only one scheduler works at a time, however many are started; a standby takes over."""

import time

import pytest
import redis
from django.conf import settings

from tenants import scheduler
from tests.support.processes import VENV_BIN, Child, child_env, wait_until

pytestmark = pytest.mark.django_db


def _holder():
    return scheduler.SchedulerLock(
        redis.Redis.from_url(settings.REDIS_URL), key=scheduler.lock_key(), ttl_ms=1000
    ).holder()


def test_two_schedulers_one_leader_and_failover(django_db_setup):
    env = child_env(INDIMAJ_SCHEDULER_LOCK_TTL="3")
    argv = [str(VENV_BIN / "python"), "manage.py", "run_scheduler"]
    first = Child("scheduler-1", argv, env)
    first.wait_for(lambda: _holder() is not None, timeout=30, what="lock")
    second = Child("scheduler-2", argv, env)
    try:
        holder = _holder()
        assert f":{first.process.pid}:" in holder
        time.sleep(4)  # longer than the TTL: the leader renews, the standby stays out
        assert _holder() == holder
        assert second.alive()

        first.stop()
        # released on clean stop; the standby takes the lock at its next tick
        wait_until(
            lambda: (_holder() or "").find(f":{second.process.pid}:") > 0,
            timeout=10,
            what="standby taking over",
        )
    finally:
        first.stop()
        second.stop()
    assert _holder() is None


def test_lock_cannot_be_renewed_or_released_by_a_non_holder():
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = scheduler.lock_key() + ":unit"
    owner = scheduler.SchedulerLock(client, key=key, ttl_ms=5000)
    other = scheduler.SchedulerLock(client, key=key, ttl_ms=5000)
    try:
        assert owner.acquire() is True
        assert other.acquire() is False
        assert other.renew() is False
        other.release()
        assert owner.holder() == owner.token
        assert owner.renew() is True
    finally:
        owner.release()
    assert owner.holder() is None
