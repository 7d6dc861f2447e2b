"""/healthz reports each service; it goes 503 when Redis stops and 200 when it is back."""

import subprocess

import pytest
import requests

from tests.support.processes import REPO, wait_until


def _health(web_server):
    response = requests.get(
        f"{web_server}/healthz".replace("indimaj.localhost", "127.0.0.1"),
        headers={"Host": "indimaj.localhost:8765"},
        timeout=10,
    )
    return response.status_code, response.json()


def test_healthz_reports_every_service(web_server):
    status, body = _health(web_server)
    assert status == 200, body
    assert set(body["services"]) == {"postgresql", "redis", "keycloak", "broker"}
    assert body["services"]["postgresql"]["version"].startswith("15")


@pytest.mark.services
def test_healthz_follows_redis_down_and_up(web_server):
    subprocess.run(["bash", "infra/services.sh", "stop", "redis"], cwd=REPO, check=True)
    try:
        status, body = _health(web_server)
        assert status == 503
        assert body["services"]["redis"]["ok"] is False
        assert body["services"]["postgresql"]["ok"] is True
        # logging in needs Redis (the hand-off): a clear message, not a crash
        login = requests.get(
            "http://127.0.0.1:8765/oidc/login",
            headers={"Host": "test-a.indimaj.localhost:8765"},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 503
        assert "momentanément indisponible" in login.text
    finally:
        subprocess.run(["bash", "infra/services.sh", "start", "redis"], cwd=REPO, check=True)
    wait_until(lambda: _health(web_server)[0] == 200, timeout=30, what="healthy again")
