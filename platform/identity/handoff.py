"""Short-lived, single-use records for the login hand-off between the apex and tenant hosts
(ADR 0002 §5), kept in Redis under the platform's own keys (not tenant-prefixed: the apex and
the tenant host must both reach them)."""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any, cast

import redis
from django.conf import settings

FLOW_TTL_SECONDS = 600
TICKET_TTL_SECONDS = 60


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def _key(kind: str, token: str) -> str:
    return f"{settings.DRAMATIQ_NAMESPACE}:oidc:{kind}:{token}"


def put(kind: str, value: dict[str, Any], *, ttl: int, token: str | None = None) -> str:
    token = token or secrets.token_urlsafe(32)
    _client().set(_key(kind, token), json.dumps(value), ex=ttl)
    return token


def take(kind: str, token: str) -> dict[str, Any] | None:
    """The record, removed in the same step: a second use finds nothing."""
    if not token or len(token) > 100:
        return None
    raw = _client().getdel(_key(kind, token))
    return cast(dict[str, Any], json.loads(raw)) if raw else None
