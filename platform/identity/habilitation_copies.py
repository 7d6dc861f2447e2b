"""The Django-side copy of habilitations, for jobs (ADR 0002 §7)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_tenant_model

from identity import keycloak_admin
from identity.habilitations import Habilitation
from identity.models import HabilitationCopie


def tenant_habilitations_reconcile(*, alias: str) -> int:
    """Rewrite the tenant's copy from Keycloak in one transaction; returns the row count."""
    tenant_schema = str(get_tenant_model().objects.get(code=alias).schema_name)
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_id_by_alias(admin, alias)
    held = keycloak_admin.organization_habilitations(admin, org_id=org_id) if org_id else {}
    now = timezone.now()
    rows = [
        HabilitationCopie(
            tenant_schema=tenant_schema,
            user_sub=user_sub,
            role=h.role,
            unit=h.unit or "",
            refreshed_at=now,
        )
        for user_sub, habilitations in held.items()
        for h in habilitations
    ]
    with transaction.atomic():
        HabilitationCopie.objects.filter(tenant_schema=tenant_schema).delete()
        HabilitationCopie.objects.bulk_create(rows)
    return len(rows)


def habilitations_for_job(*, tenant_schema: str, user_sub: str) -> frozenset[Habilitation]:
    """What a job acting for this person may do in this tenant (as of the last reconcile)."""
    return frozenset(
        Habilitation(role=role, unit=unit or None)
        for role, unit in HabilitationCopie.objects.filter(
            tenant_schema=tenant_schema, user_sub=user_sub
        ).values_list("role", "unit")
    )


def usernames_with_role(*, tenant_schema: str, role: str) -> list[str]:
    """Usernames of the people holding `role` (any unit) in the tenant, as of the last
    reconcile: who a job notifies (notifications are addressed by username)."""
    from django.contrib.auth import get_user_model

    subs = HabilitationCopie.objects.filter(tenant_schema=tenant_schema, role=role).values(
        "user_sub"
    )
    return sorted(
        str(u)
        for u in get_user_model()
        .objects.filter(keycloak_sub__in=subs, is_active=True)
        .values_list("username", flat=True)
    )
