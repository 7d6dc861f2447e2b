"""Assisted access: a TGR operator reaches a tenant's data only when its admin allows it.

The operator states a reason and a duration; the tenant's admin grants or refuses; a granted
access is read-only (role `lecture` on the whole tenant), ends by itself, can be ended early
by either side, and every page the operator sees is an audit event the tenant can read.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from audit import services as audit_services
from identity.habilitations import Habilitation
from identity.models import AssistedAccess, AssistedAccessStatus

MAX_MINUTES = 8 * 60
GRANTED_HABILITATIONS = frozenset({Habilitation("lecture")})
PAGE_SEEN = "acces_assiste.page"


def _record_both(
    access: AssistedAccess, *, actor: str, action: str, data: dict[str, object]
) -> None:
    """The event goes to the platform's chain and to the tenant's, in one transaction."""
    for schema in ("public", access.tenant_schema):
        with schema_context(schema):
            audit_services.audit_record(
                actor=actor,
                action=action,
                object_type="acces_assiste",
                object_id=str(access.id),
                data=data,
            )


def assisted_access_request(
    *,
    tenant_schema: str,
    tenant_code: str,
    operator_sub: str,
    operator_username: str,
    reason: str,
    minutes: int,
) -> AssistedAccess:
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"motif": _("Expliquez le motif de la demande (10 caractères au moins).")}
        )
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {
                "duree": _("La durée doit être comprise entre 1 et %(max)s minutes.")
                % {"max": MAX_MINUTES}
            }
        )
    with transaction.atomic():
        access = AssistedAccess.objects.create(
            tenant_schema=tenant_schema,
            tenant_code=tenant_code,
            operator_sub=operator_sub,
            operator_username=operator_username,
            reason=reason,
            minutes=minutes,
        )
        _record_both(
            access,
            actor=operator_username,
            action="acces_assiste.demande",
            data={"motif": reason, "minutes": minutes},
        )
    return access


def assisted_access_decide(*, access: AssistedAccess, grant: bool, admin_username: str) -> None:
    if access.status != AssistedAccessStatus.DEMANDEE:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    now = timezone.now()
    with transaction.atomic():
        access.status = AssistedAccessStatus.ACCORDEE if grant else AssistedAccessStatus.REFUSEE
        access.decided_at, access.decided_by = now, admin_username
        access.ends_at = now + timedelta(minutes=access.minutes) if grant else None
        access.save(update_fields=["status", "decided_at", "decided_by", "ends_at"])
        _record_both(
            access,
            actor=admin_username,
            action="acces_assiste.accorde" if grant else "acces_assiste.refuse",
            data={"jusqu_a": access.ends_at.isoformat() if access.ends_at else None},
        )


def assisted_access_end(*, access: AssistedAccess, by: str) -> None:
    if access.status != AssistedAccessStatus.ACCORDEE:
        raise ValidationError(_("Cet accès n'est pas en cours."))
    with transaction.atomic():
        access.status = AssistedAccessStatus.TERMINEE
        access.ends_at = min(access.ends_at or timezone.now(), timezone.now())
        access.save(update_fields=["status", "ends_at"])
        _record_both(access, actor=by, action="acces_assiste.termine", data={})


def assisted_access_active(*, tenant_schema: str, operator_sub: str) -> AssistedAccess | None:
    """The operator's granted, unexpired access to this tenant (expiry needs no job)."""
    return (
        AssistedAccess.objects.filter(
            tenant_schema=tenant_schema,
            operator_sub=operator_sub,
            status=AssistedAccessStatus.ACCORDEE,
            ends_at__gt=timezone.now(),
        )
        .order_by("-ends_at")
        .first()
    )


def assisted_access_still_valid(*, access_id: int) -> bool:
    return AssistedAccess.objects.filter(
        id=access_id, status=AssistedAccessStatus.ACCORDEE, ends_at__gt=timezone.now()
    ).exists()


def assisted_page_seen(*, access_id: int, operator_username: str, path: str) -> None:
    """Called in the tenant's schema for each page the operator opens."""
    with transaction.atomic():
        audit_services.audit_record(
            actor=operator_username,
            action=PAGE_SEEN,
            object_type="url",
            object_id=path[:100],
            data={"acces": access_id},
        )


def assisted_access_list_for_tenant(*, tenant_schema: str) -> list[AssistedAccess]:
    return list(AssistedAccess.objects.filter(tenant_schema=tenant_schema)[:200])


def assisted_access_get_for_tenant(*, tenant_schema: str, access_id: int) -> AssistedAccess | None:
    return AssistedAccess.objects.filter(tenant_schema=tenant_schema, id=access_id).first()


def assisted_access_list_for_operator(*, operator_sub: str) -> list[AssistedAccess]:
    return list(AssistedAccess.objects.filter(operator_sub=operator_sub)[:200])
