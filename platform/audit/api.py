"""Read-only API on the current tenant's audit chain."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from audit import selectors

router = Router(tags=["journal"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str


@router.get("/", response=list[AuditEventOut])
def journal_list(request: HttpRequest, limit: int = 20) -> list[AuditEventOut]:
    events = selectors.audit_event_list_recent(limit=min(max(limit, 1), 200))
    return [AuditEventOut.from_orm(event) for event in events]
