"""The apex → tenant login hand-off: single use, bound to the browser and to the tenant."""

import pytest

from identity import handoff
from identity.views import PENDING_FLOW_KEY

pytestmark = pytest.mark.django_db
A_HOST = "test-a.indimaj.localhost:8765"
B_HOST = "test-b.indimaj.localhost:8765"


def _ticket(schema="t_test_a", state="flow-1"):
    claims = {
        "sub": "sub-handoff",
        "preferred_username": "salim.handoff",
        "organization": {"test-a": {"groups": ["/lecture"]}},
    }
    return handoff.put(
        "ticket",
        {
            "state": state,
            "schema": schema,
            "next": "/",
            "tokens": {"id_token": "x"},
            "id_claims": claims,
            "access_claims": claims,
        },
        ttl=60,
    )


def _browser_with_pending_flow(client, host, state="flow-1"):
    client.get("/healthz", HTTP_HOST=host)  # any page: gives the browser a session
    session = client.session
    session[PENDING_FLOW_KEY] = state
    session.save()
    client.defaults["HTTP_HOST"] = host
    return client


def test_a_ticket_opens_the_session_once(client):
    ticket = _ticket()
    browser = _browser_with_pending_flow(client, A_HOST)
    first = browser.get("/oidc/handoff", {"ticket": ticket})
    assert first.status_code == 302
    assert first["Location"] == "/"
    assert browser.get("/").status_code == 200
    replay = _browser_with_pending_flow(client, A_HOST).get("/oidc/handoff", {"ticket": ticket})
    assert replay.status_code == 403


def test_a_ticket_for_tenant_a_is_refused_on_tenant_b(client):
    ticket = _ticket()
    response = _browser_with_pending_flow(client, B_HOST).get("/oidc/handoff", {"ticket": ticket})
    assert response.status_code == 403
    assert handoff.take("ticket", ticket) is None  # spent anyway


def test_a_ticket_without_the_browser_that_started_the_flow_is_refused(client):
    ticket = _ticket(state="flow-of-someone-else")
    response = _browser_with_pending_flow(client, A_HOST).get("/oidc/handoff", {"ticket": ticket})
    assert response.status_code == 403
    assert "expiré ou a été interrompue" in response.text


def test_callback_with_unknown_state_is_refused(client):
    response = client.get(
        "/oidc/callback", {"state": "nope", "code": "x"}, HTTP_HOST="indimaj.localhost:8765"
    )
    assert response.status_code == 403


def test_after_logout_goes_back_only_to_our_hosts(client):
    ours = client.get(
        "/oidc/apres-deconnexion", {"vers": A_HOST}, HTTP_HOST="indimaj.localhost:8765"
    )
    assert ours["Location"] == f"http://{A_HOST}/"
    theirs = client.get(
        "/oidc/apres-deconnexion", {"vers": "evil.example"}, HTTP_HOST="indimaj.localhost:8765"
    )
    assert theirs["Location"] == "/"


def test_login_start_points_keycloak_at_the_apex_callback(client):
    response = client.get("/oidc/login", HTTP_HOST=A_HOST)
    assert response.status_code == 302
    assert (
        "redirect_uri=http%3A%2F%2Findimaj.localhost%3A8765%2Foidc%2Fcallback"
        in response["Location"]
    )
    assert "organization%3Atest-a" in response["Location"]
