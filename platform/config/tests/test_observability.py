"""Log lines are JSON objects carrying the tenant and the request id."""

import json
import logging

import pytest
from django_tenants.utils import schema_context

from audit.context import request_id_var
from config.observability import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db


def _format(message: str) -> dict[str, str]:
    record = logging.LogRecord("indimaj.test", logging.INFO, __file__, 1, message, (), None)
    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_line_names_tenant_and_request(tenant_a):
    token = request_id_var.set("abc123")
    try:
        with schema_context(tenant_a.schema_name):
            line = _format("héllo")
    finally:
        request_id_var.reset(token)
    assert line["msg"] == "héllo"
    assert line["tenant"] == "t_test_a"
    assert line["request_id"] == "abc123"
    assert line["level"] == "INFO"


def test_each_response_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_HOST="indimaj.localhost", HTTP_X_REQUEST_ID="trace42")
    assert response["X-Request-ID"] == "trace42"
    other = client.get("/healthz", HTTP_HOST="indimaj.localhost", HTTP_X_REQUEST_ID="bad id!")
    assert other["X-Request-ID"] != "bad id!"
    assert len(other["X-Request-ID"]) == 32


def test_time_zone_is_casablanca(settings):
    assert settings.TIME_ZONE == "Africa/Casablanca"
