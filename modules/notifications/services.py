"""Writes of notifications: created with the event that causes them (same transaction); the
e-mail copies leave after the commit, so a rolled-back event notifies nobody."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from modules.notifications.models import Notification

logger = logging.getLogger(__name__)


def notifier(
    *,
    destinataires: Iterable[str],
    categorie: str,
    titre: str,
    texte: str = "",
    lien: str = "",
    courriel: bool = True,
) -> list[Notification]:
    uniques = sorted({d for d in destinataires if d})
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                destinataire=d, categorie=categorie, titre=titre[:200], texte=texte, lien=lien
            )
            for d in uniques
        ]
    )
    adresses = [d for d in uniques if "@" in d]
    if courriel and adresses:
        corps = f"{texte}\n\n{lien}".strip()
        messages = [(titre, corps, settings.DEFAULT_FROM_EMAIL, [adresse]) for adresse in adresses]

        def envoyer() -> None:
            try:
                send_mass_mail(messages, fail_silently=False)
            except OSError:  # the in-app notification stays; the mail server is logged
                logger.exception("notification e-mail not sent to %d address(es)", len(adresses))

        transaction.on_commit(envoyer)
    return notifications


def notifications_marquer_lues(*, destinataire: str, ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.filter(destinataire=destinataire, lue_le__isnull=True)
    if ids is not None:
        notifications = notifications.filter(id__in=list(ids))
    return notifications.update(lue_le=timezone.now())
