"""The national PPR registry: writes and reads, always on the public table, from any schema.

Called by the personnel module inside its own transaction (the registry row and the tenant's
file commit together). Conflicts name the ordonnateur that already manages the PPR, so the clerk
knows whom to ask for a transfer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import InscriptionPpr, Organisation, RolePpr


def organisation_courante() -> Organisation:
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.schema_name != "public":
        return tenant
    schema = getattr(connection, "schema_name", "public")
    organisation = cast(
        "Organisation | None", Organisation.objects.filter(schema_name=schema).first()
    )
    if organisation is None or schema == "public":
        raise RuntimeError("the PPR registry is written from a tenant's schema only")
    return organisation


def gestionnaires(*, pprs: Iterable[str]) -> dict[str, Organisation]:
    """For each PPR, the ordonnateur that manages it now (PPRs nobody manages are absent)."""
    rows = InscriptionPpr.objects.filter(
        ppr__in=list(pprs), active=True, role=RolePpr.GESTION
    ).select_related("organisation")
    return {row.ppr: row.organisation for row in rows}


def conflit_message(*, ppr: str, organisation: Organisation) -> str:
    return _(
        "Le PPR %(ppr)s est déjà géré par « %(org)s » (%(code)s) : demandez-lui un transfert "
        "de l'agent plutôt que de créer un second dossier."
    ) % {"ppr": ppr, "org": organisation.name_fr, "code": organisation.code}


def inscrire(*, ppr: str, role: str = RolePpr.GESTION) -> InscriptionPpr:
    """Register the current tenant for `ppr` (idempotent for the same tenant and role)."""
    ici = organisation_courante()
    existante = InscriptionPpr.objects.filter(ppr=ppr, organisation=ici, active=True).first()
    if existante is not None and existante.role == role:
        return existante
    if role == RolePpr.GESTION:
        autre = gestionnaires(pprs=[ppr]).get(ppr)
        if autre is not None and autre.pk != ici.pk:
            raise ValidationError({"ppr": conflit_message(ppr=ppr, organisation=autre)})
    if existante is not None:
        fermer(inscription=existante)
    return InscriptionPpr.objects.create(ppr=ppr, organisation=ici, role=role)


def inscrire_lot(*, pprs: Iterable[str]) -> int:
    """Register the current tenant as manager of many PPRs in one statement (imports).
    The caller has already checked `gestionnaires()` for conflicts; the partial unique index
    is the last guard. Returns how many rows were added."""
    ici = organisation_courante()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO public.tenants_inscriptionppr (ppr, organisation_id, role, active, depuis)
            SELECT p, %s, 'gestion', true, now() FROM unnest(%s::text[]) AS p
            WHERE NOT EXISTS (
                SELECT 1 FROM public.tenants_inscriptionppr i
                WHERE i.ppr = p AND i.organisation_id = %s AND i.active
            )
            """,
            [ici.pk, list(pprs), ici.pk],
        )
        return int(cursor.rowcount)


def fermer(*, inscription: InscriptionPpr) -> None:
    inscription.active = False
    inscription.jusqu_au = timezone.now()
    inscription.save(update_fields=["active", "jusqu_au"])


def historique(*, ppr: str) -> list[InscriptionPpr]:
    return list(
        InscriptionPpr.objects.filter(ppr=ppr).select_related("organisation").order_by("depuis")
    )
