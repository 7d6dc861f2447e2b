"""Outgoing mail lands in the local sink, both Django's and Keycloak's."""

import email
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection, send_mail

from identity import facade as identity_facade
from identity import keycloak_admin
from tests.support.processes import wait_until

MAIL_DIR = Path(settings.INDIMAJ_STATE_DIR) / "mail"


def _messages_to(address: str) -> list[email.message.Message]:
    found = []
    for path in MAIL_DIR.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        if address in (message.get("To") or "") or address in (message.get("X-Envelope-To") or ""):
            found.append(message)
    return found


def test_django_mail_goes_to_the_sink():
    address = f"agent-{uuid.uuid4().hex[:8]}@example.ma"
    # pytest-django swaps in the in-memory backend; talk SMTP to the real sink explicitly.
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    send_mail(
        "Objet de test", "Corps", settings.DEFAULT_FROM_EMAIL, [address], connection=connection
    )
    wait_until(lambda: len(_messages_to(address)) == 1, timeout=10, what="mail in the sink")
    assert _messages_to(address)[0]["Subject"] == "Objet de test"


def test_keycloak_mail_goes_to_the_sink(django_db_setup):
    username = f"mail-{uuid.uuid4().hex[:8]}"
    address = f"{username}@example.ma"
    user_id = identity_facade.person_ensure(
        username=username,
        email=address,
        first_name="Salma",
        last_name="Tazi",
        password="Mail-Test-2026!",
    )
    admin = keycloak_admin.admin_client()
    try:
        admin.send_update_account(user_id=user_id, payload=["UPDATE_PASSWORD"])
        wait_until(lambda: len(_messages_to(address)) == 1, timeout=20, what="Keycloak mail")
    finally:
        admin.delete_user(user_id)
    assert _messages_to(address)[0]["From"].endswith("<no-reply@indimaj.localhost>")
