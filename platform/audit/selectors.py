"""Reads of the audit chain of the current schema."""

from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_event_list_recent(*, limit: int = 20) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-seq")[:limit]


def audit_event_list_by_action(*, action: str, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(action=action).order_by("-seq")[:limit]
