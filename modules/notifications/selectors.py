from __future__ import annotations

from django.db.models import QuerySet

from modules.notifications.models import Notification


def notifications_de(*, destinataire: str) -> QuerySet[Notification]:
    return Notification.objects.filter(destinataire=destinataire)


def non_lues_nombre(*, destinataire: str) -> int:
    return Notification.objects.filter(destinataire=destinataire, lue_le__isnull=True).count()
