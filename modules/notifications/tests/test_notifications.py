"""Notifications: one per person, e-mailed after the commit only, listed and marked read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tenants.utils import schema_context

from modules.notifications import facade, selectors
from modules.notifications.models import Notification


@pytest.fixture
def dans_a(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield tenant_a


def test_courriel_apres_le_commit_seulement(dans_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        facade.notifier(
            destinataires=["amina@example.ma", "amina@example.ma", "sans-adresse"],
            categorie="essai",
            titre="Réponse du Trésor",
            texte="2026-000001 — Visé",
            lien="/actes/",
        )
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["amina@example.ma"]]
    assert mail.outbox[0].subject == "Réponse du Trésor"
    # rolled back: no notification, no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                facade.notifier(destinataires=["b@example.ma"], categorie="essai", titre="x")
                raise RuntimeError
        except RuntimeError:
            pass
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(destinataire="b@example.ma").exists()


def test_page_et_marquer_lues(tenant_a, login_client):
    client = login_client(tenant_a, username="lecteur.test", roles=("lecture",))
    with schema_context(tenant_a.schema_name):
        facade.notifier(
            destinataires=["lecteur.test"], categorie="essai", titre="Acte visé", courriel=False
        )
        facade.notifier(
            destinataires=["autre"], categorie="essai", titre="Pas pour moi", courriel=False
        )
    reponse = client.get(reverse("notifications:liste"))
    assert reponse.status_code == 200
    assert "Acte visé" in reponse.text
    assert "Pas pour moi" not in reponse.text
    assert reponse.context["non_lues"] == 1
    client.post(reverse("notifications:liste"))
    with schema_context(tenant_a.schema_name):
        assert selectors.non_lues_nombre(destinataire="lecteur.test") == 0
        assert selectors.non_lues_nombre(destinataire="autre") == 1
