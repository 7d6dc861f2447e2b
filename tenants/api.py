"""The tenant's audit journal over the API (read-only)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from audit import selectors as audit_selectors
from identity.permissions import Action, api_requires

router = Router(tags=["journal"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str


@router.get("/", response=list[AuditEventOut])
@api_requires(Action.JOURNAL_LIRE)
def journal_list(request: HttpRequest, limit: int = 20) -> list[AuditEventOut]:
    events = audit_selectors.audit_event_list_recent(limit=min(max(limit, 1), 200))
    return [AuditEventOut.from_orm(event) for event in events]
