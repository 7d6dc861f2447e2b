"""/healthz: the state of every service the platform needs, as JSON (503 when one is down)."""

import time
from collections.abc import Callable
from typing import Any

import redis
import requests
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from identity import permissions
from tenants import jobs


def _postgresql() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        (version,) = cursor.fetchone()
    return {"version": version}


def _redis() -> dict[str, Any]:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return {"version": client.info("server")["redis_version"]}
    finally:
        client.close()


def _keycloak() -> dict[str, Any]:
    response = requests.get(settings.KEYCLOAK_HEALTH_URL, timeout=2)
    response.raise_for_status()
    return {"status": response.json().get("status")}


def _broker() -> dict[str, Any]:
    return {"consumers": jobs.broker_consumer_count()}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "postgresql": _postgresql,
    "redis": _redis,
    "keycloak": _keycloak,
    "broker": _broker,
}


@permissions.public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report: dict[str, Any] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            report[name] = {"ok": True, **check()}
        except Exception as error:  # a health check reports every failure, whatever it is
            report[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(item["ok"] for item in report.values())
    return JsonResponse({"ok": healthy, "services": report}, status=200 if healthy else 503)
