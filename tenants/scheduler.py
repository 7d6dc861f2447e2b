"""The periodic scheduler: one process sends periodic jobs; a Redis lock keeps it single.

Start as many as you like (`manage.py run_scheduler`): the one holding the lock works, the
others wait on standby and take over within the lock's TTL if the holder dies.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# Renew only if we still own the lock (compare-and-extend, atomically in Redis).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


@dataclass
class Periodic:
    name: str
    every_seconds: int
    send: Callable[[], object]
    next_at: float = field(default=0.0)


def default_schedule() -> list[Periodic]:
    from audit import actors as audit_actors
    from identity import actors as identity_actors
    from tenants import actors

    return [
        Periodic("platform_heartbeat", 60, actors.platform_heartbeat.send),
        Periodic("keycloak_events_copy", 60, identity_actors.keycloak_events_copy.send),
        Periodic("habilitations_reconcile_all", 300, actors.habilitations_reconcile_all.send),
        Periodic("identity_reconcile_all", 600, actors.identity_reconcile_all.send),
        # Access-log partitions: monthly work, checked daily (idempotent; a missed day is caught
        # up the next one).
        Periodic("acces_partitions", 86400, audit_actors.acces_partitions_maintenir_tous.send),
        *modules_schedule(),
    ]


def modules_schedule() -> list[Periodic]:
    """Periodic jobs that tenant modules declare in their `periodiques.py` (a port: the layer
    below never imports the modules by name). Each module lists `PERIODIQUES`, tuples of
    (name, every_seconds, actor)."""
    from django.apps import apps

    schedule: list[Periodic] = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.periodiques"
        if importlib.util.find_spec(module_name) is None:
            continue
        for name, every_seconds, actor in importlib.import_module(module_name).PERIODIQUES:
            schedule.append(Periodic(name, every_seconds, actor.send))
    return schedule


class SchedulerLock:
    def __init__(self, client: redis.Redis, *, key: str, ttl_ms: int) -> None:
        self.client, self.key, self.ttl_ms = client, key, ttl_ms
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        return bool(self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.token])

    def holder(self) -> str | None:
        value = self.client.get(self.key)
        if isinstance(value, bytes):
            return value.decode()
        return value


def lock_key() -> str:
    return f"{settings.DRAMATIQ_NAMESPACE}:scheduler:lock"


def run(*, schedule: list[Periodic], stop: Callable[[], bool], tick_seconds: float = 1.0) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    ttl_ms = settings.SCHEDULER_LOCK_TTL_SECONDS * 1000
    lock = SchedulerLock(client, key=lock_key(), ttl_ms=ttl_ms)
    leader = False
    last_renew = 0.0
    try:
        while not stop():
            now = time.monotonic()
            try:
                if not leader:
                    leader = lock.acquire()
                    if leader:
                        logger.info("scheduler %s is now the leader", lock.token)
                        last_renew = now
                elif now - last_renew >= ttl_ms / 3000:
                    leader = lock.renew()
                    last_renew = now
                    if not leader:
                        logger.warning("scheduler %s lost the lock; standing by", lock.token)
                if leader:
                    for item in schedule:
                        if now >= item.next_at:
                            item.send()
                            item.next_at = now + item.every_seconds
            except redis.RedisError as error:
                # Redis is down: we cannot prove we hold the lock, so we stop sending.
                logger.error("scheduler cannot reach Redis: %s", error)
                leader = False
            time.sleep(tick_seconds)
    finally:
        if leader:
            try:
                lock.release()
            except redis.RedisError:
                logger.warning("scheduler could not release its lock; it expires by itself")
