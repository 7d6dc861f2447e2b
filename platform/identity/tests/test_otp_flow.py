"""The second factor is demanded by Keycloak's browser flow, by role — real Keycloak, raw HTTP.

Each test walks Keycloak's login pages as a browser would (identity-first: username, then
password) and looks at what comes next: our callback with a code, the OTP form, or the TOTP
enrolment page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import uuid

import pytest
import requests
from django.conf import settings

from identity import facade, keycloak_admin, keycloak_otp, otp

PASSWORD = "Test-otp-2026!"
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.S)


def _redirect_uri() -> str:
    port = settings.INDIMAJ_WEB_PORT
    suffix = "" if port in (80, 443) else f":{port}"
    return f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}{suffix}/oidc/callback"


def _action(page: str) -> str:
    match = FORM_ACTION.search(page)
    assert match, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[-700:]
    return html.unescape(match.group(1))


def login_pages(username: str, *, code: str | None = None) -> str:
    """Log in; return "callback", "otp" (asked for a code) or "enrol" (must set up TOTP).
    With `code`, answer the OTP form and report what comes after it."""
    session = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    page = session.get(
        f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/protocol/openid-connect/auth",
        params={
            "client_id": settings.KEYCLOAK_CLIENT_ID,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": _redirect_uri(),
            "state": uuid.uuid4().hex,
            "nonce": uuid.uuid4().hex,
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
        },
        timeout=10,
    )
    answer = _post(session, _action(page.text), {"username": username})
    if 'name="password"' in answer.text and 'name="username"' not in answer.text:
        data = {"password": PASSWORD}
    else:
        data = {"username": username, "password": PASSWORD}
    answer = _follow(session, _post(session, _action(answer.text), data))
    outcome = _outcome(answer)
    if outcome == "otp" and code is not None:
        answer = _follow(session, _post(session, _action(answer.text), {"otp": code}))
        return _outcome(answer)
    return outcome


def _post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    # Keycloak marks its cookies Secure; browsers send them to http://localhost (a secure
    # context), requests does not: send them by hand, the latest value of each name.
    latest = {c.name: c.value for c in session.cookies}
    cookies = "; ".join(f"{name}={value}" for name, value in latest.items())
    answer = session.post(
        url, data=data, headers={"Cookie": cookies}, timeout=10, allow_redirects=False
    )
    for cookie in answer.cookies:
        session.cookies.set(cookie.name, cookie.value or "", domain=cookie.domain, path=cookie.path)
    return answer


def _follow(session: requests.Session, answer: requests.Response) -> requests.Response:
    """Follow Keycloak's own redirects (e.g. to a required action), not the one to our app."""
    while answer.status_code in (302, 303) and answer.headers["Location"].startswith(
        settings.KEYCLOAK_URL
    ):
        latest = {c.name: c.value for c in session.cookies}
        answer = session.get(
            answer.headers["Location"],
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in latest.items())},
            timeout=10,
            allow_redirects=False,
        )
    return answer


def _outcome(answer: requests.Response) -> str:
    if answer.status_code in (302, 303) and answer.headers["Location"].startswith(_redirect_uri()):
        return "callback"
    if 'name="totp"' in answer.text:
        return "enrol"
    if 'name="otp"' in answer.text:
        return "otp"
    return f"unexpected {answer.status_code}: {answer.text[:300]}"


@pytest.fixture
def person(django_db_setup):
    created: list[str] = []

    def make(
        *, realm_roles: tuple[str, ...] = (), otp_secret: str | None = None
    ) -> tuple[str, str]:
        username = f"otp-flow-{uuid.uuid4().hex[:8]}"
        user_id = facade.person_ensure(
            username=username,
            email=f"{username}@example.ma",
            first_name="Test",
            last_name="Otp",
            password=PASSWORD,
            realm_roles=realm_roles,
            otp_secret=otp_secret,
        )
        created.append(user_id)
        return username, user_id

    yield make
    admin = keycloak_admin.admin_client()
    for user_id in created:
        admin.delete_user(user_id)


def test_a_user_without_a_role_needing_otp_goes_straight_through(person):
    username, _ = person()
    assert login_pages(username) == "callback"


def test_a_platform_role_must_enrol_a_second_factor(person):
    username, user_id = person(realm_roles=("tgr-operateur",))
    assert keycloak_otp.user_otp_required(keycloak_admin.admin_client(), user_id=user_id)
    assert login_pages(username) == "enrol"


def test_deleting_the_credential_does_not_remove_the_second_factor(person):
    secret = f"indimaj-test-otp-{uuid.uuid4().hex[:8]}"
    username, user_id = person(realm_roles=("plateforme-admin",), otp_secret=secret)
    assert login_pages(username, code=otp.totp(secret)) == "callback"
    admin = keycloak_admin.admin_client()
    for credential in admin.get_credentials(user_id):
        if credential["type"] == "otp":  # what the account console would let the user do
            admin.delete_credential(user_id, credential["id"])
    assert login_pages(username) == "enrol"


def test_a_self_enrolled_factor_is_asked_once_not_twice(person):
    secret = f"indimaj-test-otp-{uuid.uuid4().hex[:8]}"
    username, user_id = person(otp_secret=secret)
    assert not keycloak_otp.user_otp_required(keycloak_admin.admin_client(), user_id=user_id)
    assert login_pages(username, code=otp.totp(secret)) == "callback"


def test_the_flow_is_idempotent():
    admin = keycloak_admin.admin_client()
    before = keycloak_otp._executions(admin, keycloak_otp.FLOW_ALIAS)
    keycloak_otp.otp_flow_ensure(admin)
    after = keycloak_otp._executions(admin, keycloak_otp.FLOW_ALIAS)
    assert [(e["displayName"], e["requirement"]) for e in after] == [
        (e["displayName"], e["requirement"]) for e in before
    ]
    assert admin.get_realm(settings.KEYCLOAK_REALM)["browserFlow"] == keycloak_otp.FLOW_ALIAS
